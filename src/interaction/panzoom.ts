/**
 * Pan and zoom of the memory map as a plain state machine (after xyflow's XYPanZoom). Wheel (and
 * trackpad pinch, which arrives as ctrl+wheel) zooms about the pointer; horizontal wheel or
 * shift+wheel pans; dragging the background pans; two touch pointers pinch-zoom.
 */
import { clampView, type View, zoomAt } from "../map/scale";

export interface PanZoomParams {
  readonly domNode: HTMLElement;
  readonly width: number;
  /** The deepest zoom (scale.ts maxZoom). */
  readonly maxZoom: number;
  getView(): View;
  onChange(view: View): void;
  /** True while a blob drag owns the pointer. */
  blocked(): boolean;
}

export function createPanZoom() {
  let params: PanZoomParams | undefined;
  let pan: { x: number; pan: number; pointerId: number } | undefined;
  const touches = new Map<number, number>();
  let pinch: { dist: number; view: View; mid: number } | undefined;

  const onWheel = (e: WheelEvent) => {
    if (!params) return;
    e.preventDefault();
    const rect = params.domNode.getBoundingClientRect();
    const v = params.getView();
    const dx = e.shiftKey ? e.deltaY : e.deltaX;
    if (Math.abs(dx) > Math.abs(e.deltaY) || e.shiftKey) {
      params.onChange(clampView({ zoom: v.zoom, pan: v.pan + dx }, params.width, params.maxZoom));
      return;
    }
    const factor = Math.exp(-e.deltaY * (e.ctrlKey ? 0.01 : 0.0015));
    params.onChange(zoomAt(v, factor, e.clientX - rect.left, params.width, params.maxZoom));
  };
  const onPointerDown = (e: PointerEvent) => {
    if (!params) return;
    if (e.pointerType === "touch") {
      touches.set(e.pointerId, e.clientX);
      if (touches.size === 2) {
        const [a, b] = [...touches.values()] as [number, number];
        const left = params.domNode.getBoundingClientRect().left;
        pinch = { dist: Math.max(1, Math.abs(a - b)), view: params.getView(), mid: (a + b) / 2 - left };
        pan = undefined;
        return;
      }
    }
    if (e.button !== 0 || params.blocked()) return;
    if ((e.target as Element).closest("[data-blob-id], button, input, select")) return;
    pan = { x: e.clientX, pan: params.getView().pan, pointerId: e.pointerId };
    params.domNode.setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent) => {
    if (pinch && params && touches.has(e.pointerId)) {
      touches.set(e.pointerId, e.clientX);
      const [a, b] = [...touches.values()] as [number, number];
      params.onChange(
        zoomAt(
          pinch.view,
          Math.max(1, Math.abs(a - b)) / pinch.dist,
          pinch.mid,
          params.width,
          params.maxZoom,
        ),
      );
      return;
    }
    if (!pan || !params || e.pointerId !== pan.pointerId) return;
    const v = params.getView();
    params.onChange(
      clampView({ zoom: v.zoom, pan: pan.pan - (e.clientX - pan.x) }, params.width, params.maxZoom),
    );
  };
  const onPointerUp = (e: PointerEvent) => {
    touches.delete(e.pointerId);
    if (touches.size < 2) pinch = undefined;
    if (pan && e.pointerId === pan.pointerId) pan = undefined;
  };

  function bind(n: HTMLElement) {
    n.addEventListener("wheel", onWheel, { passive: false });
    n.addEventListener("pointerdown", onPointerDown);
    n.addEventListener("pointermove", onPointerMove);
    n.addEventListener("pointerup", onPointerUp);
    n.addEventListener("pointercancel", onPointerUp);
  }
  function unbind(n: HTMLElement) {
    n.removeEventListener("wheel", onWheel);
    n.removeEventListener("pointerdown", onPointerDown);
    n.removeEventListener("pointermove", onPointerMove);
    n.removeEventListener("pointerup", onPointerUp);
    n.removeEventListener("pointercancel", onPointerUp);
  }
  return {
    update(next: PanZoomParams) {
      if (params?.domNode !== next.domNode) {
        if (params) unbind(params.domNode);
        bind(next.domNode);
      }
      params = next;
    },
    destroy() {
      if (params) unbind(params.domNode);
      params = undefined;
    },
  };
}
