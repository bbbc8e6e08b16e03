/** Collision bands, drag guides and the hover card. */
import type { Region } from "@guestmap/core";
import { addr, human } from "../ui/format";
import { type Collision, roleLabel } from "./map-model";
import { type Scale, screenSpan, toScreen, type View } from "./scale";
import { useLanes } from "./useLanes";

/** Approximate width of a 10px monospace label, to stack labels that would overlap. */
const CHAR_PX = 6.1;
/** Collision label rows under the lanes (the row after them says how many more there are). */
const LABEL_ROWS = 2;

export function CollisionBands(props: {
  collisions: readonly Collision[];
  scale: Scale;
  view: View;
  width: number;
}) {
  const lanes = useLanes();
  const { collisions, scale, view } = props;
  const rowEnds: number[] = [];
  let unlabelled = 0;
  return (
    <>
      {collisions.map((c) => {
        const { left: x0, width: w } = screenSpan(scale, view, c.start, c.end, 3);
        const text = `✕ ${addr(c.start)}–${addr(c.end)} (${human(c.end - c.start)}) ${c.code}`;
        // Keep the label inside the map; stack labels that would overlap.
        const lx = Math.max(0, Math.min(x0, props.width - text.length * CHAR_PX - 4));
        let row = rowEnds.findIndex((end) => end < lx);
        if (row < 0) row = rowEnds.length;
        // The map has room for LABEL_ROWS rows; the rest are counted on the row below them.
        const labelled = row < LABEL_ROWS;
        if (labelled) rowEnds[row] = lx + text.length * CHAR_PX + 8;
        else unlabelled++;
        const color = c.severity === "error" ? "text-bad" : "text-warn";
        return (
          <div key={`${c.code}-${c.start}-${c.regions.join()}`}>
            <div
              aria-hidden
              className={`pointer-events-none absolute z-20 border-x ${c.severity === "error" ? "collision border-bad" : "collision-warn border-warn"}`}
              style={{
                left: x0,
                width: w,
                top: lanes.qemu.top - 4,
                height: lanes.user.top + lanes.user.height - lanes.qemu.top + 8,
              }}
            />
            {labelled && (
              <div
                data-testid="collision"
                className={`absolute font-mono text-[10px] leading-[12px] whitespace-nowrap ${color}`}
                style={{ left: lx, top: lanes.hits.top + row * 13 }}
              >
                {text}
              </div>
            )}
          </div>
        );
      })}
      {unlabelled > 0 && (
        <div
          data-testid="collisions-more"
          className="absolute left-1 font-mono text-[10px] leading-[12px] whitespace-nowrap text-muted"
          style={{ top: lanes.hits.top + LABEL_ROWS * 13 }}
        >
          +{unlabelled} more collision{unlabelled > 1 ? "s" : ""}: see Diagnostics
        </div>
      )}
    </>
  );
}

export function DragGuides(props: {
  scale: Scale;
  view: View;
  addr: bigint;
  pointer: bigint;
  /** The neighbour edge the blob snapped to. */
  edge: bigint | undefined;
  align: bigint;
  width: number;
}) {
  const lanes = useLanes();
  const { scale, view } = props;
  // Keyed by their step from the blob (k), so a move updates seven lines instead of replacing them.
  const guides: [bigint, bigint][] = [];
  for (let k = -3n; k <= 3n; k++) {
    const a = props.addr + k * props.align;
    if (a >= 0n) guides.push([k, a]);
  }
  const px = toScreen(scale, view, props.pointer);
  return (
    <>
      {guides.map(([k, a]) => {
        const x = toScreen(scale, view, a);
        if (x < 0 || x > props.width) return null;
        return (
          <div
            key={k.toString()}
            aria-hidden
            className={`pointer-events-none absolute top-[22px] border-l ${a === props.addr ? "border-focus" : "border-dashed border-focus/35"}`}
            style={{ left: x, height: lanes.height - 22 }}
          />
        );
      })}
      {props.edge !== undefined && (
        <div
          aria-hidden
          data-testid="snap-guide"
          className="pointer-events-none absolute top-[22px] z-20 border-l-2 border-focus"
          style={{ left: toScreen(scale, view, props.edge), height: lanes.height - 22 }}
        />
      )}
      <div
        data-testid="pointer-address"
        className="pointer-events-none absolute z-30 rounded bg-focus px-1 font-mono text-[10px] text-black"
        style={{ left: Math.min(props.width - 90, Math.max(0, px + 6)), top: lanes.axis.top + 2 }}
      >
        {addr(props.pointer)}
      </div>
      <div
        data-testid="drag-target"
        className="pointer-events-none absolute z-30 rounded border border-focus bg-bg px-1 font-mono text-[10px] text-focus"
        style={{
          left: Math.min(props.width - 150, Math.max(0, toScreen(scale, view, props.addr))),
          top: lanes.user.top - 16,
        }}
      >
        → {addr(props.addr)} (
        {props.edge !== undefined ? `snapped to ${addr(props.edge)}` : `step ${human(props.align)}`})
      </div>
    </>
  );
}

