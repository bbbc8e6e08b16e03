/**
 * Interval intersection by sort and sweep: O(n log n + k) for n intervals and k intersecting
 * pairs, never pairwise. Shared by the overlap and BSS rules.
 */
import { BinaryHeap } from "../util/heap.js";

export interface Interval<T> {
  readonly start: bigint;
  /** Exclusive. Empty intervals (end ≤ start) never intersect anything. */
  readonly end: bigint;
  readonly item: T;
}

export interface Intersection<T> {
  /** The interval that starts first (ties: the one listed first). */
  readonly a: Interval<T>;
  readonly b: Interval<T>;
  readonly start: bigint;
  readonly end: bigint;
}

/** Every pair of intervals that share at least one byte, with the shared range. Touching is not overlapping. */
export function intersections<T>(intervals: readonly Interval<T>[]): Intersection<T>[] {
  // Array.prototype.sort is stable, so ties stay in input order; and on input already sorted by
  // start (placement regions are) it makes one pass: no wrapper object per interval.
  const sorted = intervals
    .filter((iv) => iv.end > iv.start)
    .sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  // The active set: a min-heap on interval end.
  const active = new BinaryHeap<Interval<T>>((x, y) => x.end < y.end);
  const out: Intersection<T>[] = [];
  for (const iv of sorted) {
    while (active.size > 0 && active.peek()!.end <= iv.start) active.pop();
    for (const other of active.items()) {
      out.push({ a: other, b: iv, start: iv.start, end: other.end < iv.end ? other.end : iv.end });
    }
    active.push(iv);
  }
  return out;
}
