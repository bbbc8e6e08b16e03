/** QEMU's answer, region by region and blob by blob, beside the prediction. */
import { hex } from "@guestmap/core";
import { Panel } from "../ui/Panel";
import { useCompanion } from "./companion";
import { useVerification } from "./useVerification";

const span = (r?: { addr: bigint; size: bigint }) => (r ? `${hex(r.addr)}+${hex(r.size)}` : "—");
/** A dom0less domain's blob says whose it is (dom0's kernel and domU1's are often one file). */
const named = (x: { name: string; domain?: string }) =>
  x.domain !== undefined ? `${x.name} (${x.domain})` : x.name;

export function VerifyResults() {
  const companion = useCompanion((s) => s.companion);
  const { query } = useVerification();
  const v = query.data;
  if (!companion || !v) return null;
  const r = v.report;
  return (
    <Panel id="verify-title" title={`QEMU ${v.qemu.version} vs prediction`} className="max-h-[420px]">
      <div className="flex flex-col gap-2 font-mono text-[11px]">
        {r.refusal.qemu && <p className="text-bad">QEMU refused to start: {r.refusal.message}</p>}
        {r.differences.map((d) => (
          <p key={d} className="text-bad">
            ✕ {d}
          </p>
        ))}
        <table className="w-full text-[10px] whitespace-nowrap">
          <thead className="text-left text-muted">
            <tr>
              <th className="font-normal">region</th>
              <th className="font-normal">guestmap</th>
              <th className="font-normal">QEMU</th>
            </tr>
          </thead>
          <tbody>
            {r.regions.map((x) => (
              <tr
                key={`${x.id ?? x.name}-${(x.qemu ?? x.predicted)?.addr}`}
                data-verify={x.equal ? "same" : "differs"}
                className={x.equal ? "text-ram-ink" : "text-bad"}
              >
                <td className="max-w-[96px] truncate pr-1" title={named(x)}>
                  {x.equal ? "✓" : "✕"} {named(x)}
                </td>
                <td className="pr-1">{span(x.predicted)}</td>
                <td>{span(x.qemu)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {r.chosen && (
          <p className={r.chosen.equal ? "text-ram-ink" : "text-bad"}>
            {r.chosen.equal ? "✓ /chosen as predicted" : "✕ /chosen differs from QEMU's"}
          </p>
        )}
        <ul className="flex flex-col gap-0.5">
          {r.blobs.map((b) => (
            <li key={b.id} data-testid="blob-bytes" className={b.intact ? "text-ram-ink" : "text-bad"}>
              {b.intact ? "✓" : "✕"} {named(b)}: {b.summary}
              {b.read && !b.intact && (b.predicted ? " — as guestmap predicted" : " — not predicted")}
            </li>
          ))}
        </ul>
        <p className="text-muted">Predicted with guestmap's QEMU {r.profile} profile.</p>
        {(v.added.length > 0 || v.dropped.length > 0) && (
          <p className="text-muted">
            {v.added.length > 0 && `Ran with ${v.added.join("; ")}. `}
            {v.dropped.length > 0 && `Not passed to QEMU: ${v.dropped.map((g) => g.join(" ")).join("; ")}.`}
          </p>
        )}
      </div>
    </Panel>
  );
}
