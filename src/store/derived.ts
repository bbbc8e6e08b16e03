/**
 * Values derived from the store with core functions, computed once per layout object and shared
 * by every component that asks: the map, its blocks and the four panels used to run `check()`
 * each for themselves (six runs per edit, and per drag frame), which cost more than drawing.
 *
 * The map is drawn from `placements()` first: the rules (`check()`, a third of the app's code) are
 * loaded after that paint (lazy/after-map.ts), and until they are in, a layout's result is its
 * placement with no diagnostics, marked `pending`. The hooks below render again when they arrive.
 */
import { type CheckResult, type Diagnostic, type Layout, type Placement, placements } from "@guestmap/core";
import { useDeferredValue, useEffect, useState } from "react";
import { rulesNow, useRules } from "../lazy/after-map";
import { argsTrusted } from "../model/trust-args";
import { effectiveLayout } from "./effective";
import { type GuestmapState, useGuestmap } from "./store";

export { effectiveLayout };

export type Checked = CheckResult & {
  readonly layout: Layout;
  /** The rules are not loaded yet: `diagnostics` is empty because nothing has been checked. */
  readonly pending?: true;
};

/** Layouts are immutable: a layout object's placement and check never change, so they are kept with it (a check per trust). */
const placed = new WeakMap<Layout, Placement>();
const unchecked = new WeakMap<Layout, Checked>();
const checks = new WeakMap<Layout, Checked>();
const trustedChecks = new WeakMap<Layout, Checked>();
const liveChecks = new WeakMap<Layout, LiveChecked>();
const trustedLiveChecks = new WeakMap<Layout, LiveChecked>();

/** A check without its quick fixes (`checkPlacementWithoutFixes`): what a frame of the map needs. */
export type LiveChecked = Checked & {
  /** The diagnostics in the rules' order, for `withQuickFixesOf` (absent while the rules load). */
  readonly found?: readonly Diagnostic[];
};

function placementOf(layout: Layout): Placement {
  let p = placed.get(layout);
  if (!p) {
    p = placements(layout);
    placed.set(layout, p);
  }
  return p;
}

/**
 * `check(layout)`, run once per layout object; with `trusted`, `check(layout, { trustExtraArgs })`
 * (the trust switch: unsafe-option errors become notes). By default the trust is the store's now,
 * so the map's callers and the panels share one check per layout; only panels show unsafe-option
 * (it names no region), so only they re-render when the switch turns (usePanelCheck). While the
 * rules load, only the layout's placement, marked `pending`.
 */
export function checked(
  layout: Layout,
  trusted = argsTrusted(layout, useGuestmap.getState().trustedArgs),
): Checked {
  const cache = trusted ? trustedChecks : checks;
  let r = cache.get(layout);
  if (r) return r;
  const rules = rulesNow();
  if (!rules) {
    r = unchecked.get(layout);
    if (!r) {
      r = { placement: placementOf(layout), diagnostics: [], layout, pending: true };
      unchecked.set(layout, r);
    }
    return r;
  }
  // The rules ran once for the map's frame (liveChecked): only the quick fixes are added here.
  const live = liveChecked(layout, trusted);
  r = {
    ...rules.withQuickFixesOf(layout, {
      placement: live.placement,
      diagnostics: live.diagnostics,
      found: live.found ?? [],
    }),
    layout,
  };
  cache.set(layout, r);
  return r;
}

/**
 * `checked(layout)` without its quick fixes, once per layout object: what a frame of the map needs
 * (collisions, each blob's worst problem). The quick fixes, a free-slot search per fixable
 * diagnostic, are added by `checked` when a panel or the committed map asks, after the frame.
 */
export function liveChecked(
  layout: Layout,
  trusted = argsTrusted(layout, useGuestmap.getState().trustedArgs),
): LiveChecked {
  const cache = trusted ? trustedLiveChecks : liveChecks;
  let r = cache.get(layout);
  if (r) return r;
  const rules = rulesNow();
  if (!rules) return checked(layout, trusted);
  r = {
    ...rules.checkPlacementWithoutFixes(layout, placementOf(layout), trusted ? { trustExtraArgs: true } : {}),
    layout,
  };
  cache.set(layout, r);
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
export function useCheck(): LiveChecked {
  useRules();
  return liveChecked(useEffectiveLayout());
}

/** The worst problem of one region, live while dragging: a block re-renders only when its own changes. */
export function useProblem(id: string): "error" | "warning" | undefined {
  useRules();
  return useGuestmap((s) => problemsOf(liveChecked(effectiveLayout(s.layout, s.drag))).get(id));
}

/** Placements of the committed layout: the map's scale is built from these so it holds still during a drag. */
export function useCommittedCheck(): Checked {
  useRules();
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

/** The same for the panels: check of `usePanelLayout`, under the trust switch as it is. */
export function usePanelCheck(): Checked {
  useRules();
  const layout = usePanelLayout();
  return checked(
    layout,
    useGuestmap((s) => argsTrusted(layout, s.trustedArgs)),
  );
}

/** Whether the trust switch covers the layout's extra QEMU arguments as they are now. */
export function useArgsTrusted(): boolean {
  return useGuestmap((s) => argsTrusted(s.layout, s.trustedArgs));
}
