/** The drawn regions: RAM, QEMU's own placements (locked) and the guest-loader blobs. */
import type { Region } from "@guestmap/core";
import { type KeyboardEvent, memo } from "react";
import { useProblem } from "../store/derived";
import { useGuestmap } from "../store/store";
import { addr, human } from "../ui/format";
import { LockIcon } from "../ui/LockIcon";
import { LANES, type Lanes } from "./geometry";
import { type Row, roleLabel } from "./map-model";
import { type Range, type Scale, screenSpan, type View } from "./scale";
import { useLanes } from "./useLanes";

/** The hovered region and where its card goes (client coordinates: the card is position:fixed). */
export interface Hover {
  readonly id: string;
  readonly x: number;
  readonly y: number;
}

export function hoverAt(id: string, e: { clientX: number; currentTarget: Element }): Hover {
  return { id, x: e.clientX, y: e.currentTarget.getBoundingClientRect().bottom };
}

/**
 * A block's screen span in whole px: crisp edges, and an edit elsewhere that shifts a collapsed
 * scale by a fraction of a px leaves this block's span, so it does not re-render (sameBlock).
 */
const span = (scale: Scale, view: View, start: bigint, end: bigint) => {
  const s = screenSpan(scale, view, start, end);
  const left = Math.round(s.left);
  return { left, width: Math.max(2, Math.round(s.left + s.width) - left) };
};

const sameSpan = (
  a: { scale: Scale; view: View },
  b: { scale: Scale; view: View },
  start: bigint,
  end: bigint,
) => {
  const x = span(a.scale, a.view, start, end);
  const y = span(b.scale, b.view, start, end);
  return x.left === y.left && x.width === y.width;
};

export function RamLane({ scale, view, ram }: { scale: Scale; view: View; ram: readonly Range[] }) {
  const lanes = useLanes();
  return (
    <>
      {ram.map((r) => {
        const s = span(scale, view, r.start, r.end);
        return (
          <div
            key={r.start.toString()}
            className="absolute overflow-hidden rounded-sm border border-ram-ink/30 bg-ram px-1 font-mono text-[10px] leading-[12px] whitespace-nowrap text-ram-ink"
            style={{ top: lanes.ram.top, height: lanes.ram.height, left: s.left, width: s.width }}
            title={`RAM [${addr(r.start)}, ${addr(r.end)}) ${human(r.end - r.start)}`}
          >
            <span className="sticky left-0">
              RAM {addr(r.start)} – {addr(r.end)} · {human(r.end - r.start)}
            </span>
          </div>
        );
      })}
    </>
  );
}

export const QemuBlock = memo(function QemuBlock(props: {
  region: Region;
  scale: Scale;
  view: View;
  selected: boolean;
  onSelect(id: string): void;
  onHover(h: Hover | undefined): void;
}) {
  const lanes = useLanes();
  const { region: r, scale, view } = props;
  const s = span(scale, view, r.addr, r.addr + r.size);
  const bss = r.footprint > r.size ? span(scale, view, r.addr + r.size, r.addr + r.footprint) : undefined;
  return (
    <>
      {bss && (
        <BssTail
          id={r.id}
          bytes={r.footprint - r.size}
          lane={lanes.qemu}
          left={bss.left}
          width={bss.width}
          className="border-qemu-ink/40 text-qemu-ink opacity-70"
        />
      )}
      <button
        type="button"
        data-region-id={r.id}
        aria-label={`QEMU ${roleLabel(r)} ${r.name} at ${addr(r.addr)}, ${human(r.size)} (locked)`}
        aria-pressed={props.selected}
        // Locked: nothing to do with it by keyboard, so not a Tab stop (the region table lists it).
        tabIndex={-1}
        onClick={() => props.onSelect(r.id)}
        onFocus={() => props.onSelect(r.id)}
        onPointerEnter={(e) => props.onHover(hoverAt(r.id, e))}
        onPointerLeave={() => props.onHover(undefined)}
        className={`absolute overflow-hidden rounded-[3px] border text-left font-mono text-[10px] leading-tight text-qemu-ink ${
          props.selected ? "border-focus" : "border-qemu-ink/40"
        } bg-qemu`}
        style={{ top: lanes.qemu.top, height: lanes.qemu.height, left: s.left, width: s.width }}
      >
        {s.width > 34 && (
          <span className="block truncate px-1 pt-0.5">
            <LockIcon className="mr-1 opacity-70" />
            {roleLabel(r)}
            {r.role !== "dtb" && r.role !== "bootloader" ? ` ${r.name}` : ""}
          </span>
        )}
        {s.width > 60 && <span className="block truncate px-1 text-qemu-ink">{addr(r.addr)}</span>}
      </button>
    </>
  );
}, sameBlock);

