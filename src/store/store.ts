/**
 * The one store of an editor: slices for the layout (undoable), the UI and a drag preview.
 * Middleware only here: persist (outermost) and zundo's temporal, which tracks the layout alone,
 * so selection, view and drag frames are never undo steps.
 */
import { temporal } from "zundo";
import { create } from "zustand";
import { persist } from "zustand/middleware";
import { DEFAULT_SAMPLE } from "../samples/samples";
import { createDragSlice, type DragSlice } from "./drag-slice";
import { createLayoutSlice, type LayoutSlice } from "./layout-slice";
import { persistOptions } from "./persist";
import { createUiSlice, type UiSlice } from "./ui-slice";

export type GuestmapState = LayoutSlice & UiSlice & DragSlice;

export const useGuestmap = create<GuestmapState>()(
  persist(
    temporal(
      (...a) => ({
        ...createLayoutSlice(DEFAULT_SAMPLE.layout)(...a),
        ...createUiSlice(...a),
        ...createDragSlice(...a),
      }),
      {
        partialize: (s) => ({ layout: s.layout }),
        equality: (a, b) => a.layout === b.layout,
        limit: 200,
      },
    ),
    persistOptions,
  ),
);

// Restoring the saved layout is not an undo step.
useGuestmap.temporal.getState().clear();

export const undo = () => useGuestmap.temporal.getState().undo();
export const redo = () => useGuestmap.temporal.getState().redo();
