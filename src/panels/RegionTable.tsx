/**
 * Every region as a table beside the map: sortable, start/size/end/bootargs editable in place
 * with the Inspector's validation, a keyboard grid (arrows between cells, Enter edits, Escape
 * cancels, Tab leaves), copy as CSV or Markdown. The selected row is the map's selection.
 */

import { fileSizeProblem, nulProblem } from "@guestmap/core";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import {
  COLUMNS,
  type ColumnKey,
  cellText,
  type RegionRow,
  regionRows,
  rowEnd,
  rowsCsv,
  rowsMarkdown,
  sortRows,
} from "../model/region-rows";
import { usePanelCheck } from "../store/derived";
import { useGuestmap } from "../store/store";
import { button, Panel } from "../ui/Panel";
import { readSize } from "../ui/SizeInput";
import { ALL_ROWS_UP_TO, useRowWindow } from "./row-window";

type Cell = { readonly row: number; readonly col: number };

/** Which cells of a row can be edited. */
function editable(r: RegionRow, key: ColumnKey): boolean {
  if (!r.editable) return false;
  if (key === "start") return true;
  if (key === "end") return r.size !== undefined;
  if (key === "size") return r.sizeEditable;
  if (key === "bootargs") return r.hasBootargs;
  if (key === "kind") return r.kind === "kernel" || r.kind === "initrd";
  return false;
}

/** Applies a cell's text: the edit to dispatch, or why the text cannot be used. */
function commitCell(r: RegionRow, key: ColumnKey, text: string): string | undefined {
  const s = useGuestmap.getState();
  if (key === "kind") {
    if (text !== "kernel" && text !== "initrd")
      return `"${text}": a guest-loader blob is a kernel or an initrd`;
    if (text !== r.kind) s.dispatch({ type: "setKind", id: r.id, kind: text });
    return undefined;
  }
  if (key === "bootargs") {
    const why = nulProblem(text);
    if (why) return why;
    if (text !== (r.bootargs ?? ""))
      s.dispatch({ type: "setBootargs", id: r.id, bootargs: text === "" ? undefined : text });
    return undefined;
  }
  const read = readSize(text, key === "size" ? fileSizeProblem : undefined);
  if (read.error !== undefined) return read.error;
  const v = read.value;
  if (key === "start") s.dispatch({ type: "moveBlob", id: r.id, addr: v });
  else if (key === "end") {
    const size = r.size ?? 0n;
    if (v < size)
      return `"${text.trim()}": the end is below the blob's size (${cellText(r, "size")}); type an end of at least that`;
    s.dispatch({ type: "moveBlob", id: r.id, addr: v - size });
  } else if (key === "size") s.dispatch({ type: "setBlobFile", id: r.id, file: { path: r.name, size: v } });
  return undefined;
}