/** A kernel's BSS beyond its file (image_size − file size), hatched after its block in its lane. */
function BssTail(props: {
  id: string;
  bytes: bigint;
  lane: { top: number; height: number };
  left: number;
  width: number;
  className: string;
}) {
  return (
    <div
      aria-hidden
      data-bss-for={props.id}
      className={`hatch pointer-events-none absolute rounded-r-[3px] border border-dashed ${props.className}`}
      style={{
        top: props.lane.top + 6,
        height: props.lane.height - 12,
        left: props.left,
        width: props.width,
      }}
    >
      {props.width > 76 && (
        <span className="absolute right-1 bottom-0 font-mono text-[9px] whitespace-nowrap text-ink/80">
          BSS {human(props.bytes)}
        </span>
      )}
    </div>
  );
}

const KIND_STYLE: Record<string, { bg: string; ink: string; border: string }> = {
  "module-kernel": { bg: "bg-[#2b2657]", ink: "text-[#cfc8ff]", border: "border-kernel" },
  "module-initrd": { bg: "bg-[#0e3b3a]", ink: "text-[#a6f0e6]", border: "border-initrd" },
  loader: { bg: "bg-[#3d2c14]", ink: "text-[#f6d19d]", border: "border-loader" },
};

/** The vertical extent of a blob in the guest-loader lane: its row among the blobs it overlaps. */
export function laneRow(row: Row | undefined, lanes: Lanes = LANES): { top: number; height: number } {
  const rows = row?.rows ?? 1;
  const h = (lanes.user.height - (rows - 1) * 2) / rows;
  return { top: lanes.user.top + (row?.row ?? 0) * (h + 2), height: h };
}

export const UserBlock = memo(function UserBlock(props: {
  region: Region;
  scale: Scale;
  view: View;
  selected: boolean;
  /** Its row among the blobs it overlaps. */
  row: Row | undefined;
  onSelect(id: string): void;
  onHover(h: Hover | undefined): void;
  onKeyDown(e: KeyboardEvent<HTMLButtonElement>, id: string): void;
}) {
  const { region: r, scale, view } = props;
  // The worst diagnostic naming this blob, live during a drag: only blocks whose own changes re-render.
  const problem = useProblem(r.id);
  // Being dragged: drawn where it was as an outline (DragLayer draws it under the pointer); moved
  // by a key and not committed yet: not drawn (DragLayer draws it where it moved), still focused.
  // Its own subscription: a drag's start re-renders this block, not the map.
  const ghost = useGuestmap((s) => (s.drag?.id !== r.id ? undefined : s.drag.key ? "hidden" : "outline"));
  const file = span(scale, view, r.addr, r.addr + r.size);
  const bss = r.footprint > r.size ? span(scale, view, r.addr + r.size, r.addr + r.footprint) : undefined;
  const st = KIND_STYLE[r.role] ?? KIND_STYLE.loader!;
  const kind = roleLabel(r);
  const lane = laneRow(props.row, useLanes());
  const tall = lane.height >= 40;
  return (
    <>
      {bss && !ghost && (
        <BssTail
          id={r.id}
          bytes={r.footprint - r.size}
          lane={lane}
          left={bss.left}
          width={bss.width}
          className={`${st.border} ${st.ink} opacity-80`}
        />
      )}
      <button
        type="button"
        data-blob-id={r.id}
        aria-label={`${r.name}, ${kind} at ${addr(r.addr)}, ${human(r.size)}.${problem ? ` Has ${problem}s, see Diagnostics.` : ""} Arrow keys move, Delete removes, Enter edits.`}
        aria-pressed={props.selected}
        onFocus={() => props.onSelect(r.id)}
        onClick={() => props.onSelect(r.id)}
        onKeyDown={(e) => props.onKeyDown(e, r.id)}
        onPointerEnter={(e) => props.onHover(hoverAt(r.id, e))}
        onPointerLeave={() => props.onHover(undefined)}
        className={`absolute touch-none overflow-hidden rounded-[3px] border-2 text-left font-mono text-[11px] leading-tight ${
          ghost === "hidden"
            ? "opacity-0"
            : ghost
              ? "border-dashed bg-transparent text-muted opacity-60"
              : `${st.bg} ${st.ink}`
        } ${problem === "error" ? "border-bad" : problem === "warning" ? "border-warn" : st.border} ${
          props.selected ? "ring-2 ring-focus/80" : ""
        } cursor-grab`}
        style={{ top: lane.top, height: lane.height, left: file.left, width: file.width }}
      >
        {file.width > 40 && !ghost && <BlockLabel r={r} kind={kind} tall={tall} />}
      </button>
    </>
  );
}, sameBlock);

