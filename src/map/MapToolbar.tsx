import { type ReactNode, useRef } from "react";
import { useGuestmap } from "../store/store";
import { human } from "../ui/format";
import { Segmented } from "../ui/Segmented";
import type { MapModel } from "./map-model";
import { bytesPerPx, FIT, maxZoom, type Scale, viewFor, zoomAt } from "./scale";

const btn =
  "h-6 min-w-6 rounded border border-line bg-panel-2 px-2 text-[11px] text-ink hover:border-muted disabled:opacity-40";

export function MapToolbar(props: {
  width: number;
  scale: Scale;
  model: MapModel;
  pointer: ReactNode;
  /** Work under way (files being read and hashed), said next to "Add files…". */
  busy?: ReactNode | undefined;
  onFiles(files: File[]): void;
  /** The measure tool: a background drag measures (Shift-drag always does). */
  measuring: boolean;
  onMeasuring(on: boolean): void;
}) {
  const mode = useGuestmap((s) => s.scaleMode);
  const view = useGuestmap((s) => s.view);
  const input = useRef<HTMLInputElement>(null);
  const s = useGuestmap.getState;
  const contentStart = props.model.occupied.reduce((a, r) => (r.start < a ? r.start : a), props.scale.end);
  const contentEnd = props.model.occupied.reduce((a, r) => (r.end > a ? r.end : a), props.scale.start);
  return (
    <div className="flex flex-wrap items-center gap-1.5 border-b border-line px-2 py-1.5">
      <h2 id="map-title" className="mr-2 text-[12px] font-semibold tracking-wide text-ink uppercase">
        Memory map
      </h2>
      <button
        type="button"
        className={btn}
        aria-label="Zoom out"
        disabled={view.zoom <= 1}
        onClick={() =>
          s().viewChanged(zoomAt(view, 1 / 2, props.width / 2, props.width, maxZoom(props.scale)))
        }
      >
        −
      </button>
      <button
        type="button"
        className={btn}
        aria-label="Zoom in"
        disabled={view.zoom >= maxZoom(props.scale)}
        onClick={() => s().viewChanged(zoomAt(view, 2, props.width / 2, props.width, maxZoom(props.scale)))}
      >
        +
      </button>
      <button type="button" className={btn} onClick={() => s().viewChanged(FIT)}>
        Fit RAM
      </button>
      <button
        type="button"
        className={btn}
        onClick={() =>
          s().viewChanged(
            contentEnd > contentStart
              ? viewFor(props.scale, { start: contentStart, end: contentEnd }, 0.03)
              : FIT,
          )
        }
      >
        Fit content
      </button>
      <Segmented
        className="ml-1"
        legend="Scale"
        name="scale"
        options={[
          ["collapsed", "Collapse gaps"],
          ["linear", "Linear"],
        ]}
        value={mode}
        onChange={(m) => s().scaleModeChanged(m)}
      />
      <button
        type="button"
        className={`${btn} ml-1 ${props.measuring ? "border-info text-info" : ""}`}
        aria-pressed={props.measuring}
        title="Drag on the map to measure the distance between two addresses (Shift-drag measures any time; ends snap to regions' edges, Alt: free)"
        onClick={() => props.onMeasuring(!props.measuring)}
      >
        Measure
      </button>
      <button type="button" className={`${btn} ml-1`} onClick={() => input.current?.click()}>
        Add files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        className="sr-only"
        aria-label="Add files as guest-loader blobs"
        tabIndex={-1}
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = "";
          if (files.length) props.onFiles(files);
        }}
      />
      <span aria-live="polite" className="text-[11px] text-info empty:hidden">
        {props.busy}
      </span>
      {/* A fixed width, right-aligned: the pointer's address coming and going never re-wraps the
          toolbar (it shifted the page by a line). */}
      <span
        className="ml-auto w-[44ch] shrink-0 truncate text-right font-mono text-[11px] text-muted"
        aria-live="off"
        data-testid="map-readout"
      >
        {props.pointer}zoom ×{view.zoom < 10 ? view.zoom.toFixed(1) : Math.round(view.zoom)} ·{" "}
        <span title="bytes per screen pixel at the middle of the map" data-testid="bytes-per-px">
          {perPx(bytesPerPx(props.scale, view, props.width / 2))}/px
        </span>
      </span>
    </div>
  );
}

/** Bytes per pixel, readable: "2 MiB", "512 B", "0.06 B" at the deepest zoom. */
function perPx(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return "—";
  if (bytes < 1) return `${bytes.toPrecision(2)} B`;
  const b = BigInt(Math.round(bytes));
  return `${Number(b) === bytes ? "" : "≈"}${human(b)}`;
}
