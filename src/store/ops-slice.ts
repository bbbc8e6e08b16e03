/**
 * The layout-wide operations as store actions: Auto-pack, Fix all and an arch switch that moves
 * the blobs with RAM's base. Each calls the core operation (the same one `guestmap pack` / `fix`
 * runs), replaces the layout in one edit — one undo step — and says what moved, and why, in the
 * notice line. Components only call these.
 *
 * The operations are in the rules chunk (lazy/after-map.ts), loaded after the map's first paint and
 * before any panel that offers them: an action runs at once, or when the chunk is in if called
 * sooner.
 */
import { type Arch, type BlobMove, hex, type Layout, type Unfixed } from "@guestmap/core";
import type { StateCreator } from "zustand";
import { loadRules, type Rules, rulesNow } from "../lazy/after-map";
import { type GuestmapState, undo } from "./store";
import type { Notice } from "./ui-slice";

export type PackOrder = "keep" | "size";

/** The last arch switch that moved blobs: "Keep addresses" undoes it and switches without moving. */
export interface ArchMove {
  readonly arch: Arch;
  /** The layout the switch produced; the offer stands only while it is still the layout. */
  readonly after: Layout;
}

export interface OpsSlice {
  /**
   * Per saved layout (its id), the blob ids Auto-pack leaves where they are (pinned in the
   * Inspector). Kept in localStorage with the other UI preferences; not part of the layout, so
   * exports and share links never carry them.
   */
  readonly pinned: Readonly<Record<string, readonly string[]>>;
  readonly archMove: ArchMove | undefined;
  /** The -M properties each arch had when the user switched away (a switch drops the other family's). */
  readonly propsByArch: Readonly<Partial<Record<Arch, Layout["machine"]["props"]>>>;
  pinToggled(id: string): void;
  /** `minAlign`: a power of two every blob is aligned to at least (2 MiB for Xen's module mappings). */
  autoPacked(order: PackOrder, minAlign?: bigint): void;
  allFixed(): void;
  /** Switches arch; `move` (the default) shifts the blobs with RAM's base and fixes what collides. */
  archSwitched(arch: Arch, move?: boolean): void;
  /** "Keep addresses": undoes the last moving arch switch and switches again without moving. */
  archMoveReverted(): void;
}

const PINS_KEY = "guestmap.pins";

/** The pins of the layout this tab edits. */
export const pinsOf = (s: Pick<GuestmapState, "pinned" | "layoutId">): readonly string[] =>
  s.pinned[s.layoutId] ?? [];

function loadPins(): Record<string, readonly string[]> {
  try {
    const v: unknown = JSON.parse(globalThis.localStorage?.getItem(PINS_KEY) ?? "{}");
    if (!v || typeof v !== "object") return {};
    // Only well-formed entries: a damaged value costs the pins, never the app.
    return Object.fromEntries(
      Object.entries(v).filter(
        (e): e is [string, string[]] => Array.isArray(e[1]) && e[1].every((x) => typeof x === "string"),
      ),
    );
  } catch {
    return {};
  }
}

function savePins(pins: Record<string, readonly string[]>): void {
  try {
    localStorage.setItem(PINS_KEY, JSON.stringify(pins));
  } catch {
    // Full or absent storage: the pins last as long as the tab.
  }
}