export function RegionTable() {
  const { layout, placement, diagnostics } = usePanelCheck();
  const selection = useGuestmap((s) => s.selection);
  const [sort, setSort] = useState<{ key: ColumnKey; desc: boolean }>({ key: "start", desc: false });
  const rows = useMemo(
    () => sortRows(regionRows(layout, placement, diagnostics), sort.key, sort.desc),
    [layout, placement, diagnostics, sort],
  );
  const [cursor, setCursor] = useState<Cell>({ row: 0, col: 0 });
  const [editing, setEditing] = useState<Editing>();
  const [copied, setCopied] = useState<string>();
  const table = useRef<HTMLTableElement>(null);
  // Where keyboard focus should go after the next render (the grid moved or an edit ended).
  const refocus = useRef(false);

  const row = Math.min(cursor.row, rows.length - 1);
  const current = rows[row];
  const key = COLUMNS[cursor.col]!.key;
  const drawn = useRowWindow(table, rows.length, row);
  const windowed = rows.length > ALL_ROWS_UP_TO;

  // The map selected a blob: the cursor follows it (and the row scrolls into view).
  useEffect(() => {
    const i = rows.findIndex((r) => r.id === selection);
    if (i >= 0 && rows[row]?.id !== selection) setCursor((c) => ({ row: i, col: c.col }));
  }, [selection, rows, row]);

  // Scrolls only when the cursor moved (or focus must follow): scrollIntoView forces a layout of
  // the whole page, which after each arrow-key move of a blob cost 10–15 ms at 500 rows.
  const scrolledTo = useRef<string>(undefined);
  useEffect(() => {
    const cell = `${row}:${cursor.col}`;
    const el = table.current?.querySelector<HTMLElement>(`[data-cell="${cell}"]`);
    if (scrolledTo.current !== cell || refocus.current) {
      scrolledTo.current = cell;
      el?.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    if (refocus.current) {
      refocus.current = false;
      (el?.querySelector<HTMLElement>("input, select") ?? el)?.focus();
    }
  });

  const move = (r: number, c: number) => {
    const nr = Math.max(0, Math.min(rows.length - 1, r));
    const nc = Math.max(0, Math.min(COLUMNS.length - 1, c));
    refocus.current = true;
    setCursor({ row: nr, col: nc });
    const id = rows[nr]?.id;
    if (id && id !== selection) useGuestmap.getState().selected(id);
  };

  const startEdit = () => {
    if (!current || !editable(current, key)) return;
    refocus.current = true;
    setEditing({ draft: cellText(current, key) === "unknown" ? "" : cellText(current, key) });
  };

  const finishEdit = (apply: boolean) => {
    if (!editing || !current) return;
    if (apply) {
      const error = commitCell(current, key, editing.draft);
      if (error) return setEditing({ ...editing, error });
    }
    setEditing(undefined);
    refocus.current = true;
  };

  // One object whose functions read this render's state: rows compare equal across renders, so a
  // drag that moves one blob re-renders one row, not 500.
  const api = useRef<RowApi>(undefined as unknown as RowApi);
  api.current = {
    focused: (i, j, id) => {
      if (i !== row || j !== cursor.col) setCursor({ row: i, col: j });
      if (id !== useGuestmap.getState().selection) useGuestmap.getState().selected(id);
    },
    doubleClicked: (i, j, r, text) => {
      setCursor({ row: i, col: j });
      if (editable(r, COLUMNS[j]!.key)) {
        refocus.current = true;
        setEditing({ draft: text === "unknown" ? "" : text });
      }
    },
    drafted: (draft) => setEditing({ draft }),
    finished: finishEdit,
  };

  const onGridKey = (e: React.KeyboardEvent) => {
    if (editing) return;
    const k = e.key;
    const to: Record<string, Cell> = {
      ArrowUp: { row: row - 1, col: cursor.col },
      ArrowDown: { row: row + 1, col: cursor.col },
      ArrowLeft: { row, col: cursor.col - 1 },
      ArrowRight: { row, col: cursor.col + 1 },
      Home: { row: e.ctrlKey ? 0 : row, col: 0 },
      End: { row: e.ctrlKey ? rows.length - 1 : row, col: COLUMNS.length - 1 },
      PageUp: { row: row - 10, col: cursor.col },
      PageDown: { row: row + 10, col: cursor.col },
    };
    const t = to[k];
    if (t) {
      e.preventDefault();
      move(t.row, t.col);
    } else if (k === "Enter" || k === "F2") {
      e.preventDefault();
      startEdit();
    }
  };

  const copy = async (what: "CSV" | "Markdown") => {
    await navigator.clipboard.writeText(what === "CSV" ? rowsCsv(rows) : rowsMarkdown(rows));
    setCopied(what);
    setTimeout(() => setCopied(undefined), 1500);
  };

  return (
    <Panel
      id="regions-title"
      title="Regions"
      actions={
        <>
          <button type="button" className={button} onClick={() => copy("CSV")}>
            {copied === "CSV" ? "Copied ✓" : "Copy CSV"}
          </button>
          <button type="button" className={button} onClick={() => copy("Markdown")}>
            {copied === "Markdown" ? "Copied ✓" : "Copy Markdown"}
          </button>
        </>
      }
    >
      <table
        ref={table}
        // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: WAI-ARIA's data grid pattern is a table with role=grid
        role="grid"
        aria-labelledby="regions-title"
        aria-describedby="regions-help"
        data-testid="region-table"
        // Rows far from view are left out of the DOM (row-window.ts): say how many there are.
        aria-rowcount={windowed ? rows.length + 1 : undefined}
        className="w-full border-collapse font-mono text-[11.5px]"
        onKeyDown={onGridKey}
      >
        <thead className="sticky top-0 bg-panel">
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.key}
                scope="col"
                aria-sort={sort.key === c.key ? (sort.desc ? "descending" : "ascending") : "none"}
                className="border-b border-line px-1 py-0.5 text-left font-sans text-[11px] font-normal whitespace-nowrap text-muted"
              >
                <button
                  type="button"
                  className="hover:text-ink"
                  onClick={() => setSort((s) => ({ key: c.key, desc: s.key === c.key ? !s.desc : false }))}
                >
                  {c.title}
                  <span aria-hidden>{sort.key === c.key ? (sort.desc ? " ▾" : " ▴") : ""}</span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {drawn.first > 0 && <Spacer height={drawn.first * drawn.rowPx} />}
          {rows.slice(drawn.first, drawn.last).map((r, k) => {
            const i = drawn.first + k;
            return (
              <TableRow
                key={r.id}
                r={r}
                i={i}
                windowed={windowed}
                activeCol={i === row ? cursor.col : -1}
                selected={r.id === selection}
                editing={i === row ? editing : undefined}
                api={api}
              />
            );
          })}
          {drawn.last < rows.length && <Spacer height={(rows.length - drawn.last) * drawn.rowPx} />}
        </tbody>
      </table>
      <p id="regions-help" className="mt-1 font-sans text-[11px] text-muted">
        Arrows move between cells, Enter edits kind, start, size, end or bootargs, Escape cancels. QEMU's own
        regions are read-only.
      </p>
    </Panel>
  );
}

