/**
 * Auto-pack: every guest-loader and loader blob placed collision-free in one operation — each at
 * its alignment, clear of QEMU's own regions and every kernel's BSS, below 4 GiB where a 32-bit
 * cpu needs it, in memory order (or largest first), as low and tight as the free space allows.
 * QEMU's placements are recomputed after packing and the packing repeated until they stand still
 * (RISC-V's packed FDT grows with the modules' /chosen nodes and moves with it).
 */
import type { Layout } from "../model/types.js";
import { type PlacementOptions, placements } from "../qemu/placement.js";
import type { Placement } from "../qemu/region.js";
import { XEN_MAX_MODULES, XEN_RESERVED_MODULES } from "../rules/modules.js";
import { formatSize, hex } from "../util/bigint.js";
import { findSlot, firstCollision, insertTaken, type Taken, takenByBlob, takenIn } from "./free-space.js";
import { type AlignOptions, type MovableBlob, movableBlobs, withAddresses } from "./movable.js";
import { type BlobMove, blobMove, type Unfixed } from "./moves.js";
import { needsLowMemory } from "./quick-fix.js";

export interface PackOptions extends PlacementOptions, AlignOptions {
  /** `keep` (default): the blobs' current memory order; `size`: largest footprint first. */
  readonly order?: "keep" | "size";
  /** Ids of blobs that stay where they are (the others pack around them). */
  readonly locked?: readonly string[];
  /** Keep every blob below 4 GiB; default: only where the cpu is 32-bit (see needsLowMemory). */
  readonly below4G?: boolean;
  /** Where packing starts (default: RAM's start). */
  readonly from?: bigint;
}

export interface PackResult {
  readonly layout: Layout;
  /** One entry per blob placed or locked, in packing order, each with its explanation. */
  readonly moves: readonly BlobMove[];
  /** Blobs left where they were: unknown size, a stanza QEMU rejects, or no room. */
  readonly unplaced: readonly Unfixed[];
  /** Lowest start and highest end of the packed blobs' footprints; undefined with none. */
  readonly span?: { readonly start: bigint; readonly end: bigint };
  /** Things packing cannot change but the user should know (Xen's module table). */
  readonly notes: readonly string[];
  /** The placement of the packed layout, recomputed (QEMU's regions as they end up). */
  readonly placement: Placement;
}

const GiB4 = 1n << 32n;
const MAX_ROUNDS = 4;

function byAddr(a: MovableBlob, b: MovableBlob): number {
  // Blobs without an address (0: QEMU's "unset") go last, in command-line order.
  if (a.addr === 0n || b.addr === 0n) return a.addr === b.addr ? 0 : a.addr === 0n ? 1 : -1;
  return a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0;
}

