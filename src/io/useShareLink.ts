import type { Layout } from "@guestmap/core";
import { useEffect } from "react";
import { newLayout } from "../store/persist";
import { useGuestmap } from "../store/store";
import { withHeads } from "./heads";

/**
 * Opens a layout shared in the URL (`#layout=…`) as a new layout beside the saved ones (never over
 * the one open), then drops the hash so a reload shows the saved state. Files are not part of a
 * link: a blob is bound only to a file with its SHA-256. Verbatim QEMU arguments from a link are
 * held back as untrusted until the user accepts them.
 */
export function useShareLink() {
  useEffect(() => {
    openFromHash();
    window.addEventListener("hashchange", openFromHash);
    return () => window.removeEventListener("hashchange", openFromHash);
  }, []);
}

async function openFromHash() {
  const hash = window.location.hash;
  if (!hash.startsWith("#layout=")) return;
  history.replaceState(null, "", window.location.pathname + window.location.search);
  let layout: Layout | undefined;
  try {
    // Loaded only for a link: the decoder brings zod and the exporters (see lazy/load.ts).
    const { layoutFromHash } = await import("./exports");
    layout = layoutFromHash(hash);
  } catch (e) {
    useGuestmap.getState().noticed({
      kind: "error",
      text: `The shared link was not opened: ${(e as Error).message}`,
      actions: ["start-fresh"],
    });
    return;
  }
  if (!layout) return;
  const [filled] = await withHeads([{ ...layout, extraArgs: [] }]);
  const extra = layout.extraArgs;
  await newLayout(
    filled!,
    "Shared layout",
    extra.length ? { args: extra, source: "the share link" } : undefined,
    {
      kind: "info",
      text: `Opened a shared layout as a new layout (your previous one is in the Layouts menu). Files are not part of a link: drop each file onto its blob to bind it.${extra.length ? " Its extra QEMU arguments are held back until you accept them." : ""}`,
    },
  );
}
