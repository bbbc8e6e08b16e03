/**
 * Per-blob facts the UI needs, all from the core: alignment, header, the quick-fix slot and where
 * new files go. Pure.
 */
import {
  type AlignmentRule,
  alignmentRule,
  type BlobHeader,
  type GuestLoaderModule,
  type Layout,
  type LayoutBlob,
  moduleFile,
  moduleKind,
  nextFreeSlot,
  type Placement,
  placements,
  sniffHeader,
} from "@guestmap/core";
import { snap } from "../map/scale";
import type { BlobKind } from "./edits";

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

/** The kind a file's header suggests: any kernel image format is a kernel, the rest an initrd. */
export function guessKind(ref: LayoutBlob): BlobKind {
  return sniffHeader(ref.head).isKernel ? "kernel" : "initrd";
}

/** The run-time footprint of a module: max(file size, image_size) for kernels. */
export function moduleFootprint(m: GuestLoaderModule): bigint {
  const f = moduleFile(m);
  const size = f?.size ?? 0n;
  const hdr = m.kernel ? moduleHeader(m) : undefined;
  return hdr?.imageSize && hdr.imageSize > size ? hdr.imageSize : size;
}

/**
 * The quick fix: the next free address at or above the blob (else from the bottom of RAM) with
 * the blob kind's alignment, clear of every other region's footprint.
 */
export function nextFreeAligned(layout: Layout, placement: Placement, id: string): bigint | undefined {
  const m = layout.modules.find((x) => x.id === id);
  if (!m) return undefined;
  const rule = moduleAlignment(layout, m);
  const align = rule.align > 4n * KiB ? rule.align : 4n * KiB;
  const size = moduleFootprint(m) + rule.offset;
  const ignore = new Set([id]);
  const from = m.addr - rule.offset;
  const slot =
    nextFreeSlot(placement.regions, placement.ram, size, align, from, ignore) ??
    nextFreeSlot(placement.regions, placement.ram, size, align, placement.ram[0]?.start ?? 0n, ignore);
  return slot === undefined ? undefined : slot + rule.offset;
}

/**
 * Guest-loader stanzas for new files: the first at `at` snapped to its alignment (or, without
 * `at`, the first free aligned slot in RAM), each next one in the next free aligned slot.
 */
export function placeNewBlobs(layout: Layout, refs: readonly LayoutBlob[], at?: bigint): GuestLoaderModule[] {
  const out: GuestLoaderModule[] = [];
  let working = layout;
  let used = new Set([...layout.modules.map((m) => m.id), ...layout.loaders.map((l) => l.id)]);
  for (const [i, ref] of refs.entries()) {
    let n = 1;
    while (used.has(`m${n}`)) n++;
    const id = `m${n}`;
    used = new Set([...used, id]);
    const kind = guessKind(ref);
    const draft: GuestLoaderModule =
      kind === "kernel" ? { id, addr: 0n, kernel: ref } : { id, addr: 0n, initrd: ref };
    const rule = moduleAlignment(working, draft);
    // The pointer's address snapped to the alignment, then the first free aligned slot from there
    // (else from the bottom of RAM): a drop never lands on QEMU's own regions or another blob.
    const p = placements(working);
    const align = rule.align > 4n * KiB ? rule.align : 4n * KiB;
    const ramStart = p.ram[0]?.start ?? 0n;
    const from =
      i === 0 && at !== undefined ? snap(at, rule.align, rule.offset) - rule.offset : (at ?? ramStart);
    const size = moduleFootprint(draft) + rule.offset;
    const slot =
      nextFreeSlot(p.regions, p.ram, size, align, from < ramStart ? ramStart : from) ??
      nextFreeSlot(p.regions, p.ram, size, align, ramStart);
    const addr = (slot ?? from) + rule.offset;
    const mod = { ...draft, addr };
    out.push(mod);
    working = { ...working, modules: [...working.modules, mod] };
  }
  return out;
}
