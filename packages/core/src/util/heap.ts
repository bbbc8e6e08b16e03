/**
 * A binary heap ordered by `above(a, b)` ("a belongs nearer the top than b"): the active set of
 * the core's sweeps (interval intersections, image slice resolution), which keep them n log n.
 */
export class BinaryHeap<T> {
  private readonly xs: T[] = [];
  constructor(private readonly above: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.xs.length;
  }
  peek(): T | undefined {
    return this.xs[0];
  }
  /** Every element, in heap order (not sorted). */
  items(): readonly T[] {
    return this.xs;
  }
  push(v: T): void {
    const xs = this.xs;
    xs.push(v);
    let i = xs.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.above(xs[i]!, xs[p]!)) break;
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
      if (l < xs.length && this.above(xs[l]!, xs[m]!)) m = l;
      if (r < xs.length && this.above(xs[r]!, xs[m]!)) m = r;
      if (m === i) break;
      [xs[m], xs[i]] = [xs[i]!, xs[m]!];
      i = m;
    }
  }
}
