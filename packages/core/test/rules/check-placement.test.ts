/**
 * `checkPlacement(layout, placements(layout))` is `check(layout)` split in two (the app draws the
 * placement first and runs the rules after): same diagnostics, and the placement it was given.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, checkPlacement, placements } from "../../src/index.js";
import { arbLayoutSpec, buildLayout } from "../fixtures/layouts.js";

describe("checkPlacement", () => {
  it("gives check()'s diagnostics for the placement it is handed, on layouts with collisions", () => {
    fc.assert(
      fc.property(arbLayoutSpec({ min: 1, max: 20 }), fc.constantFrom("7.2", "10.0"), (spec, qemu) => {
        const layout = buildLayout(spec);
        const placement = placements(layout, { qemu });
        const split = checkPlacement(layout, placement, { qemu });
        expect(split.placement).toBe(placement);
        expect(split.diagnostics).toEqual(check(layout, { qemu }).diagnostics);
      }),
      { numRuns: 60 },
    );
  });
});
