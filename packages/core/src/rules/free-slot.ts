/** Finds room for a blob: the quick fix for overlaps and the UI's "move to the next free slot". */
import type { RamRange } from "../qemu/machine.js";
import type { Region } from "../qemu/region.js";
import { alignUp } from "../util/bigint.js";

/**
 * The lowest `align`-aligned address at or above `from` where `size` bytes fit inside RAM without
 * touching any region's run-time footprint (regions whose id is in `ignore` are ignored).
 * `undefined` when there is no such place.
 */
export function nextFreeSlot(
  regions: readonly Region[],
  ram: readonly RamRange[],
  size: bigint,
  align: bigint,
  from: bigint,
  ignore: ReadonlySet<string> = new Set(),
): bigint | undefined {
  const busy = regions
    .filter((r) => !ignore.has(r.id) && r.footprint > 0n)
    .map((r) => [r.addr, r.addr + r.footprint] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const range of ram) {
    let cand = alignUp(from > range.start ? from : range.start, align);
    for (const [s, e] of busy) {
      if (e <= cand) continue;
      if (s >= cand + size) break;
      cand = alignUp(e, align);
    }
    if (cand + size <= range.end) return cand;
  }
  return undefined;
}

/**
 * Free space of a placement, indexed for many queries: the complement of every footprint within
 * RAM, with a max-tree over gap sizes so "the first gap at or after X that can hold N bytes" costs
 * O(log n) rather than a walk over every blob. Used when one check suggests a slot per collision.
 */
export class FreeSpaceIndex {
  private readonly gaps: { start: bigint; end: bigint }[] = [];
  private readonly tree: bigint[];
  private readonly leaves: number;

  constructor(regions: readonly Region[], ram: readonly RamRange[]) {
    const busy = regions
      .filter((r) => r.footprint > 0n)
      .map((r) => [r.addr, r.addr + r.footprint] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (const range of ram) {
      let cursor = range.start;
      for (const [s, e] of busy) {
        if (e <= cursor) continue;
        if (s >= range.end) break;
        if (s > cursor) this.gaps.push({ start: cursor, end: s });
        if (e > cursor) cursor = e;
      }
      if (cursor < range.end) this.gaps.push({ start: cursor, end: range.end });
    }
    let n = 1;
    while (n < this.gaps.length) n *= 2;
    this.leaves = n;
    this.tree = new Array<bigint>(2 * n).fill(0n);
    this.gaps.forEach((g, i) => {
      this.tree[n + i] = g.end - g.start;
    });
    for (let i = n - 1; i >= 1; i--) {
      const l = this.tree[2 * i]!;
      const r = this.tree[2 * i + 1]!;
      this.tree[i] = l > r ? l : r;
    }
  }

  /** Index of the first gap at index ≥ from whose size is ≥ need, or -1. */
  private firstFitting(from: number, need: bigint): number {
    const go = (node: number, lo: number, hi: number): number => {
      if (hi <= from || this.tree[node]! < need) return -1;
      if (hi - lo === 1) return lo < this.gaps.length ? lo : -1;
      const mid = (lo + hi) >> 1;
      const left = go(2 * node, lo, mid);
      return left !== -1 ? left : go(2 * node + 1, mid, hi);
    };
    return go(1, 0, this.leaves);
  }

  /** The lowest `align`-aligned address ≥ `from` where `size` bytes fit in free space, or undefined. */
  find(size: bigint, align: bigint, from: bigint): bigint | undefined {
    // Binary search: the first gap that ends after `from`.
    let lo = 0;
    let hi = this.gaps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.gaps[mid]!.end <= from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = this.firstFitting(lo, size); i !== -1; i = this.firstFitting(i + 1, size)) {
      const g = this.gaps[i]!;
      const start = alignUp(g.start > from ? g.start : from, align);
      if (start + size <= g.end) return start;
    }
    return undefined;
  }
}
