/**
 * Interval intersection by sort and sweep: O(n log n + k) for n intervals and k intersecting
 * pairs, never pairwise. Shared by the overlap and BSS rules.
 */

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

/** A binary min-heap on interval end, for the sweep's active set. */
class EndHeap<T> {
  private readonly xs: Interval<T>[] = [];
  get size(): number {
    return this.xs.length;
  }
  peek(): Interval<T> | undefined {
    return this.xs[0];
  }
  items(): readonly Interval<T>[] {
    return this.xs;
  }
  push(v: Interval<T>): void {
    const xs = this.xs;
    xs.push(v);
    let i = xs.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (xs[p]!.end <= xs[i]!.end) break;
      [xs[p], xs[i]] = [xs[i]!, xs[p]!];
      i = p;
    }
  }
  pop(): void {
    const xs = this.xs;
    const last = xs.pop();
    if (xs.length === 0 || last === undefined) return;
    xs[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < xs.length && xs[l]!.end < xs[m]!.end) m = l;
      if (r < xs.length && xs[r]!.end < xs[m]!.end) m = r;
      if (m === i) break;
      [xs[m], xs[i]] = [xs[i]!, xs[m]!];
      i = m;
    }
  }
}

/** Every pair of intervals that share at least one byte, with the shared range. Touching is not overlapping. */
export function intersections<T>(intervals: readonly Interval<T>[]): Intersection<T>[] {
  const sorted = intervals
    .map((iv, i) => ({ iv, i }))
    .filter(({ iv }) => iv.end > iv.start)
    .sort((x, y) => (x.iv.start < y.iv.start ? -1 : x.iv.start > y.iv.start ? 1 : x.i - y.i))
    .map(({ iv }) => iv);
  const active = new EndHeap<T>();
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
