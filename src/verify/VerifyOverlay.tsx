/**
 * QEMU's truth on the memory map: a bar over each region, green where QEMU put it where guestmap
 * said, red (with both values) where not; over a blob QEMU wrote into, the bytes it changed.
 */
import { hex, isUserRole } from "@guestmap/core";
import { type Scale, screenSpan, type View } from "../map/scale";
import { useLanes } from "../map/useLanes";
import { useVerification } from "./useVerification";

/** Approximate width of a 10px monospace character, to keep a label inside the map. */
const CHAR_PX = 6.1;

export function VerifyOverlay(props: { scale: Scale; view: View }) {
  const { query } = useVerification();
  const lanes = useLanes();
  const r = query.data?.report;
  if (!r) return null;
  const { scale, view } = props;
  return (
    <>
      {/* A dom0less domain's blobs are drawn in its own lane under the map: the results list them. */}
      {r.regions
        .filter((x) => x.domain === undefined)
        .map((x) => {
          const at = x.qemu ?? x.predicted!;
          const lane = x.role && isUserRole(x.role) ? lanes.user : lanes.qemu;
          const { left, width } = screenSpan(scale, view, at.addr, at.addr + at.size, 3);
          const text = x.equal
            ? `${x.name}: QEMU agrees, ${hex(at.addr)}+${hex(at.size)}`
            : `${x.name}: guestmap ${x.predicted ? `${hex(x.predicted.addr)}+${hex(x.predicted.size)}` : "—"}, QEMU ${x.qemu ? `${hex(x.qemu.addr)}+${hex(x.qemu.size)}` : "—"}`;
          return (
            <div key={`${x.id ?? x.name}-${at.addr}`}>
              <div
                data-testid="verify-mark"
                data-verify={x.equal ? "same" : "differs"}
                title={text}
                aria-hidden
                className={`pointer-events-none absolute z-20 rounded-sm ${x.equal ? "bg-ram-ink" : "bg-bad"}`}
                style={{ left, width, top: lane.top - 5, height: 3 }}
              />
              {!x.equal && (
                // Where QEMU disagrees, both values on the map itself, not only in a tooltip.
                <div
                  data-testid="verify-both"
                  className="pointer-events-none absolute z-30 rounded bg-bg/90 px-1 font-mono text-[10px] whitespace-nowrap text-bad"
                  style={{
                    left: Math.max(0, Math.min(left, scale.width - text.length * CHAR_PX - 8)),
                    top: lane.top - 18,
                  }}
                >
                  {text}
                </div>
              )}
            </div>
          );
        })}
      {r.blobs
        .filter((b) => b.read && !b.intact && b.firstDiff !== undefined && b.domain === undefined)
        .map((b) => {
          const start = b.addr + b.firstDiff!;
          const end = b.addr + (b.lastDiff ?? b.firstDiff!) + 1n;
          const { left, width } = screenSpan(scale, view, start, end, 3);
          return (
            <div
              key={`hit-${b.id}`}
              data-testid="verify-overwritten"
              className="pointer-events-none absolute z-20 border-2 border-bad bg-bad/25"
              style={{ left, width, top: lanes.user.top, height: lanes.user.height }}
            >
              <span className="absolute bottom-0.5 left-0.5 rounded bg-bg/90 px-1 font-mono text-[10px] whitespace-nowrap text-bad">
                {b.summary.replace(/ \(first at.*$/, "")}
              </span>
            </div>
          );
        })}
    </>
  );
}
