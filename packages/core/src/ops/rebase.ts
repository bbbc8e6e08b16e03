/**
 * "Move the layout with the RAM base": switching arch moves RAM (aarch64/arm virt at 0x40000000,
 * riscv64/riscv32 at 0x80000000), which would leave every blob outside RAM. This operation shifts
 * every blob that was in the old RAM by the base's delta, then lets {@link fixAll} repack the few
 * that now collide (QEMU places its own regions differently per arch) or break the new arch's
 * alignment.
 */

import type { Diagnostic } from "../diagnostics.js";
import { type Arch, type Layout, type Machine, moduleFile } from "../model/types.js";
import { ramBase, ramRanges } from "../qemu/machine.js";
import type { PlacementOptions } from "../qemu/placement.js";
import { hex } from "../util/bigint.js";
import { fixAll } from "./fix-all.js";
import { type BlobMove, blobMove, type Unfixed } from "./moves.js";

export interface ArchChange {
  readonly layout: Layout;
  /** Every blob moved: by the delta, then (for some) by fix all. */
  readonly moves: readonly BlobMove[];
  readonly unfixed: readonly Unfixed[];
  /** Errors left after the move (none when it worked). */
  readonly remaining: readonly Diagnostic[];
  /** What else changed: a cpu or machine properties the new arch does not have. */
  readonly notes: readonly string[];
}

const isArm = (a: Arch) => a === "aarch64" || a === "arm";

/** `-M virt` properties that exist on one family only (hw/arm/virt.c, hw/riscv/virt.c). */
const ARM_ONLY = new Set([
  "virtualization",
  "secure",
  "highmem",
  "gic-version",
  "iommu",
  "its",
  "mte",
  "ras",
  "compact-highmem",
  "highmem-redists",
  "highmem-ecam",
  "highmem-mmio",
]);
const RISCV_ONLY = new Set(["aia", "aia-guests", "aclint"]);

/**
 * The layout on `arch` with its blobs moved along with RAM (`moveBlobs`, the default) — each blob
 * that lay in the old RAM keeps its offset from RAM's base — and then fixed where the new arch's
 * placements or alignments need it. A cpu of the other family is dropped, and so are the `-M`
 * properties the new machine does not have; `notes` says which.
 */
export function changeArch(
  layout: Layout,
  arch: Arch,
  opts: PlacementOptions & { readonly moveBlobs?: boolean } = {},
): ArchChange {
  const notes: string[] = [];
  const from = layout.machine;
  const familyChange = isArm(from.arch) !== isArm(arch);
  const props = familyChange
    ? from.props.filter(([k]) => {
        const drop = (isArm(arch) ? RISCV_ONLY : ARM_ONLY).has(k);
        if (drop) notes.push(`-M ${k}= dropped: ${arch} virt has no such property`);
        return !drop;
      })
    : from.props;
  const keepCpu = !familyChange && from.cpu !== undefined;
  if (from.cpu !== undefined && !keepCpu) notes.push(`-cpu ${from.cpu} dropped: it is not a ${arch} cpu`);
  const machine: Machine = {
    ...from,
    arch,
    props,
    ...(keepCpu ? { cpu: from.cpu } : { cpu: undefined }),
  };
  const { cpu, ...rest } = machine;
  const switched: Layout = { ...layout, machine: cpu === undefined ? rest : machine };
  if (opts.moveBlobs === false) return { layout: switched, moves: [], unfixed: [], remaining: [], notes };

  const oldRam = ramRanges(from);
  const delta = ramBase(arch) - ramBase(from.arch);
  const inOld = (addr: bigint) => oldRam.some((r) => addr >= r.start && addr < r.end);
  const shift = (addr: bigint) => (inOld(addr) ? addr + delta : addr);
  const shifted: Layout = {
    ...switched,
    modules: switched.modules.map((m) => ({ ...m, addr: shift(m.addr) })),
    loaders: switched.loaders.map((l) => ({ ...l, addr: shift(l.addr) })),
  };
  const fixed = fixAll(shifted, opts);
  const after = new Map(fixed.moves.map((m) => [m.id, m]));
  const moves: BlobMove[] = [];
  for (const [old, now] of [
    ...layout.modules.map((m, i) => [m, fixed.layout.modules[i]!] as const),
    ...layout.loaders.map((l, i) => [l, fixed.layout.loaders[i]!] as const),
  ]) {
    if (old.addr === now.addr) continue;
    const name = "file" in old ? old.file.path : (moduleFile(old)?.path ?? old.id);
    const second = after.get(old.id);
    const reason = second
      ? `RAM's base moved by ${hex(delta)}, then ${second.reason}`
      : `RAM's base moved ${hex(ramBase(from.arch))} → ${hex(ramBase(arch))}`;
    moves.push(blobMove(old.id, name, old.addr, now.addr, reason));
  }
  return { layout: fixed.layout, moves, unfixed: fixed.unfixed, remaining: fixed.remaining, notes };
}
