import { type DragEvent, useEffect, useMemo, useRef, useState } from "react";
import type { Measured } from "../interaction/measure";
import { useAddFiles } from "../io/add-files";
// Loaded after the first paint with the rest of "Verify in QEMU" (lazy/components.tsx).
import { VerifyOverlay } from "../lazy/components";
import { problemsOf, useCommittedCheck } from "../store/derived";
import { useGuestmap } from "../store/store";
import { addr, human } from "../ui/format";
import { IngestProgress } from "../ui/IngestProgress";
import { useElementHeight } from "../ui/useElementHeight";
import { useElementWidth } from "../ui/useElementWidth";
import { Axis, Grid } from "./Axis";
import { type Hover, QemuBlock, RamLane, UserBlock } from "./Blocks";
import { DomainLanes } from "./DomainLanes";
import { MAP_HEIGHT, mapLanes } from "./geometry";
import { onBlobKeyDown, selectRegion } from "./keyboard";
import { LiveLayer } from "./LiveLayer";
import { MapToolbar } from "./MapToolbar";
import { mapModelOf, PLACEHOLDER_SPAN } from "./map-model";
import { FourGiBMarker, HoverCard, MeasureOverlay } from "./Overlays";
import { PointerAddress } from "./PointerAddress";
import {
  clampView,
  collapsedScale,
  fromScreen,
  linearScale,
  maxZoom,
  screenSpan,
  toScreen,
  viewFor,
} from "./scale";
import { LanesContext } from "./useLanes";
import { useMapInteractions } from "./useMapInteractions";

/**
 * The memory map. It draws the committed layout, so a drag re-renders none of it: the dragged
 * block, its guides and the live collisions are LiveLayer's, and a block re-renders only when its
 * own border (its problem) changes.
 */
