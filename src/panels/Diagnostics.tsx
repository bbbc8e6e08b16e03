/** Every diagnostic from the core: click to select and frame its range; quick fix where obvious. */
import type { Diagnostic } from "@guestmap/core";
import { nextFreeAligned } from "../model/blob-rules";
import { usePanelCheck } from "../store/derived";
import { useGuestmap } from "../store/store";
import { BidiText } from "../ui/BidiText";
import { addr } from "../ui/format";
import { button, Panel } from "../ui/Panel";

const FIXABLE = new Set(["overlap", "bss-overlap", "misaligned", "outside-ram"]);
const SEV = {
  error: { icon: "✕", cls: "text-bad border-bad/50" },
  warning: { icon: "▲", cls: "text-warn border-warn/50" },
  info: { icon: "i", cls: "text-info border-info/40" },
} as const;

export function Diagnostics() {
  const { diagnostics, placement, layout } = usePanelCheck();
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
      {diagnostics.length === 0 ? (
        <p className="text-ram-ink">✓ No problems: QEMU will load every blob where the map shows it.</p>
      ) : (
        <ul className="flex flex-col gap-1.5" aria-live="polite">
          {diagnostics.map((d) => {
            // The core's own quick fix when it gives one (Diagnostic.fix, being added to the core),
            // else the next free aligned slot from nextFreeSlot/alignmentRule.
            const coreFix = (d as { fix?: { region: string; addr: bigint } }).fix;
            const target = coreFix?.region ?? d.regions[0];
            const fixable = target && FIXABLE.has(d.code) && layout.modules.some((m) => m.id === target);
            const slot = coreFix
              ? coreFix.addr
              : fixable
                ? nextFreeAligned(layout, placement, target)
                : undefined;
            return (
              <li
                key={`${d.code}|${d.regions.join()}|${d.start}|${d.message}`}
                className={`rounded border-l-2 bg-bg/50 py-1 pr-1 pl-2 ${SEV[d.severity].cls}`}
              >
                <DiagnosticRow d={d} />
                {slot !== undefined && target && (
                  <button
                    type="button"
                    className={`${button} mt-1`}
                    onClick={() => {
                      useGuestmap.getState().dispatch({ type: "moveBlob", id: target, addr: slot });
                      useGuestmap.getState().selected(target);
                    }}
                  >
                    Quick fix: move {target} to next free aligned slot {addr(slot)}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </Panel>
  );
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;

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
