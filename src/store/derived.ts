/** Values derived from the store with core functions, memoised per layout. */
import { type CheckResult, check, type Layout } from "@guestmap/core";
import { useDeferredValue, useMemo } from "react";
import { applyEdit } from "../model/edits";
import { useGuestmap } from "./store";

/** The layout as it would be if the drag in progress were released now. */
export function useEffectiveLayout(): Layout {
  const layout = useGuestmap((s) => s.layout);
  const drag = useGuestmap((s) => s.drag);
  return useMemo(
    () => (drag ? applyEdit(layout, { type: "moveBlob", id: drag.id, addr: drag.addr }) : layout),
    [layout, drag],
  );
}

/** Placements and diagnostics of the effective layout: live while dragging. */
export function useCheck(): CheckResult & { layout: Layout } {
  const layout = useEffectiveLayout();
  return useMemo(() => ({ ...check(layout), layout }), [layout]);
}

/** Placements of the committed layout: the map's scale is built from these so it holds still during a drag. */
export function useCommittedCheck(): CheckResult {
  const layout = useGuestmap((s) => s.layout);
  return useMemo(() => check(layout), [layout]);
}

/**
 * The same for the panels, at lower priority: during a drag React renders the map first and
 * lets the panels (/chosen, command line, diagnostics) catch up without blocking a frame.
 */
export function usePanelCheck(): CheckResult & { layout: Layout } {
  const layout = useDeferredValue(useEffectiveLayout());
  return useMemo(() => ({ ...check(layout), layout }), [layout]);
}
