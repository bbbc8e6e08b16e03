/**
 * Server state of the companion through react-query: its QEMU list, and verifications keyed by
 * the layout's key — an edit makes a new key, so a result only ever shows for the layout QEMU ran
 * (undo back to it and the result is there again).
 */
import { type Layout, layoutFiles, serializeLayout } from "@guestmap/core";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useGuestmap } from "../store/store";
import { fetchQemus, postVerify } from "./api";
import { useCompanion } from "./companion";

/**
 * A short stable key for a layout (cyrb53 of its JSON, file digests included): react-query's cache
 * key. Heads are left out of the JSON: a head is the first bytes of the file its digest already
 * names, and printing every 64 KiB head as base64 made this key cost ~0.7 s per render at 200
 * files. Only a head with no digest (nothing binds its bytes) is hashed in. Memoised per layout
 * object: every Verify component asks for the same one.
 */
export function layoutKey(layout: Layout): string {
  let key = keys.get(layout);
  if (key === undefined) {
    key = computeKey(layout);
    keys.set(layout, key);
  }
  return key;
}

const keys = new WeakMap<Layout, string>();

function computeKey(layout: Layout): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const mix = (ch: number) => {
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  };
  const text = serializeLayout(layout);
  for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
  for (const { blob } of layoutFiles(layout))
    if (blob.sha256 === undefined && blob.head) for (const b of blob.head) mix(b);
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
  // Hashing the layout costs ~3 ms at 500 blobs, on every edit's frame: only worth it when a
  // companion can verify (without one nothing is requested or cached).
  const key = useMemo(() => (companion ? layoutKey(layout) : ""), [companion, layout]);
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
