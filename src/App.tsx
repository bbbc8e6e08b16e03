import { useStore } from "zustand";
import { useShareLink } from "./io/useShareLink";
// Loaded after the first paint (lazy/components.tsx): the menus and panels that need big code.
import {
  BootConsole,
  ChosenPreview,
  ExportMenu,
  ImportMenu,
  ShareButton,
  VerifyControls,
  VerifyResults,
} from "./lazy/components";
import { MemoryMap } from "./map/MemoryMap";
import { CommandLine } from "./panels/CommandLine";
import { Diagnostics } from "./panels/Diagnostics";
import { Inspector } from "./panels/Inspector";
import { LayoutsMenu } from "./panels/LayoutsMenu";
import { Legend } from "./panels/Legend";
import { MachinePanel } from "./panels/MachinePanel";
import { SamplesMenu } from "./panels/SamplesMenu";
import { UntrustedArgs } from "./panels/UntrustedArgs";
import { redo, undo, useGuestmap } from "./store/store";
import { NoticeBar } from "./ui/NoticeBar";
import { button } from "./ui/Panel";
import { useGlobalKeys } from "./ui/useGlobalKeys";

export function App() {
  useGlobalKeys();
  useShareLink();
  const canUndo = useStore(useGuestmap.temporal, (t) => t.pastStates.length > 0);
  const canRedo = useStore(useGuestmap.temporal, (t) => t.futureStates.length > 0);
  return (
    <div className="flex min-h-full flex-col gap-2 p-2">
      <header className="flex items-center gap-2 px-1">
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
        <div className="ml-auto flex gap-1.5">
          <ShareButton className={button} />
          <button
            type="button"
            className={button}
            disabled={!canUndo}
            onClick={undo}
            aria-keyshortcuts="Control+Z"
          >
            ↶ Undo
          </button>
          <button
            type="button"
            className={button}
            disabled={!canRedo}
            onClick={redo}
            aria-keyshortcuts="Control+Shift+Z"
          >
            ↷ Redo
          </button>
        </div>
      </header>
      <NoticeBar />
      <UntrustedArgs />
      <main className="grid min-h-0 flex-1 grid-cols-[290px_minmax(0,1fr)_330px] gap-2">
        <div className="flex min-h-0 flex-col gap-2">
          <MachinePanel />
          <Legend />
        </div>
        <div className="flex min-w-0 flex-col gap-2">
          <MemoryMap />
          <div className="grid h-[360px] min-h-0 grid-cols-2 gap-2">
            <Diagnostics />
            <ChosenPreview />
          </div>
          <CommandLine />
        </div>
        <div className="flex min-h-0 flex-col gap-2">
          <Inspector />
          <VerifyResults />
          <BootConsole />
        </div>
      </main>
    </div>
  );
}
