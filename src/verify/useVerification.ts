/**
 * Server state of the companion through react-query: its QEMU list, and verifications keyed by
 * the layout's key — an edit makes a new key, so a result only ever shows for the layout QEMU ran
 * (undo back to it and the result is there again).
 */
import { type Layout, serializeLayout } from "@guestmap/core";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useGuestmap } from "../store/store";
import { fetchQemus, postVerify } from "./api";
import { useCompanion } from "./companion";

/** A short stable key for a layout (cyrb53 of its JSON with file hashes): react-query's cache key. */
export function layoutKey(layout: Layout): string {
  const text = serializeLayout(layout, { withHeads: true });
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export function useQemus() {
  const companion = useCompanion((s) => s.companion);
  return useQuery({
    queryKey: ["companion", companion?.base, "qemu"],
    queryFn: () => fetchQemus(companion!),
    enabled: companion !== undefined,
  });
}

/**
 * The verification of the current layout with the QEMU picked in the header: run once the user
 * asks for it, and shown from the cache whenever the layout (and QEMU) are one it ran for.
 */
export function useVerification() {
  const companion = useCompanion((s) => s.companion);
  const asked = useCompanion((s) => s.requested);
  const layout = useGuestmap((s) => s.layout);
  const key = useMemo(() => layoutKey(layout), [layout]);
  const qemu = useChosenQemu();
  const requested = asked?.key === key && asked.qemu === qemu;
  const query = useQuery({
    queryKey: ["companion", companion?.base, "verify", qemu, key],
    queryFn: () => postVerify(companion!, layout, qemu!),
    enabled: companion !== undefined && qemu !== undefined && requested,
    gcTime: 30 * 60_000,
  });
  return { key, layout, qemu, requested, query };
}

/** The QEMU the header's picker shows: the chosen one if the companion has it for this arch, else its first. */
export function useChosenQemu(): string | undefined {
  const arch = useGuestmap((s) => s.layout.machine.arch);
  const chosen = useCompanion((s) => s.qemu);
  const mine = (useQemus().data ?? []).filter((q) => q.arch === arch);
  return chosen && mine.some((q) => q.version === chosen) ? chosen : mine[0]?.version;
}