/** The 4 GiB line: past it a 32-bit consumer (an arm32 guest, a 32-bit DMA) cannot reach. */
export function FourGiBMarker({ scale, view }: { scale: Scale; view: View }) {
  const at = 1n << 32n;
  if (at <= scale.start || at >= scale.end) return null;
  const x = toScreen(scale, view, at);
  if (x < 0 || x > scale.width) return null;
  return (
    <div
      data-testid="4gib-marker"
      className="pointer-events-none absolute top-[22px] bottom-0 z-10 border-l border-dashed border-warn/70"
      style={{ left: x }}
    >
      <span className="absolute top-0 left-1 rounded bg-bg/80 px-0.5 font-mono text-[9px] whitespace-nowrap text-warn">
        4 GiB
      </span>
    </div>
  );
}

/**
 * The hovered region's exact range, below it. Kept within the map's own column (`bounds`, client
 * px): it used to spill over the Inspector and hide its inline error.
 */
export function HoverCard({
  region,
  x,
  y,
  bounds,
}: {
  region: Region;
  x: number;
  y: number;
  bounds: { left: number; right: number };
}) {
  const end = region.addr + region.size;
  return (
    <div
      role="tooltip"
      className="pointer-events-none fixed z-40 w-64 rounded border border-line bg-panel-2 p-2 font-mono text-[11px] shadow-xl shadow-black/50"
      style={{ left: Math.max(bounds.left + 4, Math.min(x - 20, bounds.right - 260)), top: y + 8 }}
    >
      <div className="mb-1 font-sans font-semibold text-ink">
        {region.name} <span className="font-normal text-muted">· {roleLabel(region)}</span>
      </div>
      <Row k="start" v={addr(region.addr)} />
      <Row k="end (excl.)" v={addr(end)} />
      <Row k="size" v={`${addr(region.size)} (${human(region.size)})`} />
      {region.footprint > region.size && (
        <Row k="footprint" v={`${addr(region.footprint)} → ${addr(region.addr + region.footprint)}`} />
      )}
    </div>
  );
}

function Row({ k, v }: { k: string; v: string }) {
  return (
    <div className="flex justify-between gap-2">
      <span className="text-muted">{k}</span>
      <span className="text-ink">{v}</span>
    </div>
  );
}

/** The measure tool's span: both ends, the distance between them, in hex and in words. */
export function MeasureOverlay(props: { scale: Scale; view: View; from: bigint; to: bigint; width: number }) {
  const lanes = useLanes();
  const { scale, view } = props;
  const lo = props.from < props.to ? props.from : props.to;
  const hi = props.from < props.to ? props.to : props.from;
  const x0 = toScreen(scale, view, lo);
  const x1 = toScreen(scale, view, hi);
  const left = Math.max(-2, x0);
  const right = Math.min(props.width + 2, x1);
  const text = `${addr(lo)} → ${addr(hi)} = ${addr(hi - lo)} (${human(hi - lo)})`;
  return (
    <>
      <div
        aria-hidden
        className="pointer-events-none absolute top-[22px] bottom-0 z-30 border-x-2 border-info bg-info/10"
        style={{ left, width: Math.max(0, right - left) }}
      />
      <div
        data-testid="measure"
        role="status"
        className="absolute z-40 rounded border border-info bg-bg px-1 font-mono text-[10px] whitespace-nowrap text-info"
        style={{
          left: Math.max(
            0,
            Math.min(
              props.width - text.length * CHAR_PX - 8,
              (left + right) / 2 - (text.length * CHAR_PX) / 2,
            ),
          ),
          top: lanes.ram.top,
        }}
      >
        {text}
      </div>
    </>
  );
}
