/**
 * Quick fixes: for every diagnostic a move can cure, the blob to move and where. `check` attaches
 * them (so `check --json` carries `fix`), the app offers them as one click, and {@link fixAll}
 * applies them all at once.
 */
import type { Diagnostic, DiagnosticCode } from "../diagnostics.js";
import type { Layout } from "../model/types.js";
import type { Placement } from "../qemu/region.js";
import { formatSize, hex } from "../util/bigint.js";
import { FreeSpaceIndex, findSlot, type Taken, takenIn } from "./free-space.js";
import { type MovableBlob, movableBlobs } from "./movable.js";

/** A quick fix: move `region` to `addr`; `label` says so naming the file (for buttons and text). */
export interface QuickFix {
  readonly region: string;
  readonly addr: bigint;
  readonly label: string;
}

/** The codes a move of one blob can fix. */
export const FIXABLE_CODES: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>([
  "overlap",
  "bss-overlap",
  "misaligned",
  "outside-ram",
  "duplicate-addr",
  "addr-zero",
  "in-flash",
]);

const GiB4 = 1n << 32n;
/**
 * Fixes computed exactly (each a walk over every region) before the bulk index takes over: at
 * most 64, fewer on huge layouts so the walks stay near 200,000 steps (one frame's worth).
 */
const EXACT_FIXES = 64;
const EXACT_STEPS = 200_000;

/**
 * Whether blobs must stay below 4 GiB: a 32-bit cpu (arm, riscv32, or qemu-system-aarch64 with a
 * 32-bit cpu such as virt's default cortex-a15) cannot address modules above it.
 */
export function needsLowMemory(layout: Layout, placement: Placement): boolean {
  const arch = layout.machine.arch;
  return arch === "arm" || arch === "riscv32" || (arch === "aarch64" && !placement.aarch64Cpu);
}

/** Which blob a diagnostic's fix moves: the first movable one of its regions (a BSS rule's victim, else its kernel). */
export function fixTarget(d: Diagnostic, blobs: ReadonlyMap<string, MovableBlob>): MovableBlob | undefined {
  if (!FIXABLE_CODES.has(d.code)) return undefined;
  const ids = d.code === "bss-overlap" ? d.regions : d.regions.slice(0, 1);
  for (const id of ids) {
    const b = blobs.get(id);
    if (b) return b;
  }
  return undefined;
}

/** The aligned address at or below `addr`. */
function alignedBelow(b: MovableBlob): bigint {
  const r = (((b.addr - b.offset) % b.align) + b.align) % b.align;
  return b.addr - r;
}

/**
 * Where a fix for `d` looks first: a misaligned blob from its aligned address below, a blob
 * outside RAM or without an address from RAM's start, anything else from where it is.
 */
export function searchStart(d: Diagnostic, b: MovableBlob, placement: Placement): bigint {
  const lowest = placement.ram[0]?.start ?? 0n;
  if (d.code === "misaligned") return alignedBelow(b);
  if (d.code === "outside-ram" || d.code === "addr-zero" || d.code === "in-flash") return lowest;
  return b.addr;
}

/**
 * Where {@link slotFor} looks for room: the sorted ranges taken by everything but the blob itself
 * (exact: its own old place counts as free), or an index of a whole placement's free space (for
 * thousands of fixes at O(log n) each: the blob's old place counts as taken, so the answer may lie
 * farther away).
 */
export type FreeSpace = { readonly taken: readonly Taken[] } | { readonly index: FreeSpaceIndex };

/**
 * The one slot search behind every quick fix, fix all and the overlap message: the nearest free
 * place for `b` at or above `from` (else the lowest in RAM) at its alignment, clear of `free`,
 * below 4 GiB when `low`.
 */
export function slotFor(
  b: MovableBlob,
  free: FreeSpace,
  placement: Placement,
  from: bigint,
  low: boolean,
): bigint | undefined {
  const lowest = placement.ram[0]?.start ?? 0n;
  const at = (start: bigint): bigint | undefined => {
    if ("taken" in free)
      return findSlot(free.taken, placement.ram, {
        need: b.footprint,
        align: b.align,
        offset: b.offset,
        from: start,
        ...(low && { limit: GiB4 }),
      });
    const base = free.index.find(b.footprint + b.offset, b.align, start - b.offset);
    return base === undefined || (low && base + b.offset + b.footprint > GiB4) ? undefined : base + b.offset;
  };
  return at(from) ?? (from > lowest ? at(lowest) : undefined);
}

/** "Move rootfs.cpio to 0x48100000" — a fix as a button or a line of text says it. */
export function fixLabel(b: MovableBlob, addr: bigint): string {
  return `Move ${b.name} to ${hex(addr)} (${formatSize(b.align)}-aligned${b.offset ? ` + ${hex(b.offset)}` : ""}, clear of every other region)`;
}

/**
 * `diagnostics` with a `fix` on each one a single move cures (where RAM has room), labelled by
 * file name. Rules give no fixes of their own: every fix comes from here, through {@link slotFor}.
 */
export function withQuickFixes(
  layout: Layout,
  placement: Placement,
  diagnostics: readonly Diagnostic[],
): Diagnostic[] {
  if (!diagnostics.some((d) => FIXABLE_CODES.has(d.code))) return [...diagnostics];
  const blobs = new Map(movableBlobs(layout).blobs.map((b) => [b.id, b]));
  let all: Taken[] | undefined;
  let index: FreeSpaceIndex | undefined;
  const low = needsLowMemory(layout, placement);
  let computed = 0;
  const exact = Math.min(EXACT_FIXES, Math.ceil(EXACT_STEPS / Math.max(1, placement.regions.length)));
  return diagnostics.map((d) => {
    const b = fixTarget(d, blobs);
    if (!b) return d;
    // Exact answers for the first fixes; past that (20,000 blobs outside RAM after an arch
    // switch) the index keeps each O(log n).
    let free: FreeSpace;
    if (++computed <= exact) {
      all ??= takenIn(placement);
      free = { taken: all.filter((t) => t.id !== b.id) };
    } else {
      index ??= new FreeSpaceIndex(placement.regions, placement.ram);
      free = { index };
    }
    const addr = slotFor(b, free, placement, searchStart(d, b, placement), low);
    if (addr === undefined || addr === b.addr) return d;
    return { ...d, fix: { region: b.id, addr, label: fixLabel(b, addr) } };
  });
}
