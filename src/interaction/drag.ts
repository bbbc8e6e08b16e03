/**
 * Blob dragging as a plain state machine (after xyflow's XYDrag): `createBlobDrag(callbacks)`
 * returns `{update, destroy}`; `update` (re)binds it to a DOM node and the current address
 * mapping. Pointer-down on an element with `data-blob-id` starts a drag; every move reports a
 * preview; pointer-up commits; Escape or a lost pointer cancels.
 */
import { type DragStart, dragTo } from "./drag-math";

export interface BlobDragParams {
  readonly domNode: HTMLElement;
  /** The address at x px from the node's left edge (current scale and view). */
  toAddr(x: number): bigint;
  /** The blob's current address and alignment, for a pointer-down on it. */
  blobAt(id: string): { addr: bigint; align: bigint; offset: bigint } | undefined;
}

export interface BlobDragCallbacks {
  onStart(id: string): void;
  onMove(preview: { id: string; addr: bigint; pointer: bigint }): void;
  onEnd(): void;
  onCancel(): void;
}

/** Pixels the pointer must travel before a press becomes a drag (a click only selects). */
const THRESHOLD = 3;

export function createBlobDrag(cb: BlobDragCallbacks) {
  let params: BlobDragParams | undefined;
  let start: (DragStart & { x: number; left: number; pointerId: number }) | undefined;
  let active = false;

  const onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0 || !params) return;
    const el = (e.target as Element).closest<HTMLElement>("[data-blob-id]");
    const id = el?.dataset.blobId;
    const blob = id ? params.blobAt(id) : undefined;
    if (!id || !blob) return;
    e.preventDefault();
    e.stopPropagation();
    el?.focus({ preventScroll: true });
    // One layout read per gesture: moves reuse the node's left edge.
    const left = params.domNode.getBoundingClientRect().left;
    start = {
      id,
      ...blob,
      pointer: params.toAddr(e.clientX - left),
      x: e.clientX,
      left,
      pointerId: e.pointerId,
    };
    active = false;
    cb.onStart(id);
    params.domNode.setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent) => {
    if (!start || !params || e.pointerId !== start.pointerId) return;
    if (!active && Math.abs(e.clientX - start.x) < THRESHOLD) return;
    active = true;
    const pointer = params.toAddr(e.clientX - start.left);
    cb.onMove({ id: start.id, addr: dragTo(start, pointer, e.altKey), pointer });
  };
  const finish = (e: PointerEvent) => {
    if (!start || e.pointerId !== start.pointerId) return;
    const wasActive = active;
    start = undefined;
    active = false;
    if (wasActive) cb.onEnd();
  };
  const onCancel = (e: PointerEvent) => {
    if (!start || e.pointerId !== start.pointerId) return;
    start = undefined;
    active = false;
    cb.onCancel();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape" && start) {
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
      if (params) unbind(params.domNode);
      params = undefined;
      start = undefined;
    },
  };
}
