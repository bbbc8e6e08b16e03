/**
 * An image as a plan: a list of segments (literal bytes, zero runs, slices of blobs) whose
 * concatenation is the image. Writers stream a plan; the browser turns one into a `Blob` from
 * `File` slices without copying.
 */
import { hex } from "../util/bigint.js";
import { BinaryHeap } from "../util/heap.js";
import { type AddressRange, type BlobSource, ImageError, type ImageRegion } from "./source.js";

export type Segment =
  | { readonly kind: "bytes"; readonly data: Uint8Array }
  | { readonly kind: "zeros"; readonly length: bigint }
  | {
      readonly kind: "blob";
      readonly source: BlobSource;
      /** Which input region (index) this slice comes from. */
      readonly region: number;
      readonly offset: bigint;
      readonly length: bigint;
    };

/** A blob slice with the guest address its first byte lands at. */
export interface PlacedSlice {
  readonly addr: bigint;
  readonly region: number;
  readonly source: BlobSource;
  readonly offset: bigint;
  readonly length: bigint;
}

export function segmentLength(s: Segment): bigint {
  return s.kind === "bytes" ? BigInt(s.data.length) : s.length;
}

export function planLength(plan: readonly Segment[]): bigint {
  let n = 0n;
  for (const s of plan) n += segmentLength(s);
  return n;
}

/** One past the highest guest address: no byte of an image may lie at or above it. */
export const ADDRESS_LIMIT = 1n << 64n;

function checkRegions(regions: readonly ImageRegion[]): void {
  regions.forEach((r, i) => {
    if (r.addr < 0n || r.addr + r.size > ADDRESS_LIMIT)
      throw new ImageError(
        "address-overflow",
        `region ${i}${r.name ? ` (${r.name})` : ""} at ${hex(r.addr)} (${r.size} bytes) ends past 2^64, which no guest address reaches; move it below ${hex(ADDRESS_LIMIT - r.size)}`,
      );
    if (r.size < 0n || r.size > r.source.size)
      throw new ImageError(
        "region-exceeds-source",
        `region ${i}${r.name ? ` (${r.name})` : ""} wants ${r.size} bytes but its source has ${r.source.size}; refresh the blob's size from the file`,
      );
  });
}

/** The default range: lowest to highest byte of the non-empty regions. */
export function regionsSpan(regions: readonly ImageRegion[]): AddressRange {
  let start: bigint | undefined;
  let end: bigint | undefined;
  for (const r of regions) {
    if (r.size === 0n) continue;
    if (start === undefined || r.addr < start) start = r.addr;
    if (end === undefined || r.addr + r.size > end) end = r.addr + r.size;
  }
  if (start === undefined || end === undefined)
    throw new ImageError("bad-range", "no region has any bytes; there is no image to write");
  return { start, end };
}

/** Throws `bad-range` for an empty or reversed range, `address-overflow` for one past 2^64. */
export function checkRange(r: AddressRange): void {
  if (r.end <= r.start)
    throw new ImageError(
      "bad-range",
      `range ${hex(r.start)}:${hex(r.end)} is empty or reversed; give START:END with END > START`,
    );
  if (r.start < 0n || r.end > ADDRESS_LIMIT)
    throw new ImageError(
      "address-overflow",
      `range ${hex(r.start)}:${hex(r.end)} ends past 2^64 (END may be 0x10000000000000000 at most); give a range inside the 64-bit address space`,
    );
}

/**
 * Which region supplies each byte of `range`: non-overlapping slices in address order. Where
 * regions overlap the LATER one in the list wins — the order of writes. Pass regions in the
 * order QEMU writes them at reset (its ROM list order) to get QEMU's result; QEMU refuses most
 * overlaps anyway (see qemu-boot.md).
 */
export function resolveSlices(regions: readonly ImageRegion[], range?: AddressRange): PlacedSlice[] {
  checkRegions(regions);
  const r = range ?? regionsSpan(regions);
  checkRange(r);
  const cuts = new Set<bigint>([r.start, r.end]);
  for (const g of regions) {
    for (const a of [g.addr, g.addr + g.size]) if (a > r.start && a < r.end) cuts.add(a);
  }
  const points = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // A sweep (n log n, not points × regions): regions by address enter a max-heap of their
  // indices as the sweep reaches them; the heap's top, once ended ones are dropped, is the
  // latest region covering [a, b) — the winner. A region ends at a cut point or past the range,
  // so it covers [a, b) exactly when it started at or before a and ends after a.
  const order = regions
    .map((_, i) => i)
    .filter((i) => regions[i]!.size > 0n)
    .sort((x, y) => {
      const ax = regions[x]!.addr;
      const ay = regions[y]!.addr;
      return ax < ay ? -1 : ax > ay ? 1 : x - y;
    });
  // Max-heap of region indices: the latest region listed wins where regions overlap.
  const heap = new BinaryHeap<number>((x, y) => x > y);
  let next = 0;
  const out: PlacedSlice[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k]!;
    const b = points[k + 1]!;
    while (next < order.length && regions[order[next]!]!.addr <= a) heap.push(order[next++]!);
    while (heap.size > 0) {
      const top = regions[heap.peek()!]!;
      if (top.addr + top.size > a) break;
      heap.pop();
    }
    if (heap.size === 0) continue;
    const win = heap.peek()!;
    const g = regions[win]!;
    const prev = out[out.length - 1];
    if (prev && prev.region === win && prev.addr + prev.length === a) {
      out[out.length - 1] = { ...prev, length: prev.length + (b - a) };
    } else out.push({ addr: a, region: win, source: g.source, offset: a - g.addr, length: b - a });
  }
  return out;
}

/** A raw image of `range` (default: the regions' span): blob bytes where placed, zeros between. */
export function planRaw(regions: readonly ImageRegion[], range?: AddressRange): Segment[] {
  const r = range ?? regionsSpan(regions);
  const plan: Segment[] = [];
  let at = r.start;
  for (const s of resolveSlices(regions, r)) {
    if (s.addr > at) plan.push({ kind: "zeros", length: s.addr - at });
    plan.push({ kind: "blob", source: s.source, region: s.region, offset: s.offset, length: s.length });
    at = s.addr + s.length;
  }
  if (r.end > at) plan.push({ kind: "zeros", length: r.end - at });
  return plan;
}
