/**
 * Values derived from the store with core functions, computed once per layout object and shared
 * by every component that asks: the map, its blocks and the four panels used to run `check()`
 * each for themselves (six runs per edit, and per drag frame), which cost more than drawing.
 */
import {
  type CheckResult,
  checkWithoutFixes,
  type Layout,
  type UnfixedCheck,
  withQuickFixesOf,
} from "@guestmap/core";
import { useDeferredValue, useEffect, useState } from "react";
import { effectiveLayout } from "./effective";
import { type GuestmapState, useGuestmap } from "./store";

export { effectiveLayout };

export type Checked = CheckResult & { readonly layout: Layout };

/** Layouts are immutable: a layout object's check never changes, so it is kept with it. */
const checks = new WeakMap<Layout, Checked>();

/** `check(layout)`, run once per layout object (its rules shared with `liveChecked`). */
export function checked(layout: Layout): Checked {
  let r = checks.get(layout);
  if (!r) {
    r = { ...withQuickFixesOf(layout, liveChecked(layout)), layout };
    checks.set(layout, r);
  }
  return r;
}

const liveChecks = new WeakMap<Layout, UnfixedCheck & { readonly layout: Layout }>();

/**
 * `check(layout)` without its quick fixes, once per layout object: what a frame of the map needs
 * (collisions, each blob's worst problem). The quick fixes, a free-slot search per fixable
 * diagnostic, are added by `checked` when a panel or the committed map asks, after the frame.
 */
export function liveChecked(layout: Layout): UnfixedCheck & { readonly layout: Layout } {
  let r = liveChecks.get(layout);
  if (!r) {
    r = { ...checkWithoutFixes(layout), layout };
    liveChecks.set(layout, r);
  }
  return r;
}

/** Diagnostics' worst severity per region id (a blob named by an error gets a red border). */
const problemMaps = new WeakMap<CheckResult, ReadonlyMap<string, "error" | "warning">>();

export function problemsOf(c: CheckResult): ReadonlyMap<string, "error" | "warning"> {
  let out = problemMaps.get(c) as Map<string, "error" | "warning"> | undefined;
  if (!out) {
    out = new Map();
    for (const d of c.diagnostics)
      for (const id of d.regions)
        if (d.severity === "error") out.set(id, "error");
        else if (d.severity === "warning" && !out.has(id)) out.set(id, "warning");
    problemMaps.set(c, out);
  }
  return out;
}

const selectEffective = (s: GuestmapState) => effectiveLayout(s.layout, s.drag);

export function useEffectiveLayout(): Layout {
  return useGuestmap(selectEffective);
}

/** Placements and diagnostics (without quick fixes) of the effective layout: live while dragging. */
export function useCheck(): UnfixedCheck & { readonly layout: Layout } {
  return liveChecked(useEffectiveLayout());
}

/** The worst problem of one region, live while dragging: a block re-renders only when its own changes. */
export function useProblem(id: string): "error" | "warning" | undefined {
  return useGuestmap((s) => problemsOf(liveChecked(effectiveLayout(s.layout, s.drag))).get(id));
}

/** Placements of the committed layout: the map's scale is built from these so it holds still during a drag. */
export function useCommittedCheck(): Checked {
  return checked(useGuestmap((s) => s.layout));
}

/** A rest, during a drag: this long and this many frames in a row without a pointer move. */
const PANEL_REST_MS = 150;
const PANEL_REST_FRAMES = 6;

/**
 * The effective layout for the panels (/chosen, command line, diagnostics, inspector), rendered
 * at lower priority. During a drag they follow when the pointer rests, not at every move: printing
 * /chosen and the command line for 500 blobs takes longer than a frame, and React cannot split one
 * component's render or a commit, so the moving block stuttered. A rest is counted in frames as
 * well as in ms: on a busy machine a slow frame alone must not pass for a rest (that rendered the
 * panels between moves and tripled the CPU per move at 500 blobs).
 */
export function usePanelLayout(): Layout {
  const layout = useGuestmap((s) => s.layout);
  // A key move's preview is committed right after its frame: the panels follow the commit.
  const dragging = useGuestmap((s) => s.drag !== undefined && !s.drag.key);
  const [rested, setRested] = useState<Layout>(layout);
  useEffect(() => {
    if (!dragging) return;
    const now = () => {
      const s = useGuestmap.getState();
      return effectiveLayout(s.layout, s.drag);
    };
    let shown = now();
    setRested(shown);
    let moved = true;
    let lastMove = performance.now();
    let still = 0;
    const unsubscribe = useGuestmap.subscribe(() => {
      moved = true;
      lastMove = performance.now();
    });
    let frame = requestAnimationFrame(function tick(t) {
      still = moved ? 0 : still + 1;
      moved = false;
      if (still >= PANEL_REST_FRAMES && t - lastMove >= PANEL_REST_MS) {
        const current = now();
        if (current !== shown) {
          shown = current;
          setRested(current);
        }
      }
      frame = requestAnimationFrame(tick);
    });
    return () => {
      unsubscribe();
      cancelAnimationFrame(frame);
    };
  }, [dragging]);
  return useDeferredValue(dragging ? rested : layout);
}

/** The same for the panels: check of `usePanelLayout`. */
export function usePanelCheck(): Checked {
  return checked(usePanelLayout());
}
