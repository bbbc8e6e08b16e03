/** `check(layout)`: every diagnostic for a layout — QEMU's refusals and the problems it does not see. */
import { type Diagnostic, sortDiagnostics } from "../diagnostics.js";
import type { Layout } from "../model/types.js";
import { type PlacementOptions, placements } from "../qemu/placement.js";
import type { Placement } from "../qemu/region.js";
import { bssRule } from "./bss.js";
import type { Rule } from "./context.js";
import { domainRule } from "./domains.js";
import { dtbRule } from "./dtb.js";
import { chosenLints } from "./lints.js";
import { misalignedRule } from "./misaligned.js";
import { moduleRule } from "./modules.js";
import { overlapRule } from "./overlap.js";
import { placeholderRule } from "./placeholders.js";
import { ramRule } from "./ram.js";

export const RULES: readonly Rule[] = [
  moduleRule,
  overlapRule,
  ramRule,
  bssRule,
  misalignedRule,
  dtbRule,
  placeholderRule,
  chosenLints,
  domainRule,
];

export interface CheckResult {
  readonly placement: Placement;
  /** Sorted: errors first, then by address. */
  readonly diagnostics: readonly Diagnostic[];
}

export function check(layout: Layout, opts: PlacementOptions = {}): CheckResult {
  const placement = placements(layout, opts);
  const ctx = { layout, placement };
  const diagnostics = [...placement.diagnostics, ...RULES.flatMap((rule) => rule(ctx))];
  return { placement, diagnostics: sortDiagnostics(diagnostics) };
}
