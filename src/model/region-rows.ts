/**
 * The region table's rows: every blob the user places (editable) and every region QEMU places
 * itself (read-only), with alignment and the worst diagnostic naming it; sorting, and the table
 * as CSV (RFC 4180) and Markdown for pasting into a ticket. Pure: no React, no store.
 */
import {
  type Diagnostic,
  formatSize,
  hex,
  type Layout,
  moduleFile,
  moduleKind,
  movableBlobs,
  type Placement,
} from "@guestmap/core";

export type ColumnKey = "name" | "kind" | "start" | "size" | "end" | "bootargs" | "status";

export interface RegionRow {
  readonly id: string;
  readonly name: string;
  /** `kernel`, `initrd`, `loader`, or QEMU's role (`QEMU DTB`, `QEMU boot stub`, …). */
  readonly kind: string;
  readonly start: bigint;
  /** Bytes loaded; undefined for a placeholder whose size is not known yet. */
  readonly size: bigint | undefined;
  readonly bootargs: string | undefined;
  /** `2 MiB`, `2 MiB + 0x80000`; empty for QEMU's regions. */
  readonly alignment: string;
  /** `ok`, or the worst diagnostic naming the region: `error: overlap`. */
  readonly status: string;
  readonly severity: "ok" | Diagnostic["severity"];
  /** False for QEMU's own regions: shown, never edited. */
  readonly editable: boolean;
  /** A kernel module: its bootargs can be edited. */
  readonly hasBootargs: boolean;
  /** Bytes known only as a size typed by the user (no file bound): the size can be edited. */
  readonly sizeEditable: boolean;
}

export const COLUMNS: readonly { readonly key: ColumnKey; readonly title: string }[] = [
  { key: "name", title: "Name" },
  { key: "kind", title: "Kind" },
  { key: "start", title: "Start" },
  { key: "size", title: "Size" },
  { key: "end", title: "End" },
  { key: "bootargs", title: "bootargs" },
  { key: "status", title: "Align · status" },
];

const RANK = { error: 3, warning: 2, info: 1, ok: 0 } as const;

/** QEMU's role in words, as the map's labels say it. */
const QEMU_ROLE: Record<string, string> = {
  bootloader: "boot stub",
  firmware: "firmware",
  kernel: "-kernel",
  initrd: "-initrd",
  dtb: "DTB",
};

export function regionRows(
  layout: Layout,
  placement: Placement,
  diagnostics: readonly Diagnostic[],
): RegionRow[] {
  const worst = new Map<string, Diagnostic>();
  // Notes (info) are not problems: a row with only notes is "ok".
  for (const d of diagnostics)
    if (d.severity !== "info")
      for (const id of d.regions) {
        const w = worst.get(id);
        if (!w || RANK[d.severity] > RANK[w.severity]) worst.set(id, d);
      }
  const status = (id: string) => {
    const d = worst.get(id);
    return d
      ? { status: `${d.severity}: ${d.code}`, severity: d.severity }
      : { status: "ok", severity: "ok" as const };
  };
  const align = new Map(
    movableBlobs(layout).blobs.map((b) => [
      b.id,
      `${formatSize(b.align)}${b.offset ? ` + ${hex(b.offset)}` : ""}`,
    ]),
  );
  const rows: RegionRow[] = [];
  for (const m of layout.modules) {
    const f = moduleFile(m);
    const kind = moduleKind(m) ?? "initrd";
    rows.push({
      id: m.id,
      name: f?.path ?? "(no file)",
      kind,
      start: m.addr,
      size: f?.size,
      bootargs: m.bootargs,
      alignment: align.get(m.id) ?? "",
      ...status(m.id),
      editable: true,
      hasBootargs: kind === "kernel",
      sizeEditable: f?.sha256 === undefined,
    });
  }
  for (const l of layout.loaders)
    rows.push({
      id: l.id,
      name: l.file.path,
      kind: "loader",
      start: l.addr,
      size: l.file.size,
      bootargs: undefined,
      alignment: align.get(l.id) ?? "4 KiB",
      ...status(l.id),
      editable: true,
      hasBootargs: false,
      sizeEditable: l.file.sha256 === undefined,
    });
  const user = new Set(rows.map((r) => r.id));
  for (const r of placement.regions) {
    // A loader's ELF segments and Intel HEX blocks belong to its row.
    if (user.has(r.id) || r.role === "loader-data" || r.role.startsWith("module-") || r.role === "loader")
      continue;
    rows.push({
      id: r.id,
      name: r.name,
      kind: `QEMU ${r.role === "bootloader" && r.mem === "rom" ? "MROM" : (QEMU_ROLE[r.role] ?? r.role)}`,
      start: r.addr,
      size: r.size,
      bootargs: undefined,
      alignment: "",
      ...status(r.id),
      editable: false,
      hasBootargs: false,
      sizeEditable: false,
    });
  }
  return rows;
}

