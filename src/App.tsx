import { useEffect } from "react";
import { createPortal } from "react-dom";
import { useStore } from "zustand";
import { loadAddFiles } from "./io/add-files";
import { useShareLink } from "./io/useShareLink";
import { afterNextPaint, loadPanes, loadRules } from "./lazy/after-map";
// Loaded after the first paint (lazy/components.tsx): the menus and panels that need big code.
import {
  BootConsole,
  ChosenPreview,
  ExportMenu,
  ImportMenu,
  preloadComponents,
  ShareButton,
  VerifyControls,
  VerifyResults,
} from "./lazy/components";
// The panels beside the map, with the rules they show, load once the map is drawn (lazy/panels.tsx).
import {
  AutoPack,
  CommandLine,
  Diagnostics,
  HelpPopover,
  Inspector,
  LayoutsMenu,
  MachinePanel,
  preloadPanels,
  RegionTable,
  SamplesMenu,
  UntrustedArgs,
} from "./lazy/panels";
import { MemoryMap } from "./map/MemoryMap";
import { redo, undo, useGuestmap } from "./store/store";
import { NoticeBar } from "./ui/NoticeBar";
import { Pane, PaneGroup, PaneSeparator } from "./ui/Pane";
import { button } from "./ui/Panel";
import { Slot, slotHost } from "./ui/Slot";
import { useGlobalKeys } from "./ui/useGlobalKeys";

/** The map's DOM node: it moves into the resizable slots when they load, drawn once. */
const mapHost = slotHost();

/**
 * The page fills the window and never scrolls: every panel scrolls inside itself, so the map and
 * the command line (the main output) share one screen from 1366×768 up. Columns and rows are
 * resizable and collapsible (drag a separator, or Enter on it; each panel's ▾), remembered in
 * localStorage.
 */
export function App() {
  useGlobalKeys();
  useShareLink();
  // The map is drawn without the rules, in slots not yet resizable: the rules (its borders and
  // collisions), the resizable slots, the panels, the menus and the files mutation all start
  // loading right after that paint, at once.
  useEffect(
    () =>
      afterNextPaint(() => {
        void loadRules();
        void loadPanes();
        preloadPanels();
        preloadComponents();
        void loadAddFiles();
      }),
    [],
  );
  const canUndo = useStore(useGuestmap.temporal, (t) => t.pastStates.length > 0);
  const canRedo = useStore(useGuestmap.temporal, (t) => t.futureStates.length > 0);
  return (
    <div className="flex h-screen flex-col gap-2 overflow-hidden p-2">
      {/* Wraps rather than overlaps when the window is narrow or the companion adds its controls.
          As tall as its menus (h-7) before they load, so the map below does not move when they do;
          never shrunk (a min-height would let a long notice squeeze it). */}
      <header className="flex min-h-7 shrink-0 flex-wrap items-center gap-1.5 px-1">
        <h1 className="mr-3 font-mono text-[15px] font-bold tracking-tight">
          guest<span className="text-kernel">map</span>
        </h1>
        <span className="mr-2 hidden text-[11px] text-muted 2xl:inline">
          QEMU guest-loader boot configurator · nothing leaves this machine
        </span>
        <LayoutsMenu />
        <SamplesMenu />
        <ImportMenu />
        <ExportMenu />
        <VerifyControls />
        <div className="ml-auto flex items-center gap-1.5">
          <AutoPack />
          <ShareButton className={`${button} whitespace-nowrap`} />
          <button
            type="button"
            className={`${button} whitespace-nowrap`}
            disabled={!canUndo}
            onClick={undo}
            aria-keyshortcuts="Control+Z"
          >
            <span aria-hidden>↶ </span>Undo
          </button>
          <button
            type="button"
            className={`${button} whitespace-nowrap`}
            disabled={!canRedo}
            onClick={redo}
            aria-keyshortcuts="Control+Shift+Z"
          >
            <span aria-hidden>↷ </span>Redo
          </button>
          <HelpPopover />
        </div>
      </header>
      <NoticeBar />
      <UntrustedArgs />
      <main className="min-h-0 flex-1">
        <PaneGroup id="columns" orientation="horizontal" className="h-full">
          <Pane id="machine" title="Machine" defaultSize="270px" minSize="200px" maxSize="40%">
            <MachinePanel />
          </Pane>
          <PaneSeparator label="Resize the Machine column" />
          <Pane id="centre" title="Map" defaultSize="60%" minSize="30%" collapsible={false}>
            <PaneGroup id="rows" orientation="vertical" className="h-full">
              <Pane id="map" title="Memory map" defaultSize="40%" minSize="200px">
                <Slot host={mapHost} />
              </Pane>
              <PaneSeparator label="Resize the map" />
              <Pane
                id="tables"
                title="Regions and diagnostics"
                defaultSize="25%"
                minSize="90px"
                collapsible={false}
              >
                <PaneGroup id="tables" orientation="horizontal" className="h-full">
                  <Pane id="regions" title="Regions" defaultSize="55%" minSize="160px">
                    <RegionTable />
                  </Pane>
                  <PaneSeparator label="Resize the region table" />
                  <Pane id="diagnostics" title="Diagnostics" defaultSize="45%" minSize="160px">
                    <Diagnostics />
                  </Pane>
                </PaneGroup>
              </Pane>
              <PaneSeparator label="Resize the command line" />
              <Pane id="cmdline" title="QEMU command line" defaultSize="35%" minSize="90px">
                <CommandLine />
              </Pane>
            </PaneGroup>
          </Pane>
          <PaneSeparator label="Resize the Inspector column" />
          <Pane
            id="side"
            title="Inspector"
            defaultSize="320px"
            minSize="240px"
            maxSize="45%"
            collapsible={false}
          >
            <PaneGroup id="side" orientation="vertical" className="h-full">
              <Pane id="inspector" title="Inspector" defaultSize="55%" minSize="120px">
                <Inspector />
                <VerifyResults />
                <BootConsole />
              </Pane>
              <PaneSeparator label="Resize /chosen" />
              <Pane id="chosen" title="/chosen" defaultSize="45%" minSize="90px">
                <ChosenPreview />
              </Pane>
            </PaneGroup>
          </Pane>
        </PaneGroup>
      </main>
      {/* After the Slot in the tree (see ui/Slot.tsx). */}
      {createPortal(<MemoryMap />, mapHost)}
    </div>
  );
}
