/**
 * Blob dragging as a plain state machine (after xyflow's XYDrag): `createBlobDrag(callbacks)`
 * returns `{update, destroy}`; `update` (re)binds it to a DOM node and the current address
 * mapping. Pointer-down on an element with `data-blob-id` starts a drag; every move reports a
 * preview (drag-math's `dragTo`: the block follows the pointer, snapped); near the map's edges
 * the view scrolls on its own; pointer-up commits; Escape or a lost pointer cancels.
 */
import { type DragMapping, type DragStart, type DragTarget, dragTo } from "./drag-math";

export interface BlobDragParams {
  readonly domNode: HTMLElement;
  /** The screen mapping now (the scale frozen for the drag, the current view). */
  mapping(): DragMapping;
  /** The blob's current address, size, alignment and the edges it may snap to, for a pointer-down on it. */
  blobAt(
    id: string,
  ): { addr: bigint; size: bigint; align: bigint; offset: bigint; edges: readonly bigint[] } | undefined;
  /** Pans the view by `dx` px (auto-scroll); false when it cannot go further. */
  scrollBy(dx: number): boolean;
}

export interface BlobDragCallbacks {
  onStart(id: string): void;
  onMove(preview: DragTarget & { id: string }): void;
  onEnd(): void;
  onCancel(): void;
}

/** Auto-scroll: within this many px of the map's edge, at up to MAX_SCROLL px per frame. */
const EDGE_PX = 28;
const MAX_SCROLL = 18;

/** Pixels the pointer must travel before a press becomes a drag (a click only selects). */
const THRESHOLD = 3;

export function createBlobDrag(cb: BlobDragCallbacks) {
  let params: BlobDragParams | undefined;
  let start: (DragStart & { x: number; left: number; width: number; pointerId: number }) | undefined;
  let active = false;
  /** The last pointer position (px from the map's left edge) and whether Alt was held. */
  let last = { x: 0, free: false };
  let scrollFrame = 0;

  const emit = () => {
    if (!start || !params) return;
    cb.onMove({ id: start.id, ...dragTo(start, last.x, params.mapping(), last.free) });
  };
  const autoScroll = () => {
    scrollFrame = 0;
    if (!start || !params || !active) return;
    const depth =
      last.x < EDGE_PX
        ? last.x - EDGE_PX
        : last.x > start.width - EDGE_PX
          ? last.x - (start.width - EDGE_PX)
          : 0;
    if (depth === 0) return;
    const dx = Math.max(-MAX_SCROLL, Math.min(MAX_SCROLL, (depth / EDGE_PX) * MAX_SCROLL));
    if (!params.scrollBy(dx)) return;
    emit();
    scrollFrame = requestAnimationFrame(autoScroll);
  };
  const stopScroll = () => {
    if (scrollFrame) cancelAnimationFrame(scrollFrame);
    scrollFrame = 0;
  };

  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0 || !params) return;
    const el = (e.target as Element).closest<HTMLElement>("[data-blob-id]");
    const id = el?.dataset.blobId;
    const blob = id ? params.blobAt(id) : undefined;
    if (!id || !blob) return;
    e.preventDefault();
    e.stopPropagation();
    el?.focus({ preventScroll: true });
    // One layout read per gesture: moves reuse the node's and the block's edges.
    const map = params.domNode.getBoundingClientRect();
    const block = el!.getBoundingClientRect();
    start = {
      id,
      ...blob,
      // Whole px: a pointer at x leaves the block's left edge at x − grabPx exactly.
      grabPx: Math.round(e.clientX - block.left),
      widthPx: block.width,
      x: e.clientX,
      left: map.left,
      width: map.width,
      pointerId: e.pointerId,
    };
    active = false;
    cb.onStart(id);
    try {
      params.domNode.setPointerCapture?.(e.pointerId);
    } catch {
      // A synthetic pointer (tests, benches) cannot be captured; real ones always can.
    }
  };
  const onPointerMove = (e: PointerEvent) => {
    if (!start || !params || e.pointerId !== start.pointerId) return;
    if (!active && Math.abs(e.clientX - start.x) < THRESHOLD) return;
    active = true;
    last = { x: e.clientX - start.left, free: e.altKey };
    emit();
    if (!scrollFrame) scrollFrame = requestAnimationFrame(autoScroll);
  };
  const finish = (e: PointerEvent) => {
    if (!start || e.pointerId !== start.pointerId) return;
    stopScroll();
    const wasActive = active;
    start = undefined;
    active = false;
    if (wasActive) cb.onEnd();
  };
  const onCancel = (e: PointerEvent) => {
    if (!start || e.pointerId !== start.pointerId) return;
    stopScroll();
    start = undefined;
    active = false;
    cb.onCancel();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape" && start) {
      stopScroll();
      start = undefined;
      active = false;
      cb.onCancel();
    }
  };

  function bind(node: HTMLElement) {
    node.addEventListener("pointerdown", onPointerDown);
    node.addEventListener("pointermove", onPointerMove);
    node.addEventListener("pointerup", finish);
    node.addEventListener("pointercancel", onCancel);
    window.addEventListener("keydown", onKey);
  }
  function unbind(node: HTMLElement) {
    node.removeEventListener("pointerdown", onPointerDown);
    node.removeEventListener("pointermove", onPointerMove);
    node.removeEventListener("pointerup", finish);
    node.removeEventListener("pointercancel", onCancel);
    window.removeEventListener("keydown", onKey);
  }

  return {
    update(next: BlobDragParams) {
      if (params?.domNode !== next.domNode) {
        if (params) unbind(params.domNode);
        bind(next.domNode);
      }
      params = next;
    },
    /** Whether a press is being tracked (the pan handler leaves it alone). */
    isDragging: () => start !== undefined,
    destroy() {
      stopScroll();
      if (params) unbind(params.domNode);
      params = undefined;
      start = undefined;
    },
  };
}