interface RowApi {
  focused(i: number, j: number, id: string): void;
  doubleClicked(i: number, j: number, r: RegionRow, text: string): void;
  drafted(draft: string): void;
  finished(apply: boolean): void;
}

type Editing = { draft: string; error?: string } | undefined;

const sameRow = (a: RegionRow, b: RegionRow) =>
  a.id === b.id &&
  a.name === b.name &&
  a.kind === b.kind &&
  a.start === b.start &&
  a.size === b.size &&
  a.bootargs === b.bootargs &&
  a.alignment === b.alignment &&
  a.status === b.status &&
  a.sizeEditable === b.sizeEditable;

const TableRow = memo(
  function TableRow(props: {
    r: RegionRow;
    i: number;
    /** Only some rows are drawn: each says where it is (the header is row 1). */
    windowed: boolean;
    /** The cursor's column when the cursor is in this row, else -1. */
    activeCol: number;
    selected: boolean;
    editing: Editing;
    api: { readonly current: RowApi };
  }) {
    const { r, i, activeCol, editing, api } = props;
    return (
      <tr
        aria-rowindex={props.windowed ? i + 2 : undefined}
        aria-selected={props.selected}
        data-row-id={r.id}
        className={`${props.selected ? "bg-kernel/20" : ""} ${r.editable ? "" : "text-muted"}`}
      >
        {COLUMNS.map((c, j) => {
          const active = j === activeCol;
          const isEditing = active && editing !== undefined;
          const text = c.key === "end" && rowEnd(r) === undefined ? "unknown" : cellText(r, c.key);
          return (
            <td
              key={c.key}
              // biome-ignore lint/a11y/noNoninteractiveElementToInteractiveRole: a cell of the data grid
              role="gridcell"
              data-cell={`${i}:${j}`}
              // A roving tab stop: the grid is one Tab stop, arrows move inside it.
              tabIndex={active && !isEditing ? 0 : -1}
              aria-readonly={!editable(r, c.key)}
              className={`max-w-[16rem] truncate border-b border-line/50 px-1 py-0.5 whitespace-nowrap outline-none focus:outline-2 focus:-outline-offset-2 focus:outline-focus ${c.key === "status" ? statusClass(r) : ""}`}
              title={text}
              onFocus={() => api.current.focused(i, j, r.id)}
              onDoubleClick={() => api.current.doubleClicked(i, j, r, text)}
            >
              {isEditing ? (
                <CellEditor
                  label={`${c.title} of ${r.name}`}
                  options={c.key === "kind" ? KINDS : undefined}
                  draft={editing.draft}
                  error={editing.error}
                  onDraft={(d) => api.current.drafted(d)}
                  onDone={(apply) => api.current.finished(apply)}
                />
              ) : (
                text
              )}
            </td>
          );
        })}
      </tr>
    );
  },
  (a, b) =>
    sameRow(a.r, b.r) &&
    a.i === b.i &&
    a.windowed === b.windowed &&
    a.activeCol === b.activeCol &&
    a.selected === b.selected &&
    a.editing === b.editing,
);

