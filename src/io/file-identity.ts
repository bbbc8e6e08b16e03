/**
 * Which bytes a layout blob stands for. The core's Blob is a name, a size and a head; two different
 * files can share all three, so the app tags the blobs it read with their content hash
 * (`contentHash`, see content-hash.ts) and keys their bytes in IndexedDB by it. The tag rides on
 * the blob object through edits and undo; persistence keeps it in a side table per blob slot,
 * because the core's layout file has no field for it (see the report on a core `Blob.id`).
 */
import type { Blob as FileRef, Layout } from "@guestmap/core";

/** A layout blob this browser has read: its bytes are stored under `contentHash`. */
export type StoredRef = FileRef & { readonly contentHash?: string };

export const hashOf = (ref: FileRef | undefined): string | undefined =>
  (ref as StoredRef | undefined)?.contentHash;

/** One key per distinct file: its content hash, else (a demo blob, a reopened layout) name, size and head. */
export function refKey(ref: FileRef): string {
  return hashOf(ref) ?? `${ref.path}:${ref.size ?? "?"}:${fnv1a(ref.head)}`;
}

/** A cheap fingerprint of a head (FNV-1a, 32-bit): only tells apart, never identifies, bytes. */
function fnv1a(bytes: Uint8Array | undefined): string {
  let h = 0x811c9dc5;
  for (const b of bytes ?? []) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16);
}

/** Every file of a layout with a stable slot name: `m1`, `l2`, `kernel`, `initrd`, `bios`, `dtb`. */
export function fileSlots(layout: Layout): [string, FileRef][] {
  const out: [string, FileRef][] = [];
  for (const m of layout.modules) {
    const f = m.kernel ?? m.initrd;
    if (f) out.push([m.id, f]);
  }
  for (const l of layout.loaders) out.push([l.id, l.file]);
  if (layout.kernel) out.push(["kernel", layout.kernel]);
  if (layout.initrd) out.push(["initrd", layout.initrd]);
  if (layout.machine.bios.kind === "file") out.push(["bios", layout.machine.bios.file]);
  if (layout.dtb) out.push(["dtb", layout.dtb]);
  return out;
}

export interface HashEntry {
  readonly path: string;
  readonly size: string;
  readonly hash: string;
}

/** The content hashes of a layout's blobs, by slot (what persistence saves beside the layout JSON). */
export function fileHashes(layout: Layout): Record<string, HashEntry> {
  const out: Record<string, HashEntry> = {};
  for (const [slot, f] of fileSlots(layout)) {
    const hash = hashOf(f);
    if (hash && f.size !== undefined) out[slot] = { path: f.path, size: f.size.toString(), hash };
  }
  return out;
}

/** Re-tags a restored layout's blobs with their saved hashes (only where name and size still match). */
export function withFileHashes(layout: Layout, table: Readonly<Record<string, HashEntry>>): Layout {
  const tag = <F extends FileRef>(slot: string, f: F): F => {
    const e = table[slot];
    return e && typeof e.hash === "string" && e.path === f.path && e.size === f.size?.toString()
      ? { ...f, contentHash: e.hash }
      : f;
  };
  const bios = layout.machine.bios;
  return {
    ...layout,
    modules: layout.modules.map((m) =>
      m.kernel ? { ...m, kernel: tag(m.id, m.kernel) } : m.initrd ? { ...m, initrd: tag(m.id, m.initrd) } : m,
    ),
    loaders: layout.loaders.map((l) => ({ ...l, file: tag(l.id, l.file) })),
    ...(layout.kernel && { kernel: tag("kernel", layout.kernel) }),
    ...(layout.initrd && { initrd: tag("initrd", layout.initrd) }),
    ...(layout.dtb && { dtb: tag("dtb", layout.dtb) }),
    machine:
      bios.kind === "file"
        ? { ...layout.machine, bios: { kind: "file", file: tag("bios", bios.file) } }
        : layout.machine,
  };
}