/** Packs `layout`'s movable blobs; see the file comment. Pure: the input is not changed. */
export function pack(layout: Layout, opts: PackOptions = {}): PackResult {
  const { blobs, unplaceable } = movableBlobs(layout, opts);
  const locked = new Set(opts.locked ?? []);
  const free = blobs.filter((b) => !locked.has(b.id));
  const order =
    opts.order === "size"
      ? [...free].sort((a, b) =>
          a.footprint > b.footprint ? -1 : a.footprint < b.footprint ? 1 : byAddr(a, b),
        )
      : [...free].sort(byAddr);
  const moving = new Set(order.map((b) => b.id));

  let placement = placements(layout, opts);
  let current = layout;
  let addrs = new Map<string, bigint>();
  let why = new Map<string, string>();
  let unplaced: Unfixed[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const taken = takenIn(placement, moving);
    // What stays put (QEMU's regions, locked blobs): what a blob's old place is judged against.
    const fixed = [...taken];
    const low = opts.below4G ?? needsLowMemory(layout, placement);
    const start = opts.from ?? placement.ram[0]?.start ?? 0n;
    addrs = new Map();
    why = new Map();
    unplaced = [];
    let cursor = start;
    let prev: string | undefined;
    for (const b of order) {
      const req = { need: b.footprint, align: b.align, offset: b.offset, ...(low && { limit: GiB4 }) };
      const inOrder = findSlot(taken, placement.ram, { ...req, from: cursor });
      // No room after the previous blob: a gap left lower down still beats not placing it.
      const addr = inOrder ?? findSlot(taken, placement.ram, { ...req, from: start });
      if (addr === undefined) {
        unplaced.push({
          id: b.id,
          name: b.name,
          reason: `no free ${formatSize(b.align)}-aligned place for its ${formatSize(b.footprint)} in RAM${low ? " below 4 GiB" : ""}: give the machine more memory with -m, or remove blobs`,
        });
        continue;
      }
      addrs.set(b.id, addr);
      why.set(
        b.id,
        inOrder === undefined
          ? `out of order: no room after ${prev ?? "the start of RAM"}, so the lowest free place at ${formatSize(b.align)} alignment`
          : explain(b, addr, fixed, taken, placement, prev, cursor),
      );
      insertTaken(taken, takenByBlob(b, addr));
      if (inOrder !== undefined) {
        cursor = addr + b.footprint;
        prev = b.name;
      }
    }
    current = withAddresses(layout, addrs);
    const next = placements(current, opts);
    const stable = sameOwnRegions(placement, next, moving);
    placement = next;
    if (stable) break;
  }

  const moves: BlobMove[] = [];
  for (const b of order) {
    const to = addrs.get(b.id);
    if (to !== undefined) moves.push(blobMove(b.id, b.name, b.addr, to, why.get(b.id)!));
  }
  for (const b of blobs) if (locked.has(b.id)) moves.push(blobMove(b.id, b.name, b.addr, b.addr, "locked"));

  const placed = blobs.filter((b) => addrs.has(b.id) || locked.has(b.id));
  let span: PackResult["span"];
  for (const b of placed) {
    const a = addrs.get(b.id) ?? b.addr;
    const e = a + b.footprint;
    span = span
      ? { start: a < span.start ? a : span.start, end: e > span.end ? e : span.end }
      : { start: a, end: e };
  }
  const notes: string[] = [];
  const limit = XEN_MAX_MODULES - XEN_RESERVED_MODULES;
  if (layout.modules.length > limit)
    notes.push(
      `${layout.modules.length} guest-loader modules: Xen records at most ${limit} besides itself and the DTB, so the last ${layout.modules.length - limit} are ignored whatever their addresses; merge initrds or drop modules`,
    );
  return {
    layout: current,
    moves,
    unplaced: [...unplaceable, ...unplaced],
    ...(span && { span }),
    notes,
    placement,
  };
}

/** Why a blob went where it did: what its old place ran into, else what it now follows. */
function explain(
  b: MovableBlob,
  addr: bigint,
  fixed: readonly Taken[],
  taken: readonly Taken[],
  placement: Placement,
  prev: string | undefined,
  cursor: bigint,
): string {
  if (addr === b.addr) return prev ? `already packed after ${prev}` : "already the lowest free place";
  if (b.addr !== 0n) {
    const hit = firstCollision(fixed, b.addr, b.addr + b.footprint);
    if (hit) return hit.what;
    const inRam = placement.ram.some((r) => b.addr >= r.start && b.addr + b.footprint <= r.end);
    if (!inRam) return "outside RAM";
    if ((((b.addr - b.offset) % b.align) + b.align) % b.align !== 0n)
      return `not ${formatSize(b.align)}-aligned${b.offset ? ` + ${hex(b.offset)}` : ""}`;
  } else {
    return "it had no address";
  }
  const skipped = [
    ...new Set(taken.filter((t) => t.start < addr && t.end > cursor && t.what !== prev).map((t) => t.what)),
  ];
  const past =
    skipped.length > 0 ? `, past ${skipped.slice(0, 3).join(", ")}${skipped.length > 3 ? ", …" : ""}` : "";
  return `${prev ? `packed after ${prev}` : "the lowest free place"} at ${formatSize(b.align)} alignment${past}`;
}

/** Whether QEMU's own regions (everything but the moving blobs) are the same in both. */
function sameOwnRegions(a: Placement, b: Placement, moving: ReadonlySet<string>): boolean {
  const key = (p: Placement) =>
    p.regions
      .filter((r) => !moving.has(r.id))
      .map((r) => `${r.id}@${r.addr}+${r.size}/${r.footprint}`)
      .join(";");
  return key(a) === key(b);
}