export function MemoryMap() {
  const committed = useCommittedCheck();
  const layout = committed.layout;
  const mode = useGuestmap((s) => s.scaleMode);
  const view = useGuestmap((s) => s.view);
  const selection = useGuestmap((s) => s.selection);
  const selectionSeq = useGuestmap((s) => s.selectionSeq);
  // Not the dragged blob's id: a drag or a key move re-renders its own block (UserBlock), not the map.
  const pointerDragging = useGuestmap((s) => s.drag !== undefined && !s.drag.key);
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<Hover>();
  const addFiles = useAddFiles();
  // The lanes grow with a taller pane (1920×1080), within limits; at 1366×768 they are as always.
  const lanesHeight = mapLanes(useElementHeight(ref)).height;
  const lanes = useMemo(() => mapLanes(lanesHeight), [lanesHeight]);

  // Drawn from the committed layout: its scale holds still under a drag.
  const model = mapModelOf(committed);
  const scale = useMemo(
    () =>
      mode === "linear"
        ? linearScale(model.domain.start, model.domain.end, width)
        : collapsedScale(model.domain.start, model.domain.end, model.occupied, width),
    [mode, model, width],
  );
  const [measured, setMeasured] = useState<Measured>();
  const [measuring, setMeasuring] = useState(false);
  const measuringRef = useRef(measuring);
  measuringRef.current = measuring;
  useMapInteractions(ref, scale, layout, committed.placement.regions, model.ram, {
    on: () => measuringRef.current,
    onChange: setMeasured,
  });
  const focus = useGuestmap((s) => s.focus);
  useEffect(() => {
    if (!focus) return;
    const s = useGuestmap.getState();
    s.viewChanged(viewFor(scale, focus, 0.25));
    s.rangeFocused(undefined);
  }, [focus, scale]);

  // Selecting a blob that is off-screen (↓ at a deep zoom, a diagnostic, the region table) pans
  // the view to it at the same zoom; focusing it must not scroll the map's box instead.
  const selected =
    selection === undefined
      ? undefined
      : (model.user.find((r) => r.id === selection) ??
        model.qemu.find((r) => r.id === selection) ??
        model.placeholders
          .filter((p) => p.id === selection)
          .map((p) => ({ addr: p.addr, size: PLACEHOLDER_SPAN }))[0]);
  const selectedAddr = selected?.addr;
  const selectedEnd = selected ? selected.addr + selected.size : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: pans on a new selection or a move of the selected blob, never because the user panned away
  useEffect(() => {
    if (selectedAddr === undefined || selectedEnd === undefined || width <= 0) return;
    const v = useGuestmap.getState().view;
    const x0 = toScreen(scale, v, selectedAddr);
    const x1 = toScreen(scale, v, selectedEnd);
    if (x1 >= 0 && x0 <= scale.width) return;
    const mid = (scale.x(selectedAddr) + scale.x(selectedEnd)) / 2;
    useGuestmap
      .getState()
      .viewChanged(
        clampView({ zoom: v.zoom, pan: mid * v.zoom - scale.width / 2 }, scale.width, maxZoom(scale)),
      );
  }, [selectedAddr, selectedEnd, selectionSeq]);

  const draggedPlaceholder = useGuestmap((s) =>
    s.drag && model.placeholders.some((p) => p.id === s.drag?.id) ? s.drag.id : undefined,
  );
  const hovered = hover && [...model.qemu, ...model.user].find((r) => r.id === hover.id);
  const bounds = hovered ? ref.current?.getBoundingClientRect() : undefined;

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    const files = [...e.dataTransfer.files];
    if (!files.length) return;
    const x = e.clientX - e.currentTarget.getBoundingClientRect().left;
    const onto = (e.target as Element).closest<HTMLElement>("[data-blob-id]")?.dataset.blobId;
    addFiles.mutate({ files, at: fromScreen(scale, view, x), ...(onto !== undefined && { onto }) });
  };

  // The lanes reach every layer drawn in the map (and DomainLanes) through a context.
  const map = (
    <section
      aria-labelledby="map-title"
      className="flex min-h-0 min-w-0 flex-1 flex-col rounded-md border border-line bg-panel"
    >
      <MapToolbar
        width={width}
        scale={scale}
        model={model}
        pointer={<PointerAddress mapRef={ref} scale={scale} />}
        busy={
          addFiles.isPending ? (
            <IngestProgress
              fallback={`Reading ${addFiles.variables.files.length === 1 ? addFiles.variables.files[0]!.name : `${addFiles.variables.files.length} files`}…`}
            />
          ) : undefined
        }
        onFiles={(files) => addFiles.mutate({ files })}
        measuring={measuring}
        onMeasuring={setMeasuring}
      />
      {/* Fills its pane: the lanes take its height up to their limits; the rest stays map (drop, pan). */}
      <div className="flex min-h-0 flex-1 overflow-hidden">
        <div
          className="relative w-[74px] shrink-0 border-r border-line text-[10px] tracking-wide text-muted uppercase"
          aria-hidden
        >
          {(
            [
              ["RAM", lanes.ram],
              ["QEMU", lanes.qemu],
              ["guest-loader", lanes.user],
            ] as const
          ).map(([name, lane]) => (
            <div
              key={name}
              className="absolute flex items-center pr-1 pl-2 leading-tight"
              style={{ top: lane.top, height: lane.height }}
            >
              {name}
            </div>
          ))}
        </div>
        <div
          ref={ref}
          data-testid="memory-map"
          role="application"
          aria-label="Memory map: drop files here; Tab to a blob, arrow keys move it"
          className="relative min-w-0 flex-1 touch-none overflow-hidden select-none"
          style={{ minHeight: MAP_HEIGHT }}
          // Focusing a block off-screen scrolls even an overflow-hidden box, shifting every block
          // against the axis: the view pans instead (above), so the box never keeps a scroll.
          onScroll={(e) => {
            e.currentTarget.scrollLeft = 0;
            e.currentTarget.scrollTop = 0;
          }}
          onDragOver={(e) => {
            e.preventDefault();
            e.dataTransfer.dropEffect = "copy";
          }}
          onDrop={onDrop}
        >
          <Grid scale={scale} view={view} />
          <Axis scale={scale} view={view} />
          <FourGiBMarker scale={scale} view={view} />
          {scale.kind === "collapsed" &&
            scale.pieces
              .filter((p) => !p.occupied && p.end - p.start > 0x100000n)
              .map((p) => {
                const { left: x0, width: w } = screenSpan(scale, view, p.start, p.end);
                const x1 = x0 + w;
                return x1 - x0 > 44 ? (
                  <div
                    key={p.start.toString()}
                    aria-hidden
                    className="pointer-events-none absolute overflow-hidden text-center font-mono text-[9px] whitespace-nowrap text-muted"
                    style={{ left: x0, width: x1 - x0, top: lanes.user.top + lanes.user.height / 2 - 6 }}
                  >
                    {human(p.end - p.start)}
                  </div>
                ) : null;
              })}
          <RamLane scale={scale} view={view} ram={model.ram} />
          {model.qemu.map((r) => (
            <QemuBlock
              key={r.id}
              region={r}
              scale={scale}
              view={view}
              selected={selection === r.id}
              onSelect={selectRegion}
              onHover={setHover}
            />
          ))}
          {model.user.map((r) => (
            <UserBlock
              key={r.id}
              region={r}
              scale={scale}
              view={view}
              selected={selection === r.id}
              row={model.rows.get(r.id)}
              onSelect={selectRegion}
              onHover={setHover}
              onKeyDown={onBlobKeyDown}
            />
          ))}
          <LiveLayer scale={scale} view={view} width={width} />
          <VerifyOverlay scale={scale} view={view} />
          {model.placeholders.map((p) => {
            const { left: x0, width: w } = screenSpan(scale, view, p.addr, p.addr + PLACEHOLDER_SPAN, 12);
            const x1 = x0 + w;
            return (
              <button
                type="button"
                key={p.id}
                data-blob-id={p.id}
                aria-label={`${p.name}: placeholder without a file at ${addr(p.addr)}; fill it in the inspector or drop the file`}
                aria-pressed={selection === p.id}
                onFocus={() => selectRegion(p.id)}
                onClick={() => selectRegion(p.id)}
                onKeyDown={(e) => onBlobKeyDown(e, p.id)}
                title={`${p.name} at ${addr(p.addr)}: size unknown`}
                className={`absolute overflow-hidden rounded-[3px] border-2 border-dashed bg-panel-2/80 px-1 text-left font-mono text-[10px] leading-tight text-muted ${
                  selection === p.id ? "border-focus" : "border-muted"
                } ${draggedPlaceholder === p.id ? "opacity-40" : ""}`}
                style={{
                  left: x0,
                  width: x1 - x0,
                  top: lanes.user.top,
                  height: lanes.user.height,
                }}
              >
                {x1 - x0 > 30 && (
                  <>
                    <span className="block truncate pt-1">{p.name.split("/").pop()}</span>
                    <span className="block truncate">size ?</span>
                    <span className="block truncate">{addr(p.addr)}</span>
                  </>
                )}
              </button>
            );
          })}
          {measured && (
            <MeasureOverlay scale={scale} view={view} from={measured.from} to={measured.to} width={width} />
          )}
          {hovered && !pointerDragging && bounds && (
            <HoverCard region={hovered} x={hover.x} y={hover.y} bounds={bounds} />
          )}
        </div>
      </div>
      <DomainLanes
        domains={model.domains}
        ram={layout.machine.ram}
        scale={scale}
        view={view}
        selection={selection}
        problems={problemsOf(committed)}
        onSelect={selectRegion}
      />
    </section>
  );
  return <LanesContext.Provider value={lanes}>{map}</LanesContext.Provider>;
}
