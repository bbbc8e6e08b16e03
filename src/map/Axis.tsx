import { addr } from "../ui/format";
import { type Scale, ticks, type View } from "./scale";
import { useLanes } from "./useLanes";

export function Axis({ scale, view }: { scale: Scale; view: View }) {
  const lanes = useLanes();
  const t = ticks(scale, view, 96);
  return (
    <div
      className="absolute inset-x-0"
      style={{ top: lanes.axis.top, height: lanes.axis.height }}
      aria-hidden
    >
      {t.map(({ addr: a, x }) => (
        <div key={a.toString()} className="absolute top-0 h-full" style={{ left: x }}>
          <div className="h-full border-l border-line" />
          <span
            data-testid="axis-tick"
            className="absolute top-1 left-1 whitespace-nowrap font-mono text-[10px] text-muted"
          >
            {addr(a)}
          </span>
        </div>
      ))}
    </div>
  );
}

/** Faint grid lines under the lanes at the same ticks. */
export function Grid({ scale, view }: { scale: Scale; view: View }) {
  return (
    <div className="pointer-events-none absolute inset-0" aria-hidden>
      {ticks(scale, view, 96).map(({ addr: a, x }) => (
        <div
          key={a.toString()}
          className="absolute top-[22px] bottom-0 border-l border-line/40"
          style={{ left: x }}
        />
      ))}
    </div>
  );
}