function BlockLabel({ r, kind, tall }: { r: Region; kind: string; tall: boolean }) {
  return (
    <>
      <bdi className="block truncate px-1.5 pt-0.5 font-semibold">{r.name}</bdi>
      {tall && (
        <span className="block truncate px-1.5 text-[10px]">
          {human(r.size)} · {kind}
        </span>
      )}
      <span className="block truncate px-1.5 text-[10px]">{addr(r.addr)}</span>
    </>
  );
}

/**
 * The blob being dragged, under the pointer: as wide as it was at pointer-down (its width
 * reflects its size, whichever piece of a collapsed scale it crosses), at its would-be address.
 */
export function DraggedBlock(props: {
  region: Region;
  left: number;
  width: number;
  bssWidth: number;
  problem: "error" | "warning" | undefined;
  /** Moved by a key: it has the keyboard focus (its committed block, hidden, holds it). */
  focused?: boolean;
}) {
  const lanes = useLanes();
  const r = props.region;
  const st = KIND_STYLE[r.role] ?? KIND_STYLE.loader!;
  return (
    <div
      aria-hidden
      data-testid="dragged-blob"
      className="pointer-events-none absolute z-10"
      style={{ left: 0, top: 0, transform: `translateX(${props.left}px)` }}
    >
      <div
        className={`absolute overflow-hidden rounded-[3px] border-2 text-left font-mono text-[11px] leading-tight shadow-lg shadow-black/60 ${st.bg} ${st.ink} ${
          props.problem === "error" ? "border-bad" : props.problem === "warning" ? "border-warn" : st.border
        } ${props.focused ? "ring-2 ring-focus/80" : ""}`}
        style={{ top: lanes.user.top, height: lanes.user.height, left: 0, width: Math.max(2, props.width) }}
      >
        {props.width > 40 && <BlockLabel r={r} kind={roleLabel(r)} tall />}
      </div>
      {props.bssWidth > 0 && (
        <BssTail
          id={`${r.id}-drag`}
          bytes={r.footprint - r.size}
          lane={lanes.user}
          left={props.width}
          width={props.bssWidth}
          className={`${st.border} ${st.ink} opacity-80`}
        />
      )}
    </div>
  );
}

/** Blocks re-render only when what they draw changes (a drag recomputes every region object). */
function sameBlock<P extends { region: Region; scale: Scale; view: View; selected: boolean }>(
  a: P,
  b: P,
): boolean {
  const x = a.region;
  const y = b.region;
  return (
    x.id === y.id &&
    x.addr === y.addr &&
    x.size === y.size &&
    x.footprint === y.footprint &&
    x.name === y.name &&
    x.role === y.role &&
    ((a.scale === b.scale && a.view === b.view) ||
      (sameSpan(a, b, x.addr, x.addr + x.size) &&
        (x.footprint <= x.size || sameSpan(a, b, x.addr + x.size, x.addr + x.footprint)))) &&
    a.selected === b.selected &&
    (a as { row?: Row }).row?.row === (b as { row?: Row }).row?.row &&
    (a as { row?: Row }).row?.rows === (b as { row?: Row }).row?.rows
  );
}
