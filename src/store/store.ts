/**
 * The one store of an editor: slices for the layout (undoable), the UI and a drag preview.
 * Middleware only here: zundo's temporal, which tracks the layout alone, so selection, view and
 * drag frames are never undo steps. Persistence (store/persist.ts) restores the store before the
 * app renders and saves it to IndexedDB after each change, off the interaction path.
 */
import { temporal } from "zundo";
import { create } from "zustand";
import { DEFAULT_SAMPLE } from "../samples/samples";
import { createDragSlice, type DragSlice } from "./drag-slice";
import { createLayoutSlice, type LayoutSlice } from "./layout-slice";
import { createOpsSlice, type OpsSlice } from "./ops-slice";
import { createUiSlice, type UiSlice } from "./ui-slice";

export type GuestmapState = LayoutSlice & UiSlice & DragSlice & OpsSlice;

/** How many undo steps a layout keeps (and saves). */
export const UNDO_LIMIT = 100;

export const useGuestmap = create<GuestmapState>()(
  temporal(
    (...a) => ({
      ...createLayoutSlice(DEFAULT_SAMPLE.layout)(...a),
      ...createUiSlice(...a),
      ...createDragSlice(...a),
      ...createOpsSlice(...a),
    }),
    {
      partialize: (s) => ({ layout: s.layout }),
      equality: (a, b) => a.layout === b.layout,
      limit: UNDO_LIMIT,
    },
  ),
);

/** Undo and redo see every key move the map shows (one not yet committed is committed first). */
export const undo = () => {
  useGuestmap.getState().keyMovesCommitted();
  useGuestmap.temporal.getState().undo();
};
export const redo = () => {
  useGuestmap.getState().keyMovesCommitted();
  useGuestmap.temporal.getState().redo();
};
