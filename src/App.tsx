import { useStore } from "zustand";
import { useShareLink } from "./io/useShareLink";
import { MemoryMap } from "./map/MemoryMap";
import { ChosenPreview } from "./panels/ChosenPreview";
import { CommandLine } from "./panels/CommandLine";
import { Diagnostics } from "./panels/Diagnostics";
import { ExportMenu, ShareButton } from "./panels/ExportMenu";
import { ImportMenu } from "./panels/ImportMenu";
import { Inspector } from "./panels/Inspector";
import { Legend } from "./panels/Legend";
import { MachinePanel } from "./panels/MachinePanel";
import { SamplesMenu } from "./panels/SamplesMenu";
import { redo, undo, useGuestmap } from "./store/store";
import { button } from "./ui/Panel";
import { useGlobalKeys } from "./ui/useGlobalKeys";
import { BootConsole } from "./verify/BootConsole";
import { VerifyControls } from "./verify/VerifyControls";
import { VerifyResults } from "./verify/VerifyResults";

export function App() {
  useGlobalKeys();
  useShareLink();
  const notice = useGuestmap((s) => s.notice);
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
      {notice && (
        <div
          role="status"
          className={`flex items-center gap-2 rounded border px-3 py-1.5 text-[12px] ${notice.kind === "error" ? "border-bad/60 bg-bad/10 text-[#ffb4b4]" : "border-info/50 bg-info/10 text-ink"}`}
        >
          <span className="flex-1">{notice.text}</span>
          <button type="button" className={button} onClick={() => useGuestmap.getState().noticed(undefined)}>
            Dismiss
          </button>
        </div>
      )}
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
