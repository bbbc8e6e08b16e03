/** What the map draws, derived from the core's placement and diagnostics. Pure. */
import {
  type CheckResult,
  type Diagnostic,
  domainModules,
  isUserRole,
  type Layout,
  moduleFile,
  type Region,
} from "@guestmap/core";
import type { Occupied, Range } from "./scale";

export interface MapModel {
  readonly domain: Range;
  /** Ranges that get their own width in the collapsed scale. */
  readonly occupied: readonly Occupied[];
  readonly ram: readonly Range[];
  readonly qemu: readonly Region[];
  readonly user: readonly Region[];
  /** Where each guest-loader blob sits in its lane: overlapping blobs side by side, not on top of each other. */
  readonly rows: ReadonlyMap<string, Row>;
  /** Xen dom0less domains, each drawn in its own lane with its blobs (not in the guest-loader lane). */
  readonly domains: readonly DomainLane[];
  /** Modules without a known size or address (placeholders): drawn as markers. */
  readonly placeholders: readonly { id: string; addr: bigint; name: string }[];
  /** Exact byte ranges of collisions (overlap, bss-overlap), red on the map. */
  readonly collisions: readonly Collision[];
}

export type Collision = Range & {
  severity: Diagnostic["severity"];
  code: string;
  regions: readonly string[];
};

/** The collisions among diagnostics: the byte ranges of `overlap` and `bss-overlap`. */
export function collisionsIn(diagnostics: readonly Diagnostic[]): Collision[] {
  return diagnostics
    .filter(
      (d) =>
        (d.code === "overlap" || d.code === "bss-overlap") && d.start !== undefined && d.end !== undefined,
    )
    .map((d) => ({ start: d.start!, end: d.end!, severity: d.severity, code: d.code, regions: d.regions }));
}

/** A blob's row in its lane: `row` of `rows` rows its cluster of overlapping blobs needs. */
export interface Row {
  readonly row: number;
  readonly rows: number;
}

/**
 * Rows for blobs that overlap (their file bytes or a kernel's BSS): each cluster of overlapping
 * blobs gets as many rows as it has blobs over one byte, each blob the first row free at its
 * start, so every blob stays visible and clickable. Sorted sweep: O(n log n).
 */
export function stackRows(regions: readonly Region[]): Map<string, Row> {
  const sorted = [...regions].sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
  const out = new Map<string, Row>();
  let cluster: { id: string; row: number }[] = [];
  let rowEnds: bigint[] = [];
  let clusterEnd = -1n;
  const close = () => {
    for (const c of cluster) out.set(c.id, { row: c.row, rows: rowEnds.length });
    cluster = [];
    rowEnds = [];
  };
  for (const r of sorted) {
    const end = r.addr + (r.footprint > r.size ? r.footprint : r.size);
    if (r.addr >= clusterEnd) close();
    let row = rowEnds.findIndex((e) => e <= r.addr);
    if (row < 0) row = rowEnds.length;
    rowEnds[row] = end;
    cluster.push({ id: r.id, row });
    if (end > clusterEnd) clusterEnd = end;
  }
  close();
  return out;
}

export interface DomainLane {
  readonly name: string;
  readonly memory: bigint;
  readonly cpus: number;
  readonly vpl011: boolean;
  readonly regions: readonly Region[];
}

/** The nominal extent of a placeholder (a blob of unknown size) on the map. */
export const PLACEHOLDER_SPAN = 0x1000n;

/** A kernel's BSS tail gets this share of the width a file of its length would (it is not file bytes). */
const BSS_WEIGHT = 0.5;

/** A blob the user placed and can drag (the core's user roles). */
export function isUserRegion(r: Region): boolean {
  // A loader's ELF segments and Intel HEX blocks (`l1#2`) sit where the file says: not draggable.
  return isUserRole(r.role) && !r.id.includes("#");
}

export function mapModel(result: CheckResult, layout: Layout): MapModel {
  const { placement, diagnostics } = result;
  const regions = placement.regions;
  const ownerOf = new Map(domainModules(layout).map((d) => [d.module.id, d.domain.name]));
  const domainIds = new Set(ownerOf.keys());
  const placed = new Set(regions.map((r) => r.id));
  const ram = placement.ram.map((r) => ({ start: r.start, end: r.end }));
  let lo = ram[0]?.start ?? 0n;
  let hi = ram[ram.length - 1]?.end ?? 1n;
  for (const r of regions) {
    if (r.addr < lo) lo = r.addr;
    const end = r.addr + (r.footprint > r.size ? r.footprint : r.size);
    if (end > hi) hi = end;
  }
  const placeholders = [
    ...layout.modules.map((m) => ({
      id: m.id,
      addr: m.addr,
      name: moduleFile(m)?.path ?? "(no file)",
    })),
    ...layout.loaders.map((l) => ({ id: l.id, addr: l.addr, name: l.file.path })),
  ].filter((p) => !placed.has(p.id));
  for (const p of placeholders) {
    if (p.addr < lo) lo = p.addr;
    if (p.addr + PLACEHOLDER_SPAN > hi) hi = p.addr + PLACEHOLDER_SPAN;
  }
  const occupied: Occupied[] = [
    // The file and a kernel's BSS beyond it are separate ranges, so the collapsed scale gives the
    // file its own width (a 625 KiB Xen with a 2 MiB footprint was a 25 px sliver, unlabelled).
    ...regions.flatMap((r) =>
      r.footprint > r.size
        ? [
            { start: r.addr, end: r.addr + r.size },
            { start: r.addr + r.size, end: r.addr + r.footprint, weight: BSS_WEIGHT },
          ]
        : [{ start: r.addr, end: r.addr + r.size }],
    ),
    // A placeholder has no size yet: a nominal page gives it its own room on the collapsed scale.
    ...placeholders.map((p) => ({ start: p.addr, end: p.addr + PLACEHOLDER_SPAN })),
  ];
  const collisions = collisionsIn(diagnostics);
  const user = regions.filter((r) => isUserRegion(r) && !domainIds.has(r.id));
  return {
    domain: { start: lo, end: hi },
    occupied,
    ram,
    qemu: regions.filter((r) => !isUserRegion(r)),
    user,
    rows: stackRows(user),
    domains: (layout.domains ?? []).map((d) => ({
      name: d.name,
      memory: d.memory,
      cpus: d.cpus,
      vpl011: d.vpl011,
      regions: regions.filter((r) => ownerOf.get(r.id) === d.name),
    })),
    placeholders,
    collisions,
  };
}

const models = new WeakMap<CheckResult & { layout: Layout }, MapModel>();

/** `mapModel` of a check result, computed once per result (the map and its live layer share it). */
export function mapModelOf(result: CheckResult & { layout: Layout }): MapModel {
  let m = models.get(result);
  if (!m) {
    m = mapModel(result, result.layout);
    models.set(result, m);
  }
  return m;
}

/** QEMU's name for a region role, as the map labels it. */
export function roleLabel(r: Region): string {
  switch (r.role) {
    case "bootloader":
      return r.mem === "rom" ? "MROM" : "boot stub";
    case "firmware":
      return "firmware";
    case "kernel":
      return "-kernel";
    case "initrd":
      return "-initrd";
    case "dtb":
      return "DTB";
    case "module-kernel":
      return "kernel";
    case "module-initrd":
      return "initrd";
    case "loader":
      return "loader";
    case "loader-data":
      return "loader data";
  }
}
