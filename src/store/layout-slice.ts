import type { Layout } from "@guestmap/core";
import type { StateCreator } from "zustand";
import { applyEdit, type Edit } from "../model/edits";
import { logEdit } from "./edit-log";
import type { GuestmapState } from "./store";

export interface LayoutSlice {
  /** The committed layout: what undo, persistence and exports see. */
  readonly layout: Layout;
  /** Applies one edit: one undo step (none when the edit changes nothing). */
  dispatch(edit: Edit): void;
}

export const createLayoutSlice =
  (initial: Layout): StateCreator<GuestmapState, [], [], LayoutSlice> =>
  (set, get) => ({
    layout: initial,
    dispatch: (edit) => {
      // A key move the map shows but has not committed comes first (its undo step too).
      if (get().drag?.key) get().keyMovesCommitted();
      set((s) => {
        const layout = applyEdit(s.layout, edit);
        if (layout === s.layout) return s;
        logEdit(edit);
        // A removed blob cannot stay selected.
        const selection =
          s.selection &&
          !layout.modules.some((m) => m.id === s.selection) &&
          !layout.loaders.some((l) => l.id === s.selection)
            ? undefined
            : s.selection;
        return { layout, selection };
      });
    },
  });
