/**
 * The fuzz run's linear-time gate tells linear code from quadratic code by CPU time, medians and
 * retries (linearity.ts) — here on two loops whose growth is known, at sizes small enough for a
 * unit test (a quadratic loop at 100k would take minutes).
 */
import { describe, expect, it } from "vitest";
import { MAX_PER_BYTE_RATIO, measureLinearity } from "./linearity.js";

const SIZES = [50, 500, 5_000];
const inputs = SIZES.map((n) => Float64Array.from({ length: n }, (_, i) => (i * 7) % 13));
let sink = 0;

/** One pass over the input: linear. */
const linear = (a: Float64Array) => () => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  sink += s;
};

/** Every pair of the input: quadratic (what a per-item rescan of the whole input looks like). */
const quadratic = (a: Float64Array) => () => {
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a.length; j++) s += a[j]! * a[i]!;
  sink += s;
};

describe("fuzz linearity gate", () => {
  it("passes a linear loop", { timeout: 60_000 }, () => {
    const r = measureLinearity(inputs.map((a) => ({ bytes: a.length, run: linear(a) })));
    expect(r.linear, `ratios ${r.ratios.join(", ")}`).toBe(true);
    expect(r.ratios[0]!).toBeLessThan(MAX_PER_BYTE_RATIO);
  });
  it("fails a quadratic loop, in every attempt", { timeout: 60_000 }, () => {
    const r = measureLinearity(inputs.map((a) => ({ bytes: a.length, run: quadratic(a) })));
    expect(r.linear, `ratios ${r.ratios.join(", ")}`).toBe(false);
    expect(r.ratios).toHaveLength(3);
    for (const ratio of r.ratios) expect(ratio).toBeGreaterThan(MAX_PER_BYTE_RATIO);
    expect(sink).not.toBe(0);
  });
});
