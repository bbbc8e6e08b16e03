/**
 * The page's panels and header controls beside the map: the machine, the region table, the
 * diagnostics, the inspector, the command line, Auto-pack, the untrusted arguments, the layouts,
 * samples and help. None is needed to draw the map, so they come in one chunk after its first
 * paint, together with the rules (lazy/rules.ts): a panel never shows a layout as unchecked.
 */
import { type ComponentType, lazy } from "react";
import { loadRules, panesOrDrag } from "./after-map";
import { AfterFirstPaint } from "./components";

type PanelSet = typeof import("./panel-set");

// With the rules and the resizable slots they sit in: a panel mounts once, in its final slot (in
// the first paint's slot, then again in the library's, only if a drag holds the slots back).
const loadPanels = () =>
  Promise.all([import("./panel-set"), loadRules(), panesOrDrag()]).then(([set]) => set);

/** Starts loading the panels (mounting them waits for react-query's provider first). */
export function preloadPanels(): void {
  void loadPanels();
}

const loadPanel = <K extends keyof PanelSet>(name: K) =>
  lazy(async () => ({ default: (await loadPanels())[name] as ComponentType }));

const LazyAutoPack = loadPanel("AutoPack");
const LazyCommandLine = loadPanel("CommandLine");
const LazyDiagnostics = loadPanel("Diagnostics");
const LazyInspector = loadPanel("Inspector");
const LazyLayoutsMenu = loadPanel("LayoutsMenu");
const LazyHelpPopover = loadPanel("HelpPopover");
const LazyMachinePanel = loadPanel("MachinePanel");
const LazyRegionTable = loadPanel("RegionTable");
const LazySamplesMenu = loadPanel("SamplesMenu");
const LazyUntrustedArgs = loadPanel("UntrustedArgs");

export function AutoPack() {
  return (
    <AfterFirstPaint>
      <LazyAutoPack />
    </AfterFirstPaint>
  );
}

export function CommandLine() {
  return (
    <AfterFirstPaint>
      <LazyCommandLine />
    </AfterFirstPaint>
  );
}

export function Diagnostics() {
  return (
    <AfterFirstPaint>
      <LazyDiagnostics />
    </AfterFirstPaint>
  );
}

export function Inspector() {
  return (
    <AfterFirstPaint>
      <LazyInspector />
    </AfterFirstPaint>
  );
}

export function LayoutsMenu() {
  return (
    <AfterFirstPaint>
      <LazyLayoutsMenu />
    </AfterFirstPaint>
  );
}

export function HelpPopover() {
  return (
    <AfterFirstPaint>
      <LazyHelpPopover />
    </AfterFirstPaint>
  );
}

export function MachinePanel() {
  return (
    <AfterFirstPaint>
      <LazyMachinePanel />
    </AfterFirstPaint>
  );
}

export function RegionTable() {
  return (
    <AfterFirstPaint>
      <LazyRegionTable />
    </AfterFirstPaint>
  );
}

export function SamplesMenu() {
  return (
    <AfterFirstPaint>
      <LazySamplesMenu />
    </AfterFirstPaint>
  );
}

export function UntrustedArgs() {
  return (
    <AfterFirstPaint>
      <LazyUntrustedArgs />
    </AfterFirstPaint>
  );
}
