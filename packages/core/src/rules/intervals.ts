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
  // start it makes one pass.
  const sorted = intervals
    .filter((iv) => iv.end > iv.start)
    .sort((x, y) => (x.start < y.start ? -1 : x.start > y.start ? 1 : 0));
  const s = sweep<T>();
  for (const iv of sorted) s.add(iv);
  return s.out;
}

/**
 * {@link intersections} of `items` as the intervals [start(x), end(x)). On items already in start
 * order (placement's regions are) each interval is made as the sweep reaches it and dropped once
 * passed, so 100k of them are never alive at once (they die young instead of filling the old
 * generation); otherwise they are made, sorted and swept as above. Same result either way.
 */
export function intersectionsBy<T>(
  items: readonly T[],
  start: (x: T) => bigint,
  end: (x: T) => bigint,
): Intersection<T>[] {
  for (let i = 1; i < items.length; i++)
    if (start(items[i]!) < start(items[i - 1]!))
      return intersections(items.map((item) => ({ start: start(item), end: end(item), item })));
  const s = sweep<T>();
  for (const item of items) {
    const iv = { start: start(item), end: end(item), item };
    if (iv.end > iv.start) s.add(iv);
  }
  return s.out;
}

/** The sweep: give it the non-empty intervals in start order (ties: the order given). */
function sweep<T>(): { add(iv: Interval<T>): void; readonly out: Intersection<T>[] } {
  // The active set: a min-heap on interval end.
  const active = new BinaryHeap<Interval<T>>((x, y) => x.end < y.end);
  const out: Intersection<T>[] = [];
  return {
    out,
    add(iv) {
      while (active.size > 0 && active.peek()!.end <= iv.start) active.pop();
      for (const other of active.items()) {
        out.push({ a: other, b: iv, start: iv.start, end: other.end < iv.end ? other.end : iv.end });
      }
      active.push(iv);
    },
  };
}
