import type { Arch } from "@guestmap/core";
import type { StateCreator } from "zustand";
import { FIT, type Range, type View } from "../map/scale";
import type { TrustedArgs } from "../model/trust-args";
import type { GuestmapState } from "./store";

export type ScaleMode = "linear" | "collapsed";

/** A button a notice offers: what the user can do about it right there. */
export type NoticeAction = "export-layout" | "start-fresh" | "keep-addresses";

export interface Notice {
  readonly kind: "info" | "error";
  readonly text: string;
  /** One line each, under the text: what an operation moved, and why. */
  readonly details?: readonly string[];
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
  /** Counts selections (the same blob clicked again too): the Inspector starts from the layout each time, dropping drafts. */
  readonly selectionSeq: number;
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
  /**
   * The extra QEMU arguments the user vouched for with the trust switch, as they were then: they
   * are trusted while the layout's are the same (model/trust-args.ts). Only the switch sets it.
   */
  readonly trustedArgs: TrustedArgs | undefined;
  /** The -cpu each arch had when the user switched away from it, to give it back on return. */
  readonly cpuByArch: Readonly<Partial<Record<Arch, string | undefined>>>;
  rangeFocused(range: Range | undefined): void;
  selected(id: string | undefined): void;
  viewChanged(view: View): void;
  scaleModeChanged(mode: ScaleMode): void;
  noticed(notice: Notice | undefined): void;
  renamed(name: string): void;
  untrustedChanged(untrusted: UntrustedArgs | undefined): void;
  /** The trust switch: vouch for these arguments (the layout's, now), or for none. */
  trustSwitched(args: TrustedArgs | undefined): void;
  cpuRemembered(arch: Arch, cpu: string | undefined): void;
}

export const createUiSlice: StateCreator<GuestmapState, [], [], UiSlice> = (set) => ({
  selection: undefined,
  selectionSeq: 0,
  view: FIT,
  scaleMode: "collapsed",
  notice: undefined,
  focus: undefined,
  layoutId: "default",
  layoutName: "Xen example",
  layouts: [],
  untrusted: undefined,
  trustedArgs: undefined,
  cpuByArch: {},
  rangeFocused: (focus) => set({ focus }),
  selected: (selection) => set((s) => ({ selection, selectionSeq: s.selectionSeq + 1 })),
  viewChanged: (view) => set({ view }),
  scaleModeChanged: (scaleMode) => set({ scaleMode, view: FIT }),
  noticed: (notice) => set({ notice }),
  renamed: (layoutName) => set({ layoutName }),
  untrustedChanged: (untrusted) => set({ untrusted }),
  trustSwitched: (trustedArgs) => set({ trustedArgs }),
  cpuRemembered: (arch, cpu) => set((s) => ({ cpuByArch: { ...s.cpuByArch, [arch]: cpu } })),
});