export const rowEnd = (r: RegionRow): bigint | undefined =>
  r.size === undefined ? undefined : r.start + r.size;

function cmpBig(a: bigint | undefined, b: bigint | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  return a < b ? -1 : 1;
}

/** Rows sorted by one column (stable; ties by start address); `desc` reverses. */
export function sortRows(rows: readonly RegionRow[], key: ColumnKey, desc: boolean): RegionRow[] {
  const by = (a: RegionRow, b: RegionRow): number => {
    switch (key) {
      case "start":
        return cmpBig(a.start, b.start);
      case "size":
        return cmpBig(a.size, b.size);
      case "end":
        return cmpBig(rowEnd(a), rowEnd(b));
      case "status":
        return RANK[b.severity] - RANK[a.severity] || a.status.localeCompare(b.status);
      default:
        return (a[key] ?? "").localeCompare(b[key] ?? "");
    }
  };
  return [...rows].sort((a, b) => (desc ? -1 : 1) * by(a, b) || cmpBig(a.start, b.start));
}

/** The text of a cell, as shown and as copied. */
export function cellText(r: RegionRow, key: ColumnKey): string {
  switch (key) {
    case "start":
      return hex(r.start);
    case "size":
      return r.size === undefined ? "unknown" : hex(r.size);
    case "end": {
      const e = rowEnd(r);
      return e === undefined ? "unknown" : hex(e);
    }
    case "bootargs":
      return r.bootargs ?? "";
    case "status":
      return r.alignment ? `${r.alignment} · ${r.status}` : r.status;
    default:
      return r[key];
  }
}

const csvField = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** CSV with a header row; alignment and status in columns of their own. */
export function rowsCsv(rows: readonly RegionRow[]): string {
  const head = ["name", "kind", "start", "size", "end", "bootargs", "alignment", "status"];
  const lines = rows.map((r) =>
    [
      r.name,
      r.kind,
      cellText(r, "start"),
      cellText(r, "size"),
      cellText(r, "end"),
      r.bootargs ?? "",
      r.alignment,
      r.status,
    ]
      .map(csvField)
      .join(","),
  );
  return `${[head.join(","), ...lines].join("\r\n")}\r\n`;
}

const mdCell = (s: string) => s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

/** A GitHub-flavoured Markdown table; addresses in code spans so they stay monospaced. */
export function rowsMarkdown(rows: readonly RegionRow[]): string {
  const head = ["name", "kind", "start", "size", "end", "bootargs", "alignment", "status"];
  const code = (s: string) => (s === "" || s === "unknown" ? s : `\`${s}\``);
  const lines = rows.map(
    (r) =>
      `| ${[
        mdCell(r.name),
        mdCell(r.kind),
        code(cellText(r, "start")),
        code(cellText(r, "size")),
        code(cellText(r, "end")),
        r.bootargs ? mdCell(r.bootargs) : "",
        mdCell(r.alignment),
        mdCell(r.status),
      ].join(" | ")} |`,
  );
  return `${[`| ${head.join(" | ")} |`, `|${head.map(() => " --- ").join("|")}|`, ...lines].join("\n")}\n`;
}
