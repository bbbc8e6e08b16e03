/**
 * Guest RAM as the operations see it: the byte ranges taken (each named, so a move can say what
 * it avoided) and the lowest aligned place where a blob fits.
 */
import type { RamRange } from "../qemu/machine.js";
import type { Placement, Region } from "../qemu/region.js";
import { alignUp } from "../util/bigint.js";

/** A taken byte range [start, end) and what takes it, as a move's explanation names it. */
export interface Taken {
  /** The region's id. */
  readonly id: string;
  readonly start: bigint;
  readonly end: bigint;
  readonly what: string;
}

/** How explanations name a region: `QEMU's DTB`, `the -kernel xen`, `Image`. */
export function regionLabel(r: Region): string {
  switch (r.role) {
    case "dtb":
      return "QEMU's DTB";
    case "bootloader":
      return "QEMU's boot stub";
    case "firmware":
      return `the firmware ${r.name}`;
    case "kernel":
    case "initrd":
      return `the -${r.role} ${r.name}`;
    default:
      return r.name;
  }
}

/** The ranges a region takes: its loaded bytes, and its BSS (image_size past the file) apart. */
export function takenBy(r: Region): Taken[] {
  const out: Taken[] = [];
  const label = regionLabel(r);
  if (r.size > 0n) out.push({ id: r.id, start: r.addr, end: r.addr + r.size, what: label });
  if (r.footprint > r.size)
    out.push({
      id: r.id,
      start: r.addr + r.size,
      end: r.addr + r.footprint,
      what: `${label}'s BSS (image_size)`,
    });
  return out;
}

/** The range a movable blob takes at `addr`: its whole run-time footprint, named by its file. */
export function takenByBlob(
  b: { readonly id: string; readonly name: string; readonly footprint: bigint },
  addr: bigint,
): Taken {
  return { id: b.id, start: addr, end: addr + b.footprint, what: b.name };
}

/** Every range taken in a placement, except the regions whose id is in `except`; sorted by start. */
export function takenIn(placement: Placement, except: ReadonlySet<string> = new Set()): Taken[] {
  return sortTaken(placement.regions.filter((r) => !except.has(r.id)).flatMap(takenBy));
}

/** Sorted by start address, as {@link findSlot} wants them. */
export function sortTaken(taken: Taken[]): Taken[] {
  return taken.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
}

/** Keeps `taken` sorted while adding `t`. */
export function insertTaken(taken: Taken[], t: Taken): void {
  let i = taken.length;
  while (i > 0 && taken[i - 1]!.start > t.start) i--;
  taken.splice(i, 0, t);
}

/** What a blob at [start, end) would collide with: the first taken range it meets, by address. */
export function firstCollision(taken: readonly Taken[], start: bigint, end: bigint): Taken | undefined {
  let best: Taken | undefined;
  for (const t of taken)
    if (t.start < end && t.end > start && (best === undefined || t.start < best.start)) best = t;
  return best;
}

/** A request for room: `need` bytes at an address ≡ `offset` (mod `align`), from `from` on, ending by `limit`. */
export interface SlotRequest {
  readonly need: bigint;
  readonly align: bigint;
  readonly offset: bigint;
  readonly from: bigint;
  /** Exclusive upper bound for the blob's end (e.g. 4 GiB for a 32-bit consumer). */
  readonly limit?: bigint;
}

/**
 * The lowest address ≥ `from` (≡ `offset` mod `align`) where `need` bytes lie inside one RAM range,
 * below `limit`, and clear of every taken range; undefined when there is none. `sorted` must be
 * sorted by start ({@link takenIn} and {@link sortTaken} give it so).
 */
export function findSlot(
  sorted: readonly Taken[],
  ram: readonly RamRange[],
  req: SlotRequest,
): bigint | undefined {
  const up = (v: bigint) => {
    const r = (((v - req.offset) % req.align) + req.align) % req.align;
    return r === 0n ? v : v + (req.align - r);
  };
  for (const range of ram) {
    const end = req.limit !== undefined && req.limit < range.end ? req.limit : range.end;
    let cand = up(req.from > range.start ? req.from : range.start);
    for (const t of sorted) {
      if (cand + req.need > end) break;
      if (t.end <= cand) continue;
      if (t.start >= cand + req.need) break;
      cand = up(t.end);
    }
    if (cand + req.need <= end) return cand;
  }
  return undefined;
}

/**
 * Free space of a placement, indexed for many queries: the complement of every footprint within
 * RAM, with a max-tree over gap sizes so "the first gap at or after X that can hold N bytes" costs
 * O(log n) rather than a walk over every blob. Used when one check suggests a slot for thousands of blobs (see `slotFor`).
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
