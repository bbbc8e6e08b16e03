/** `check(layout)`: every diagnostic for a layout — QEMU's refusals and the problems it does not see. */
import { type Diagnostic, sortDiagnostics } from "../diagnostics.js";
import type { Layout } from "../model/types.js";
import { withQuickFixes } from "../ops/quick-fix.js";
import { type PlacementOptions, placements } from "../qemu/placement.js";
import type { Placement } from "../qemu/region.js";
import { argumentLengthRule } from "./argument-length.js";
import { bssRule } from "./bss.js";
import type { Rule } from "./context.js";
import { domainRule } from "./domains.js";
import { dtbRule } from "./dtb.js";
import { dtbModuleRule } from "./dtb-modules.js";
import { filesRule } from "./files.js";
import { kernelOptionsRule } from "./kernel-options.js";
import { chosenLints } from "./lints.js";
import { loaderDataRule } from "./loader-data.js";
import { loaderOverflowRule } from "./loader-overflow.js";
import { machineRule } from "./machine.js";
import { misalignedRule } from "./misaligned.js";
import { moduleRule } from "./modules.js";
import { overlapRule } from "./overlap.js";
import { placeholderRule } from "./placeholders.js";
import { ramRule } from "./ram.js";
import { uncheckedRule } from "./unchecked.js";
import { unsafeOptionsRule } from "./unsafe-options.js";

export const RULES: readonly Rule[] = [
  moduleRule,
  kernelOptionsRule,
  loaderOverflowRule,
  overlapRule,
  ramRule,
  bssRule,
  misalignedRule,
  dtbRule,
  dtbModuleRule,
  loaderDataRule,
  placeholderRule,
  machineRule,
  filesRule,
  chosenLints,
  uncheckedRule,
  unsafeOptionsRule,
  argumentLengthRule,
  domainRule,
];

export interface CheckResult {
  readonly placement: Placement;
  /** Sorted: errors first, then by address. */
  readonly diagnostics: readonly Diagnostic[];
}

/** What to check against (the QEMU profile and installed firmware), and what the user vouches for. */
export interface CheckOptions extends PlacementOptions {
  /**
   * The user says they wrote the layout's extra QEMU arguments or trust where they came from
   * (`guestmap check --trust-args`): each `unsafe-option` is then a note that still names the
   * risk, not an error. Never set it for a share link or someone else's file unread.
   */
  readonly trustExtraArgs?: boolean;
}

export function check(layout: Layout, opts: CheckOptions = {}): CheckResult {
  return checkPlacement(layout, placements(layout, opts), opts);
}

/**
 * `check` of a placement already computed by `placements(layout, opts)` with the same options: a
 * front-end can draw the regions first and run the rules after (the app's map does), without
 * placing the layout twice. The result's `placement` is the one given.
 */
export function checkPlacement(layout: Layout, placement: Placement, opts: CheckOptions = {}): CheckResult {
  const diagnostics = runRules(layout, placement, opts);
  return { placement, diagnostics: sortDiagnostics(withQuickFixes(layout, placement, diagnostics)) };
}

/**
 * What the rules find in a placement, the placement's own diagnostics first, unsorted and without
 * quick fixes: the one run of the rules `checkPlacement` and the two-step check share.
 */
export function runRules(layout: Layout, placement: Placement, opts: CheckOptions = {}): Diagnostic[] {
  const ctx = { layout, placement, ...(opts.trustExtraArgs && { trustExtraArgs: true }) };
  return [...placement.diagnostics, ...RULES.flatMap((rule) => rule(ctx))];
}
