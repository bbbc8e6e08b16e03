/**
 * `npm run fuzz`: every target for GUESTMAP_FUZZ_RUNS cases (default 1,000,000), printing cases/s
 * and peak RSS, then the CPU time of one input of 1k, 10k and 100k bytes (linear: ×10 per step).
 * Exits 1 on the first untyped error, slow case, or super-linear growth: cost per byte at 100k
 * above 4× that at 10k in three measurements running (quadratic is 10×; see linearity.ts).
 */
import fc from "fast-check";
import { inputBytes, MAX_PER_BYTE_RATIO, measureLinearity } from "./linearity.js";
import { runCase, TARGETS } from "./targets.js";

const RUNS = Number(process.env.GUESTMAP_FUZZ_RUNS ?? 1_000_000);
const CASE_MS = 2_000;
const mib = (n: number) => (n / 2 ** 20).toFixed(0);

// Sizes first, for every target, on a fresh heap: measured after a million cases (of this or
// another target) GC pauses blur them several-fold. See linearity.ts for how noise is kept out.
const SIZES = new Map(
  TARGETS.map((target) => [
    target,
    measureLinearity(
      [1_000, 10_000, 100_000].map((size) => {
        const input = target.sized(size);
        return {
          bytes: inputBytes(input, size),
          run: () => {
            try {
              target.run(input);
            } catch (e) {
              if (!target.typed(e)) throw e;
            }
          },
        };
      }),
    ),
  ]),
);

let failed = false;
for (const target of TARGETS) {
  const lin = SIZES.get(target)!;
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

  if (!lin.linear) failed = true;
  const ratios = lin.ratios.map((r) => r.toFixed(2)).join(", ");
  console.log(
    `${target.name}: ${n} cases in ${s.toFixed(1)} s = ${Math.round(n / s)} cases/s, ${typed} typed errors, peak RSS ${mib(peak)} MiB; ` +
      `1k/10k/100k (CPU, median): ${lin.times.map((t) => `${t.ms.toFixed(3)} ms`).join(" / ")}, ` +
      `per-byte cost 100k/10k ×${ratios}${lin.linear ? "" : `  SUPER-LINEAR (every attempt above ×${MAX_PER_BYTE_RATIO})`}`,
  );
}
process.exit(failed ? 1 : 0);
