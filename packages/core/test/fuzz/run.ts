/**
 * `npm run fuzz`: every target for GUESTMAP_FUZZ_RUNS cases (default 1,000,000), printing cases/s
 * and peak RSS, then the time of one input of 1k, 10k and 100k bytes (linear: ×10 per step).
 * Exits 1 on the first untyped error, slow case, or super-linear growth (100k > 50 × 10k: quadratic would be 100 ×).
 */
import fc from "fast-check";
import { runCase, TARGETS } from "./targets.js";

const RUNS = Number(process.env.GUESTMAP_FUZZ_RUNS ?? 1_000_000);
const CASE_MS = 2_000;
const mib = (n: number) => (n / 2 ** 20).toFixed(0);

/**
 * The best time of each run over 9 rounds, one size after the other. (Interleaving the sizes
 * made the 100k inputs look slower than they are: the smaller runs in between keep shrinking the
 * young generation the big one then regrows.) The minimum is the code's own cost on a shared
 * machine.
 */
function timesOf(runs: (() => void)[]): number[] {
  return runs.map((run) => {
    run(); // warm up the JIT on this input's shape
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 9; round++) {
      const t0 = performance.now();
      run();
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  });
}

// Sizes first, for every target, on a fresh heap: measured after a million cases (of this or
// another target) GC pauses blur them several-fold.
const SIZES = new Map(
  TARGETS.map((target) => [
    target,
    timesOf(
      [1_000, 10_000, 100_000].map((size) => {
        const input = target.sized(size);
        return () => {
          try {
            target.run(input);
          } catch (e) {
            if (!target.typed(e)) throw e;
          }
        };
      }),
    ),
  ]),
);

let failed = false;
for (const target of TARGETS) {
  const sizes = SIZES.get(target)!;
  let peak = process.memoryUsage().rss;
  let typed = 0;
  let n = 0;
  const t0 = performance.now();
  const r = fc.check(
    fc.property(target.arbitrary, (input) => {
      if (runCase(target, input, CASE_MS) === "typed") typed++;
      if (++n % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }),
    { numRuns: RUNS },
  );
  const s = (performance.now() - t0) / 1000;
  if (r.failed) {
    failed = true;
    console.log(`${target.name}: FAILED after ${r.numRuns} cases\n${fc.defaultReportMessage(r)}`);
    continue;
  }

  const ratio = sizes[2]! / Math.max(sizes[1]!, 0.001);
  if (ratio > 50) failed = true;
  console.log(
    `${target.name}: ${n} cases in ${s.toFixed(1)} s = ${Math.round(n / s)} cases/s, ${typed} typed errors, peak RSS ${mib(peak)} MiB; ` +
      `1k/10k/100k: ${sizes.map((t) => `${t.toFixed(2)} ms`).join(" / ")}${ratio > 50 ? `  SUPER-LINEAR (×${ratio.toFixed(0)})` : ""}`,
  );
}
process.exit(failed ? 1 : 0);
