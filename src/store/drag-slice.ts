import type { Address } from "@guestmap/core";
import type { StateCreator } from "zustand";
import type { Edit } from "../model/edits";
import { logEdit } from "./edit-log";
import { effectiveLayout } from "./effective";
import type { GuestmapState } from "./store";

/** A drag in progress: where the blob would be if released now. Not part of the layout. */
export interface DragPreview {
  readonly id: string;
  readonly addr: Address;
  /** The address under the pointer. */
  readonly pointer: Address;
  /** The neighbour's edge the blob snapped to, if it did (the map draws a guide there). */
  readonly edge?: Address;
  /** Moved by ←/→, not by the pointer: no guides, and committed right after its frame. */
  readonly key?: boolean;
}

export interface DragSlice {
  readonly drag: DragPreview | undefined;
  dragMoved(drag: DragPreview): void;
  /** Pointer-up: commits the position as one `moveBlob` (one undo step). */
  dragEnded(): void;
  dragCancelled(): void;
  /**
   * ←/→ on a blob: drawn at `addr` at once by the map's live layer (as a drag frame is), and
   * committed as a `moveBlob` per press (one undo step each) right after that frame is painted,
   * or later while the key repeats (`settleAfterMs`). Re-rendering the whole map and the panels
   * for a committed layout does not fit in the key's frame at 500 blobs; the live layer does.
   */
  keyMoved(id: string, addr: Address, settleAfterMs?: number): void;
  /** Commits the key moves shown but not committed yet: before any other change, and on leaving. */
  keyMovesCommitted(): void;
}

/** The key moves the live layer shows and the layout does not have yet, in order. */
let pendingKeys: Edit[] = [];
let commitScheduled = false;

/**
 * Runs `f` once the next frame has been painted: a message posted from a frame's rAF callback is
 * handled after that frame's paint. Outside a browser (unit tests), on the next task.
 */
function afterNextPaint(f: () => void, settleAfterMs = 0): void {
  if (typeof requestAnimationFrame !== "function" || typeof MessageChannel !== "function") {
    setTimeout(f, settleAfterMs);
    return;
  }
  const post = () =>
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => f();
      ch.port2.postMessage(0);
    });
  if (settleAfterMs > 0) setTimeout(post, settleAfterMs);
  else post();
}

export const createDragSlice: StateCreator<GuestmapState, [], [], DragSlice> = (set, get) => ({
  drag: undefined,
  dragMoved: (drag) => {
    if (get().drag?.key) get().keyMovesCommitted();
    set({ drag });
  },
  dragEnded: () =>
    set((s) => {
      if (!s.drag || s.drag.key) return s;
      const edit = { type: "moveBlob", id: s.drag.id, addr: s.drag.addr } as const;
      // The very object the drag's last frame showed: its check is already done.
      const layout = effectiveLayout(s.layout, s.drag);
      if (layout !== s.layout) logEdit(edit);
      return { drag: undefined, layout };
    }),
  dragCancelled: () => {
    if (!get().drag?.key) set({ drag: undefined });
  },
  keyMoved: (id, addr, settleAfterMs = 0) => {
    const s = get();
    // A pointer drag owns the live layer until it ends.
    if (s.drag && !s.drag.key) return;
    if (s.drag?.key && s.drag.id !== id) s.keyMovesCommitted();
    pendingKeys.push({ type: "moveBlob", id, addr });
    set({ drag: { id, addr, pointer: addr, key: true } });
    if (commitScheduled) return;
    commitScheduled = true;
    afterNextPaint(() => {
      commitScheduled = false;
      get().keyMovesCommitted();
    }, settleAfterMs);
  },
  keyMovesCommitted: () => {
    const edits = pendingKeys;
    pendingKeys = [];
    const s = get();
    // Dropped when something else took the live layer's place (a layout installed, another tab's).
    if (!s.drag?.key || edits.length === 0) return;
    const last = edits.length - 1;
    // One undo step per press; the last is the very object the live layer showed (its check is done).
    for (let i = 0; i < last; i++) get().dispatch(edits[i]!);
    set((t) => {
      if (!t.drag?.key) return t;
      const layout = effectiveLayout(t.layout, t.drag);
      if (layout !== t.layout) logEdit(edits[last]!);
      return { drag: undefined, layout };
    });
  },
});
