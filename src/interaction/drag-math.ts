/** Pure drag geometry over an immutable pointer-down state (unit-tested; no DOM). */
import { snapToAlignment } from "@guestmap/core";

export interface DragStart {
  readonly id: string;
  /** The blob's address at pointer-down. */
  readonly addr: bigint;
  /** The blob's length in bytes (its file; snapping puts its end against a neighbour). */
  readonly size: bigint;
  readonly align: bigint;
  readonly offset: bigint;
  /**
   * Where the pointer grabbed the block, in whole px from its left edge. The block's left edge
   * stays this far left of the pointer, so the block follows the pointer exactly on screen in
   * either scale, and its address is the one the axis shows under that edge.
   */
  readonly grabPx: number;
  /** The block's drawn width (kept through the drag, so its end can meet a neighbour's start). */
  readonly widthPx: number;
  /** Other regions' starts and ends (neighbours, QEMU's own regions, RAM), to snap to; sorted. */
  readonly edges: readonly bigint[];
}

/** The current screen mapping (frozen scale, current view): x px from the map's left edge ↔ address. */
export interface DragMapping {
  toAddr(x: number): bigint;
  toX(addr: bigint): number;
}

export interface DragTarget {
  /** Where the blob goes if released now. */
  readonly addr: bigint;
  /** The address under the pointer. */
  readonly pointer: bigint;
  /** The neighbour edge it snapped to, if it did. */
  readonly edge?: bigint;
}

/** How close (px) a blob's edge must come to a neighbour's to snap to it. */
export const SNAP_PX = 8;

const alignUp = (a: bigint, align: bigint, offset: bigint) => {
  if (align <= 1n) return a;
  const rel = a - offset;
  const mod = ((rel % align) + align) % align;
  return mod === 0n ? a : a + (align - mod);
};
const alignDown = (a: bigint, align: bigint, offset: bigint) => {
  if (align <= 1n) return a;
  const rel = a - offset;
  return a - (((rel % align) + align) % align);
};

/**
 * Where the blob goes for the pointer at `x` px: the address under the block's left edge. Unless
 * `free` (Alt held), it snaps to a neighbour's edge within SNAP_PX — its start just after the
 * neighbour's end, or its end just before the neighbour's start, each at the blob's alignment —
 * and otherwise to its alignment.
 */
export function dragTo(start: DragStart, x: number, map: DragMapping, free: boolean): DragTarget {
  const pointer = map.toAddr(x);
  const leftX = x - start.grabPx;
  const raw = map.toAddr(leftX);
  if (free) return { addr: raw < 0n ? 0n : raw, pointer };
  let best: { addr: bigint; edge: bigint; d: number } | undefined;
  const consider = (e: bigint, cand: bigint, at: number) => {
    if (cand < 0n) return;
    const d = Math.abs(at - leftX);
    if (d <= SNAP_PX && (!best || d < best.d)) best = { addr: cand, edge: e, d };
  };
  // Only the edges within SNAP_PX of the block's two ends: a window of the sorted edges, so a
  // move costs the same with 10 neighbours or 1,000.
  const near = (x: number) => window(start.edges, map.toAddr(x - SNAP_PX - 1), map.toAddr(x + SNAP_PX + 1));
  for (const e of near(leftX)) consider(e, alignUp(e, start.align, start.offset), map.toX(e));
  for (const e of near(leftX + start.widthPx))
    consider(e, alignDown(e - start.size, start.align, start.offset), map.toX(e) - start.widthPx);
  if (best) return { addr: best.addr, pointer, edge: best.edge };
  const at = snapToAlignment(raw, start.align, start.offset);
  return { addr: at < 0n ? 0n : at, pointer };
}

/** The elements of sorted `xs` in [lo, hi]. */
function window(xs: readonly bigint[], lo: bigint, hi: bigint): readonly bigint[] {
  let a = 0;
  let b = xs.length;
  while (a < b) {
    const m = (a + b) >> 1;
    if (xs[m]! < lo) a = m + 1;
    else b = m;
  }
  let end = a;
  while (end < xs.length && xs[end]! <= hi) end++;
  return xs.slice(a, end);
}
