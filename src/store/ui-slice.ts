import type { StateCreator } from "zustand";
import { FIT, type Range, type View } from "../map/scale";
import type { GuestmapState } from "./store";

export type ScaleMode = "linear" | "collapsed";

/** A button a notice offers: what the user can do about it right there. */
export type NoticeAction = "export-layout" | "start-fresh";

export interface Notice {
  readonly kind: "info" | "error";
  readonly text: string;
  readonly actions?: readonly NoticeAction[];
}

/** A saved layout, as the Layouts menu lists it. */
export interface LayoutEntry {
  readonly id: string;
  readonly name: string;
}

/** Verbatim QEMU arguments from a link or file, held back from the layout until the user accepts them. */
export interface UntrustedArgs {
  readonly args: readonly (readonly string[])[];
  readonly source: string;
}

export interface UiSlice {
  /** The selected region id (a guest-loader module or a QEMU region). */
  readonly selection: string | undefined;
  readonly view: View;
  readonly scaleMode: ScaleMode;
  readonly notice: Notice | undefined;
  /** A range the map should frame next (a diagnostic was clicked); the map clears it. */
  readonly focus: Range | undefined;
  /** Which saved layout this tab edits, its name, and every saved layout. */
  readonly layoutId: string;
  readonly layoutName: string;
  readonly layouts: readonly LayoutEntry[];
  readonly untrusted: UntrustedArgs | undefined;
  rangeFocused(range: Range | undefined): void;
  selected(id: string | undefined): void;
  viewChanged(view: View): void;
  scaleModeChanged(mode: ScaleMode): void;
  noticed(notice: Notice | undefined): void;
  renamed(name: string): void;
  untrustedChanged(untrusted: UntrustedArgs | undefined): void;
}

export const createUiSlice: StateCreator<GuestmapState, [], [], UiSlice> = (set) => ({
  selection: undefined,
  view: FIT,
  scaleMode: "collapsed",
  notice: undefined,
  focus: undefined,
  layoutId: "default",
  layoutName: "Xen example",
  layouts: [],
  untrusted: undefined,
  rangeFocused: (focus) => set({ focus }),
  selected: (selection) => set({ selection }),
  viewChanged: (view) => set({ view }),
  scaleModeChanged: (scaleMode) => set({ scaleMode, view: FIT }),
  noticed: (notice) => set({ notice }),
  renamed: (layoutName) => set({ layoutName }),
  untrustedChanged: (untrusted) => set({ untrusted }),
});
