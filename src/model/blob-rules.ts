/**
 * Per-blob facts the UI needs, all from the core: alignment, header, footprint. (Quick fixes come
 * with the core's diagnostics; where new files go is the core's `addFiles`.) Pure.
 */
import {
  type AlignmentRule,
  alignmentRule,
  type BlobHeader,
  blobFootprint,
  type GuestLoaderModule,
  type Layout,
  moduleFile,
  moduleKind,
  sniffHeader,
} from "@guestmap/core";

const KiB = 1024n;

export function moduleHeader(m: GuestLoaderModule): BlobHeader | undefined {
  const f = moduleFile(m);
  return f?.head ? sniffHeader(f.head) : undefined;
}

/** The alignment a module needs (initrds 4 KiB; kernels per arch and header). */
export function moduleAlignment(layout: Layout, m: GuestLoaderModule): AlignmentRule {
  const kind = moduleKind(m) ?? "initrd";
  return alignmentRule(layout.machine.arch, kind, kind === "kernel" ? moduleHeader(m) : undefined);
}

/** A generic `-device loader` blob has no alignment rule; the keyboard moves it by 4 KiB pages. */
export const LOADER_STEP: AlignmentRule = {
  align: 4n * KiB,
  offset: 0n,
  why: "QEMU's generic loader takes any address; the keyboard steps by 4 KiB pages",
};

/** How the keyboard moves a blob (a guest-loader module by its alignment, a loader by pages); undefined for placeholders. */
export function blobMoveRule(layout: Layout, id: string): { addr: bigint; rule: AlignmentRule } | undefined {
  const m = layout.modules.find((x) => x.id === id);
  if (m) return moduleKind(m) ? { addr: m.addr, rule: moduleAlignment(layout, m) } : undefined;
  const l = layout.loaders.find((x) => x.id === id);
  return l ? { addr: l.addr, rule: LOADER_STEP } : undefined;
}

/** The run-time footprint of a module: max(file size, image_size) for kernels (the core's rule). */
export function moduleFootprint(m: GuestLoaderModule): bigint {
  return blobFootprint(moduleKind(m) ?? "initrd", moduleFile(m)?.size ?? 0n, moduleHeader(m));
}