function withRules(fn: (rules: Rules) => void): void {
  const rules = rulesNow();
  if (rules) fn(rules);
  else void loadRules().then(fn);
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The notice after an operation: a one-line summary, then each move and each blob left alone. */
function report(
  summary: string,
  moves: readonly BlobMove[],
  left: readonly Unfixed[],
  notes: readonly string[],
  extra: Pick<Notice, "actions"> = {},
): Notice {
  const details = [
    ...moves.filter((m) => m.from !== m.to).map((m) => m.message),
    ...left.map((u) => `${u.name} not moved: ${u.reason}`),
    ...notes,
  ];
  return { kind: left.length > 0 ? "error" : "info", text: summary, details, ...extra };
}

export const createOpsSlice: StateCreator<GuestmapState, [], [], OpsSlice> = (set, get) => ({
  pinned: loadPins(),
  archMove: undefined,
  propsByArch: {},
  pinToggled: (id) =>
    set((s) => {
      const mine = pinsOf(s);
      const pinned = {
        ...s.pinned,
        [s.layoutId]: mine.includes(id) ? mine.filter((p) => p !== id) : [...mine, id],
      };
      savePins(pinned);
      return { pinned };
    }),
  autoPacked: (order, minAlign) =>
    withRules(({ pack }) => {
      // On the layout the map shows: a key move not committed yet is committed first.
      get().keyMovesCommitted();
      const s = get();
      const locked = pinsOf(s).filter((id) =>
        [...s.layout.modules, ...s.layout.loaders].some((b) => b.id === id),
      );
      const r = pack(s.layout, { order, locked, ...(minAlign !== undefined && { minAlign }) });
      const moved = r.moves.filter((m) => m.from !== m.to).length;
      // Nothing moved: no undo step that changes nothing.
      if (moved > 0) s.dispatch({ type: "replaceLayout", layout: r.layout });
      const span = r.span ? ` into [${hex(r.span.start)}, ${hex(r.span.end)})` : "";
      s.noticed(
        report(
          moved === 0 && r.unplaced.length === 0
            ? "Auto-pack: every blob is already packed."
            : `Auto-pack${order === "size" ? " (largest first)" : ""}: ${plural(moved, "blob")} moved${span}${locked.length ? `, ${plural(locked.length, "pinned blob")} kept` : ""}${r.unplaced.length ? `, ${plural(r.unplaced.length, "blob")} left where ${r.unplaced.length === 1 ? "it was" : "they were"}` : ""}. Undo (Ctrl+Z) puts them back.`,
          r.moves,
          r.unplaced,
          r.notes,
        ),
      );
    }),
  allFixed: () =>
    withRules(({ fixAll }) => {
      // On the layout the map shows: a key move not committed yet is committed first.
      get().keyMovesCommitted();
      const s = get();
      const r = fixAll(s.layout);
      s.dispatch({ type: "replaceLayout", layout: r.layout });
      const errs = r.remaining.length;
      s.noticed(
        report(
          `Fix all: ${plural(r.moves.length, "blob")} moved${errs ? `; ${plural(errs, "error")} no move can fix remain (see Diagnostics)` : ""}. Undo (Ctrl+Z) puts them back.`,
          r.moves,
          r.unfixed,
          [],
        ),
      );
    }),
  archSwitched: (arch, move = true) =>
    withRules(({ changeArch }) => {
      // On the layout the map shows: a key move not committed yet is committed first.
      get().keyMovesCommitted();
      const s = get();
      const from = s.layout.machine;
      if (from.arch === arch) return;
      s.cpuRemembered(from.arch, from.cpu);
      set({ propsByArch: { ...s.propsByArch, [from.arch]: from.props } });
      const r = changeArch(s.layout, arch, { moveBlobs: move });
      // Each arch keeps its own -cpu and -M properties: aarch64 → riscv64 → aarch64 gives
      // cortex-a57 and virtualization=on back.
      const cpu = s.cpuByArch[arch];
      const kept = r.layout.machine.props;
      const back = (s.propsByArch[arch] ?? []).filter(([k]) => !kept.some(([q]) => q === k));
      const machine = {
        ...r.layout.machine,
        ...(cpu !== undefined && { cpu }),
        ...(back.length > 0 && { props: [...kept, ...back] }),
      };
      const layout: Layout = { ...r.layout, machine };
      s.dispatch({ type: "replaceLayout", layout });
      const moved = r.moves.length;
      set({ archMove: move && moved > 0 ? { arch, after: get().layout } : undefined });
      if (moved === 0 && r.notes.length === 0) return s.noticed(undefined);
      s.noticed(
        report(
          move
            ? `Switched to ${arch}: ${plural(moved, "blob")} moved with RAM's base${r.remaining.length ? `; ${plural(r.remaining.length, "error")} remain` : ""}.`
            : `Switched to ${arch}; the blobs kept their addresses.`,
          r.moves,
          r.unfixed,
          r.notes,
          move && moved > 0 ? { actions: ["keep-addresses"] } : {},
        ),
      );
    }),
  archMoveReverted: () => {
    // On the layout the map shows: a key move not committed yet is committed first.
    get().keyMovesCommitted();
    const s = get();
    const m = s.archMove;
    set({ archMove: undefined });
    if (!m || s.layout !== m.after) {
      s.noticed({ kind: "error", text: "The layout changed since the arch switch: use Undo to go back." });
      return;
    }
    undo();
    get().archSwitched(m.arch, false);
  },
});
