/**
 * Every parser of outside input under fast-check: only its documented errors, no other exception,
 * no hang (a per-case bound), bounded memory (headers claiming GiBs allocate nothing), and time
 * linear in input size. `npm test` runs GUESTMAP_FUZZ_RUNS cases per target (default 20,000);
 * `npm run fuzz` runs 1M each and prints cases/s.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runCase, TARGETS } from "./targets.js";

const RUNS = Number(process.env.GUESTMAP_FUZZ_RUNS ?? 20_000);
/** Generous: CI shares 2 cores; a real hang is seconds to forever, a case is microseconds. */
const CASE_MS = 2_000;

describe("fuzzing", () => {
  for (const target of TARGETS) {
    it(`${target.name}: only typed errors, no case slower than ${CASE_MS} ms (${RUNS} cases)`, () => {
      const rss0 = process.memoryUsage().rss;
      let typed = 0;
      fc.assert(
        fc.property(target.arbitrary, (input) => {
          if (runCase(target, input, CASE_MS) === "typed") typed++;
        }),
        { numRuns: RUNS },
      );
      // Memory: 20k cases of ≤ a few KB each must not leave hundreds of MB behind.
      expect(process.memoryUsage().rss - rss0).toBeLessThan(512 * 1024 * 1024);
      // The generators reach the error paths, not only the happy one (and vice versa).
      if (target.name !== "address/size parsers" && target.name !== "shell splitter + command-line import")
        expect(typed).toBeGreaterThan(0);
    }, 120_000);
  }
});
