import type { Address } from "@guestmap/core";
import type { StateCreator } from "zustand";
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
}

export interface DragSlice {
  readonly drag: DragPreview | undefined;
  dragMoved(drag: DragPreview): void;
  /** Pointer-up: commits the position as one `moveBlob` (one undo step). */
  dragEnded(): void;
  dragCancelled(): void;
}

export const createDragSlice: StateCreator<GuestmapState, [], [], DragSlice> = (set) => ({
  drag: undefined,
  dragMoved: (drag) => set({ drag }),
  dragEnded: () =>
    set((s) => {
      if (!s.drag) return s;
      const edit = { type: "moveBlob", id: s.drag.id, addr: s.drag.addr } as const;
      // The very object the drag's last frame showed: its check is already done.
      const layout = effectiveLayout(s.layout, s.drag);
      if (layout !== s.layout) logEdit(edit);
      return { drag: undefined, layout };
    }),
  dragCancelled: () => set({ drag: undefined }),
});
