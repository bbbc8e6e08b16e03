/**
 * `check()` in two steps, for an editor's frame: the diagnostics first, then their quick fixes.
 * A map frame needs only what collides and which blob is named by an error; the quick fixes
 * (a free-slot search per fixable diagnostic) are for the panels, which follow after the frame.
 * `withQuickFixesOf(layout, checkWithoutFixes(layout))` is `check(layout)`, property-tested in
 * core/test/check-in-steps.test.ts.
 */
import { type Diagnostic, sortDiagnostics } from "../diagnostics.js";
import type { Layout } from "../model/types.js";
import { withQuickFixes } from "../ops/quick-fix.js";
import { placements } from "../qemu/placement.js";
import type { Placement } from "../qemu/region.js";
import { type CheckOptions, type CheckResult, runRules } from "./check.js";

/** A check whose diagnostics have no `fix` yet. */
export interface UnfixedCheck extends CheckResult {
  /** The diagnostics as the rules found them: quick fixes are computed in this order. */
  readonly found: readonly Diagnostic[];
}

/** `check(layout, opts)` without the quick fixes: the same diagnostics, in the same order, no `fix`. */
export function checkWithoutFixes(layout: Layout, opts: CheckOptions = {}): UnfixedCheck {
  return checkPlacementWithoutFixes(layout, placements(layout, opts), opts);
}

/** The same of a placement already computed by `placements(layout, opts)` (see `checkPlacement`). */
export function checkPlacementWithoutFixes(
  layout: Layout,
  placement: Placement,
  opts: CheckOptions = {},
): UnfixedCheck {
  const found = runRules(layout, placement, opts);
  return { placement, diagnostics: sortDiagnostics(found), found };
}

/** The second step: `check(layout, opts)` from its first step, without running the rules again. */
export function withQuickFixesOf(layout: Layout, unfixed: UnfixedCheck): CheckResult {
  return {
    placement: unfixed.placement,
    diagnostics: sortDiagnostics(withQuickFixes(layout, unfixed.placement, unfixed.found)),
  };
}
