/**
 * The measure tool as a plain state machine (like drag.ts and panzoom.ts): Shift-drag anywhere on
 * the map, or a plain drag on its background while the toolbar's Measure is on, spans two
 * addresses; each end snaps to a region's edge within SNAP_PX (Alt: free). The span stays shown
 * until the next press or Escape.
 */
import { SNAP_PX } from "./drag-math";

export interface MeasureParams {
  readonly domNode: HTMLElement;
  toAddr(x: number): bigint;
  toX(addr: bigint): number;
  /** Region edges to snap to. */
  edges(): readonly bigint[];
  /** The toolbar's Measure toggle: a plain background drag measures instead of panning. */
  on(): boolean;
}

export interface Measured {
  readonly from: bigint;
  readonly to: bigint;
}

/** The address at x, or the nearest edge within SNAP_PX of it. */
export function measureEnd(
  x: number,
  p: Pick<MeasureParams, "toAddr" | "toX">,
  edges: readonly bigint[],
  free: boolean,
): bigint {
  if (!free) {
    let best: { a: bigint; d: number } | undefined;
    for (const e of edges) {
      const d = Math.abs(p.toX(e) - x);
      if (d <= SNAP_PX && (!best || d < best.d)) best = { a: e, d };
    }
    if (best) return best.a;
  }
  return p.toAddr(x);
}

export function createMeasure(onChange: (m: Measured | undefined) => void) {
  let params: MeasureParams | undefined;
  let start: { from: bigint; left: number; pointerId: number; edges: readonly bigint[] } | undefined;

  /** Whether a press starts a measure: Shift anywhere, or the toggle on the background. */
  const starts = (e: PointerEvent) =>
    e.button === 0 &&
    (e.shiftKey || (params?.on() && !(e.target as Element).closest("[data-blob-id], button, input")));

  const onPointerDown = (e: PointerEvent) => {
    if (!params) return;
    if (!starts(e)) {
      if (!(e.target as Element).closest("[data-testid=measure]")) onChange(undefined);
      return;
    }
    e.preventDefault();
    e.stopImmediatePropagation();
    const left = params.domNode.getBoundingClientRect().left;
    const edges = params.edges();
    const from = measureEnd(e.clientX - left, params, edges, e.altKey);
    start = { from, left, pointerId: e.pointerId, edges };
    onChange({ from, to: from });
    try {
      params.domNode.setPointerCapture?.(e.pointerId);
    } catch {
      // A synthetic pointer cannot be captured.
    }
  };
  const onPointerMove = (e: PointerEvent) => {
    if (!start || !params || e.pointerId !== start.pointerId) return;
    e.stopImmediatePropagation();
    onChange({ from: start.from, to: measureEnd(e.clientX - start.left, params, start.edges, e.altKey) });
  };
  const onPointerUp = (e: PointerEvent) => {
    if (start && e.pointerId === start.pointerId) start = undefined;
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      start = undefined;
      onChange(undefined);
    }
  };

  // Capture phase: a measuring press never reaches the blob drag or the pan.
  function bind(n: HTMLElement) {
    n.addEventListener("pointerdown", onPointerDown, { capture: true });
    n.addEventListener("pointermove", onPointerMove, { capture: true });
    n.addEventListener("pointerup", onPointerUp, { capture: true });
    n.addEventListener("pointercancel", onPointerUp, { capture: true });
    window.addEventListener("keydown", onKey);
  }
  function unbind(n: HTMLElement) {
    n.removeEventListener("pointerdown", onPointerDown, { capture: true });
    n.removeEventListener("pointermove", onPointerMove, { capture: true });
    n.removeEventListener("pointerup", onPointerUp, { capture: true });
    n.removeEventListener("pointercancel", onPointerUp, { capture: true });
    window.removeEventListener("keydown", onKey);
  }
  return {
    update(next: MeasureParams) {
      if (params?.domNode !== next.domNode) {
        if (params) unbind(params.domNode);
        bind(next.domNode);
      }
      params = next;
    },
    destroy() {
      if (params) unbind(params.domNode);
      params = undefined;
      start = undefined;
    },
  };
}
