import type { StateCreator } from "zustand";
import { FIT, type Range, type View } from "../map/scale";
import type { GuestmapState } from "./store";

export type ScaleMode = "linear" | "collapsed";

export interface Notice {
  readonly kind: "info" | "error";
  readonly text: string;
}

export interface UiSlice {
  /** The selected region id (a guest-loader module or a QEMU region). */
  readonly selection: string | undefined;
  readonly view: View;
  readonly scaleMode: ScaleMode;
  readonly notice: Notice | undefined;
  /** A range the map should frame next (a diagnostic was clicked); the map clears it. */
  readonly focus: Range | undefined;
  rangeFocused(range: Range | undefined): void;
  selected(id: string | undefined): void;
  viewChanged(view: View): void;
  scaleModeChanged(mode: ScaleMode): void;
  noticed(notice: Notice | undefined): void;
}

export const createUiSlice: StateCreator<GuestmapState, [], [], UiSlice> = (set) => ({
  selection: undefined,
  view: FIT,
  scaleMode: "collapsed",
  notice: undefined,
  focus: undefined,
  rangeFocused: (focus) => set({ focus }),
  selected: (selection) => set({ selection }),
  viewChanged: (view) => set({ view }),
  scaleModeChanged: (scaleMode) => set({ scaleMode, view: FIT }),
  noticed: (notice) => set({ notice }),
});