/** Stands for the rows not drawn, so the scroll box keeps its height. */
function Spacer({ height }: { height: number }) {
  return (
    <tr aria-hidden>
      <td colSpan={COLUMNS.length} style={{ height, padding: 0, border: 0 }} />
    </tr>
  );
}

function statusClass(r: RegionRow): string {
  return r.severity === "error" ? "text-bad" : r.severity === "warning" ? "text-warn" : "";
}

const KINDS = ["kernel", "initrd"] as const;

function CellEditor(props: {
  label: string;
  /** A choice instead of text (a module's kind). */
  options?: readonly string[] | undefined;
  draft: string;
  error: string | undefined;
  onDraft(d: string): void;
  onDone(apply: boolean): void;
}) {
  // Escape unmounts the field, which may blur it: that blur must not apply the text.
  const done = useRef(false);
  const finish = (apply: boolean) => {
    if (done.current) return;
    if (!apply) done.current = true;
    props.onDone(apply);
  };
  const keys = (e: React.KeyboardEvent) => {
    e.stopPropagation();
    if (e.key === "Enter") {
      e.preventDefault();
      finish(true);
    } else if (e.key === "Escape") {
      e.preventDefault();
      finish(false);
    }
  };
  if (props.options)
    return (
      <select
        aria-label={props.label}
        className="h-5 rounded border border-focus bg-bg px-1 font-mono text-[11.5px] text-ink"
        value={props.draft}
        onChange={(e) => props.onDraft(e.target.value)}
        onKeyDown={keys}
        onBlur={() => finish(true)}
      >
        {props.options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    );
  return (
    <span className="flex flex-col">
      <input
        aria-label={props.label}
        aria-invalid={props.error !== undefined}
        aria-describedby={props.error ? "region-cell-err" : undefined}
        className="h-5 w-full min-w-32 rounded border border-focus bg-bg px-1 font-mono text-[11.5px] text-ink aria-[invalid=true]:border-bad"
        value={props.draft}
        spellCheck={false}
        onChange={(e) => props.onDraft(e.target.value)}
        onKeyDown={keys}
        // Leaving the cell applies the text, as the Inspector's fields do; invalid text stays shown.
        onBlur={() => finish(true)}
      />
      {props.error && (
        <span id="region-cell-err" role="alert" className="font-sans text-[11px] whitespace-normal text-bad">
          {props.error}
        </span>
      )}
    </span>
  );
}
