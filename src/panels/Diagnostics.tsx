/** Every diagnostic from the core: click to select and frame its range; the core's quick fix as a button. */
import type { Diagnostic } from "@guestmap/core";
import { usePanelCheck } from "../store/derived";
import { useGuestmap } from "../store/store";
import { BidiText } from "../ui/BidiText";
import { addr } from "../ui/format";
import { button, Panel } from "../ui/Panel";
import { TrustArgsSwitch } from "./TrustArgsSwitch";

const SEV = {
  error: { icon: "✕", cls: "text-bad border-bad/50" },
  warning: { icon: "▲", cls: "text-warn border-warn/50" },
  info: { icon: "i", cls: "text-info border-info/40" },
} as const;

export function Diagnostics() {
  const { diagnostics } = usePanelCheck();
  const counts = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  // What Fix all would touch: the problems (not notes) a move cures.
  const fixable = diagnostics.filter((d) => d.severity !== "info" && d.fix !== undefined).length;
  return (
    <Panel
      id="diagnostics-title"
      title="Diagnostics"
      actions={
        <>
          <span className="font-mono text-[11px]" data-testid="diagnostic-counts">
            <span className="text-bad">{plural(counts.error, "error")}</span> ·{" "}
            <span className="text-warn">{plural(counts.warning, "warning")}</span> ·{" "}
            <span className="text-info">{counts.info} info</span>
          </span>
          {fixable > 0 && (
            <button
              type="button"
              className={button}
              title="Apply every quick fix at once: one undo step"
              onClick={() => useGuestmap.getState().allFixed()}
            >
              Fix all ({fixable})
            </button>
          )}
        </>
      }
    >
      <TrustArgsSwitch />
      {diagnostics.length === 0 ? (
        <p className="text-ram-ink">✓ No problems: QEMU will load every blob where the map shows it.</p>
      ) : (
        <ul className="flex flex-col gap-1.5" aria-live="polite">
          {diagnostics.map((d) => (
            <li
              key={`${d.code}|${d.regions.join()}|${d.start}|${d.message}`}
              className={`rounded border-l-2 bg-bg/50 py-1 pr-1 pl-2 ${SEV[d.severity].cls}`}
            >
              <DiagnosticRow d={d} />
              {d.fix && <QuickFixButton fix={d.fix} />}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

/** The core's quick fix (`Diagnostic.fix`, labelled by file name): one move, one undo step. */
function QuickFixButton({ fix }: { fix: NonNullable<Diagnostic["fix"]> }) {
  return (
    <button
      type="button"
      className={`${button} mt-1`}
      onClick={() => {
        useGuestmap.getState().dispatch({ type: "moveBlob", id: fix.region, addr: fix.addr });
        useGuestmap.getState().selected(fix.region);
      }}
    >
      Quick fix: {fix.label ?? `move ${fix.region} to ${addr(fix.addr)}`}
    </button>
  );
}

function DiagnosticRow({ d }: { d: Diagnostic }) {
  return (
    <button
      type="button"
      className="w-full text-left"
      onClick={() => {
        const s = useGuestmap.getState();
        if (d.regions[0]) s.selected(d.regions[0]);
        if (d.start !== undefined && d.end !== undefined) s.rangeFocused({ start: d.start, end: d.end });
      }}
    >
      <span className="font-mono text-[11px] font-semibold">
        <span aria-hidden>{SEV[d.severity].icon} </span>
        {d.severity} {d.code}
        {d.start !== undefined && d.end !== undefined && (
          <span className="font-normal text-muted">
            {" "}
            [{addr(d.start)}, {addr(d.end)})
          </span>
        )}
      </span>
      <span className="block text-[12px] text-ink/90" dir="ltr">
        <BidiText text={d.message} />
      </span>
    </button>
  );
}
