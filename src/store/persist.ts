/**
 * What survives a reload, and what several tabs share: every saved layout with its name, view and
 * undo history, in IndexedDB (io/state-db.ts). The store is restored before the app renders and
 * saved after each change, coalesced and off the interaction path. Nothing stored is ever
 * overwritten without a word: state that cannot be read (corrupt, or of another storage version)
 * is backed up under a key of its own, the app starts a new layout and says so; a failed write
 * keeps everything in this tab and offers the layout JSON.
 */
import { type Layout, serializeLayout as serializeFresh } from "@guestmap/core";
import { storageError } from "../io/file-store";
import { withHeads } from "../io/heads";
import {
  allKeys,
  backUp,
  dropKeys,
  type IndexRecord,
  isRecord,
  type LayoutRecord,
  readIndex,
  readLayoutRecord,
  readSnapshots,
  STORAGE_VERSION,
  snapKey,
  writeState,
} from "../io/state-db";
import { loadLayoutParser } from "../lazy/load";
import { FIT } from "../map/scale";
import { applyEdits, type Edit } from "../model/edits";
import type { TrustedArgs } from "../model/trust-args";
import { DEFAULT_SAMPLE } from "../samples/samples";
import { pendingEdits, restoreEdits, takeEdits } from "./edit-log";
import { type GuestmapState, useGuestmap } from "./store";
import type { LayoutEntry, Notice, ScaleMode, UntrustedArgs } from "./ui-slice";

/**
 * A layout's JSON, once per layout object (layouts are immutable): the journal, the snapshot, the
 * message to other tabs and the "do the edits explain it" test all print the same layout after an
 * edit, each 1–2 ms at 500 blobs.
 */
const texts = new WeakMap<Layout, string>();
function serializeLayout(layout: Layout): string {
  let t = texts.get(layout);
  if (t === undefined) {
    t = serializeFresh(layout);
    texts.set(layout, t);
  }
  return t;
}

/** This tab: its snapshots are named after it, so two tabs never write the same key. */
const TAB = Math.random().toString(36).slice(2, 8);
/** The snapshot key of each layout object this tab wrote or read (written once). */
const snapOf = new WeakMap<Layout, string>();
let seq = 0;
/** The snapshot keys of the record this tab last wrote, to drop those no longer used. */
let written = new Set<string>();

/** How many undo steps survive a reload (all of them stay in the tab, up to UNDO_LIMIT). */
export const SAVED_UNDO_STEPS = 50;

const newId = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;

/** The pre-IndexedDB save (zustand persist in localStorage): migrated once, then kept as a backup. */
const LEGACY_KEY = "guestmap";
const LEGACY_BACKUP_KEY = "guestmap.v1-backup";
/** The last change of a tab that closed before IndexedDB had it (see `leaving`). */
const UNSAVED_KEY = "guestmap.unsaved";

interface Unsaved {
  readonly id: string;
  readonly name: string;
  readonly layout: string;
  /** When the change was made (see `changedAt`): newer than the saved record's means unsaved. */
  readonly at: number;
}

/** When this tab last changed the layout or its name (ms, strictly increasing). */
let changedAt = 0;
const stamp = () => {
  changedAt = Math.max(Date.now(), changedAt + 1);
  return changedAt;
};

function journalEntry(): Unsaved | undefined {
  try {
    const u = JSON.parse(globalThis.localStorage?.getItem(UNSAVED_KEY) ?? "null") as Unsaved | null;
    return u && typeof u.id === "string" && typeof u.layout === "string" && typeof u.at === "number"
      ? u
      : undefined;
  } catch {
    return undefined;
  }
}

const unsavedId = () => journalEntry()?.id;

/**
 * The journalled change, when it belongs to `loaded` and is newer than what was saved: the layout
 * as it was left, one undo step after the saved one.
 */
/** parseLayoutJson, loaded on first use (it brings zod; see lazy/load.ts). */
async function parseLayout(text: string, source: string): Promise<Layout> {
  return (await loadLayoutParser()).parseLayoutJson(text, source);
}

async function withUnsaved(loaded: Loaded, savedAt: number): Promise<Loaded> {
  const raw = globalThis.localStorage?.getItem(UNSAVED_KEY);
  if (!raw) return loaded;
  try {
    const u = JSON.parse(raw) as Unsaved;
    if (u.id !== loaded.id || !(u.at > savedAt)) return loaded;
    changedAt = Math.max(changedAt, u.at);
    const [present] = await withHeads([await parseLayout(u.layout, "the last change")]);
    const name = typeof u.name === "string" ? u.name : loaded.name;
    if (serializeLayout(present!) === serializeLayout(loaded.present)) return { ...loaded, name };
    return { ...loaded, name, present: present!, past: [...(loaded.past ?? []), loaded.present], future: [] };
  } catch {
    return loaded;
  }
}

interface Loaded {
  readonly id: string;
  readonly name: string;
  readonly present: Layout;
  readonly past?: readonly Layout[];
  readonly future?: readonly Layout[];
  readonly scaleMode?: ScaleMode;
  readonly untrusted?: UntrustedArgs;
  readonly trustedArgs?: TrustedArgs;
  readonly cpuByArch?: GuestmapState["cpuByArch"];
  /** The `changedAt` of the saved record. */
  readonly savedAt?: number;
}

/** Puts a layout and its history in the store: not an undo step, nothing selected, the map fitted. */
function install(l: Loaded, layouts: readonly LayoutEntry[], notice?: Notice): void {
  base = l.present;
  takeEdits();
  const t = useGuestmap.temporal.getState();
  t.pause();
  useGuestmap.setState({
    layout: l.present,
    layoutId: l.id,
    layoutName: l.name,
    layouts: withEntry(layouts, { id: l.id, name: l.name }),
    scaleMode: l.scaleMode ?? "collapsed",
    untrusted: l.untrusted,
    // Only this browser's own record of the switch: a new layout (a share link) starts untrusted.
    trustedArgs: l.trustedArgs,
    cpuByArch: l.cpuByArch ?? {},
    selection: undefined,
    drag: undefined,
    view: FIT,
    ...(notice && { notice }),
  });
  t.resume();
  useGuestmap.temporal.setState({
    pastStates: (l.past ?? []).map((layout) => ({ layout })),
    futureStates: (l.future ?? []).map((layout) => ({ layout })),
  });
}

const withEntry = (layouts: readonly LayoutEntry[], e: LayoutEntry): LayoutEntry[] =>
  layouts.some((x) => x.id === e.id) ? layouts.map((x) => (x.id === e.id ? e : x)) : [...layouts, e];

const example = (): Loaded => ({ id: newId(), name: "Xen example", present: DEFAULT_SAMPLE.layout });

const oneLine = (e: unknown) => ((e as Error)?.message ?? String(e)).split("\n").slice(0, 3).join(" ");

/** Reads a saved layout record and its snapshots; throws with what is wrong. */
async function readLayout(id: string, entry: LayoutEntry | undefined): Promise<Loaded> {
  const rec = await readLayoutRecord(id);
  if (rec === undefined) throw new Error(`the saved layout ${entry?.name ?? id} is missing`);
  if (!isRecord(rec) || rec.storage !== STORAGE_VERSION)
    throw new Error(
      isRecord(rec) && typeof rec.storage === "number"
        ? `the saved layout was written by a guestmap of storage version ${rec.storage} (this one reads ${STORAGE_VERSION})`
        : "the saved layout record is unreadable",
    );
  const r = rec as unknown as LayoutRecord;
  if (typeof r.present !== "string" || !Array.isArray(r.past) || !Array.isArray(r.future))
    throw new Error("the saved layout record is unreadable");
  const keys = [...r.past, r.present, ...r.future];
  const [texts, { parseLayoutJson }] = await Promise.all([readSnapshots(keys), loadLayoutParser()]);
  const parse = (text: unknown, key: string): Layout | undefined => {
    if (typeof text !== "string") return undefined;
    const layout = parseLayoutJson(text, "the saved layout");
    snapOf.set(layout, key);
    return layout;
  };
  const present = parse(texts[r.past.length], r.present);
  if (!present) throw new Error("the saved layout's current version is missing");
  // A missing or unreadable undo step only shortens the history.
  const safe = (t: unknown, k: string) => {
    try {
      return parse(t, k);
    } catch {
      return undefined;
    }
  };
  const past = r.past.map((k, i) => safe(texts[i], k)).filter((l) => l !== undefined);
  const future = r.future.map((k, i) => safe(texts[r.past.length + 1 + i], k)).filter((l) => l !== undefined);
  const [p, ...rest] = await withHeads([present, ...past, ...future]);
  const rehead = (l: Layout, i: number) => {
    const h = rest[i]!;
    snapOf.set(h, snapOf.get(l)!);
    return h;
  };
  snapOf.set(p!, r.present);
  written = new Set(keys);
  if (typeof r.changedAt === "number") changedAt = Math.max(changedAt, r.changedAt);
  return {
    id,
    name: typeof r.name === "string" ? r.name : (entry?.name ?? "Layout"),
    present: p!,
    past: past.map((l, i) => rehead(l, i)),
    future: future.map((l, i) => rehead(l, past.length + i)),
    scaleMode: r.scaleMode === "linear" ? "linear" : "collapsed",
    ...(r.untrusted && { untrusted: r.untrusted }),
    ...(isArgGroups(r.trustedArgs) && { trustedArgs: r.trustedArgs }),
    ...(isRecord(r.cpuByArch) && { cpuByArch: r.cpuByArch as GuestmapState["cpuByArch"] }),
    ...(typeof r.changedAt === "number" && { savedAt: r.changedAt }),
  };
}

const isArgGroups = (v: unknown): v is TrustedArgs =>
  Array.isArray(v) && v.every((g) => Array.isArray(g) && g.every((a) => typeof a === "string"));

/** The layout saved by guestmap before IndexedDB (localStorage), if any. */
async function legacy(): Promise<{ loaded?: Loaded; notice: Notice } | undefined> {
  const raw = globalThis.localStorage?.getItem(LEGACY_KEY);
  if (!raw) return undefined;
  // Kept as it was, under another key: a migration never destroys the original.
  localStorage.setItem(LEGACY_BACKUP_KEY, raw);
  localStorage.removeItem(LEGACY_KEY);
  try {
    const v = JSON.parse(raw) as { state?: { layoutJson?: unknown; scaleMode?: unknown } };
    if (typeof v.state?.layoutJson !== "string") throw new Error("the saved state has no layout");
    const [present] = await withHeads([await parseLayout(v.state.layoutJson, "the saved layout")]);
    return {
      loaded: { ...example(), name: "Saved layout", present: present! },
      notice: {
        kind: "info",
        text: "Moved your saved layout to this browser's IndexedDB (the old copy stays in localStorage as guestmap.v1-backup). Files dropped before this version must be dropped again to bind them by content.",
      },
    };
  } catch (e) {
    return {
      notice: {
        kind: "error",
        text: `Could not restore the saved layout (${oneLine(e)}); started from the example. The unreadable state is kept in localStorage as ${LEGACY_BACKUP_KEY}.`,
      },
    };
  }
}

/**
 * Restores the store from IndexedDB before the first render. `?reset` starts a fresh layout (the
 * saved ones stay in the Layouts menu). Never throws: whatever fails is said in a notice.
 */
export async function restoreState(): Promise<void> {
  const url = new URL(window.location.href);
  const reset = url.searchParams.has("reset");
  if (reset) {
    url.searchParams.delete("reset");
    history.replaceState(null, "", url.pathname + url.search + url.hash);
  }
  let index: unknown;
  try {
    index = await readIndex();
  } catch (e) {
    install(example(), [], {
      kind: "error",
      text: `Could not open this browser's storage (${storageError(e)}): this layout lives in this tab only. Export it as layout JSON to keep it.`,
      actions: ["export-layout"],
    });
    return;
  }
  let layouts: LayoutEntry[] = [];
  if (index !== undefined) {
    if (isRecord(index) && index.storage === STORAGE_VERSION && Array.isArray(index.layouts)) {
      layouts = (index as unknown as IndexRecord).layouts.filter(
        (e) => isRecord(e) && typeof e.id === "string" && typeof e.name === "string",
      );
    } else {
      const key = await backUp("index", index, "unreadable or of another storage version").catch(
        () => "(none)",
      );
      install(example(), [], {
        kind: "error",
        text: `The saved state is of another storage version or unreadable; it is kept untouched under the IndexedDB key "${key}" and a new layout was started.`,
        actions: ["export-layout"],
      });
      return;
    }
  }
  if (reset) {
    install(example(), layouts, {
      kind: "info",
      text: "Started fresh with the example. Your saved layouts are still in the Layouts menu.",
    });
    return;
  }
  if (index === undefined) {
    const old = await legacy();
    // A first visit's edit that never reached IndexedDB (the tab closed within a moment).
    const first = old?.loaded ?? example();
    const latest = await withUnsaved({ ...first, id: unsavedId() ?? first.id }, 0);
    install(latest, layouts, old?.notice);
    // Saved at once: a second tab opened now edits this same layout instead of starting its own;
    // journalled too, so a reload before that write keeps this layout's id (and its drafts).
    journal();
    scheduleSave();
    return;
  }
  const current = (index as unknown as IndexRecord).current;
  try {
    let loaded = await readLayout(
      current,
      layouts.find((e) => e.id === current),
    );
    // The tab that closed last may have switched to (or made) a layout it never saved as current.
    const j = journalEntry();
    if (j && j.id !== loaded.id && j.at > (loaded.savedAt ?? 0)) {
      const entry = { id: j.id, name: j.name };
      loaded = await readLayout(j.id, entry).catch(async () => ({
        ...entry,
        present: (await withHeads([await parseLayout(j.layout, "the last change")]))[0]!,
      }));
      layouts = withEntry(layouts, { id: loaded.id, name: loaded.name });
    }
    const latest = await withUnsaved(loaded, loaded.savedAt ?? 0);
    install(latest, layouts);
    if (latest !== loaded) scheduleSave();
    void sweepSnapshots(loaded.id);
  } catch (e) {
    const raw = await readLayoutRecord(current).catch(() => undefined);
    const key = await backUp(`layout-${current}`, raw, oneLine(e)).catch(() => "(none)");
    install(example(), layouts, {
      kind: "error",
      text: `Could not restore the saved layout (${oneLine(e)}). It is kept untouched (backup under the IndexedDB key "${key}"); a new layout was started from the example.`,
    });
  }
}

/**
 * Drops snapshots of layout `id` that its record no longer names (undo steps that fell out of the
 * history in earlier sessions). Only when this is the only tab (a Web Lock held for the page's
 * life): another tab could be between writing a snapshot and the record that names it.
 */
async function sweepSnapshots(id: string): Promise<void> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return;
  await locks.request("guestmap-first-tab", { ifAvailable: true }, async (lock) => {
    if (!lock) return;
    try {
      const rec = (await readLayoutRecord(id)) as LayoutRecord | undefined;
      if (!rec || !Array.isArray(rec.past)) return;
      const named = new Set([...rec.past, rec.present, ...rec.future]);
      const orphans = (await allKeys()).filter(
        (k) => k.startsWith(`state:snap:${id}:`) && !named.has(k) && !k.includes(`:${TAB}:`),
      );
      if (orphans.length) await dropKeys(orphans);
    } catch {
      // Sweeping is housekeeping: a failure leaves a few unused snapshots, nothing else.
    }
    // Held until the page goes: a tab opened later is not the only one.
    await new Promise(() => {});
  });
}

let timer: ReturnType<typeof setTimeout> | undefined;
let saving: Promise<void> = Promise.resolve();
let failed = false;

/** Writes the current layout, its history and the index, now. */
async function save(): Promise<void> {
  timer = undefined;
  const s = useGuestmap.getState();
  const t = useGuestmap.temporal.getState();
  const id = s.layoutId;
  // The edits this save covers, sent to the other tabs, which apply each exactly once. When they
  // do not explain the layout (an undo, a layout switch), the other tabs take the whole layout.
  const covered = takeEdits();
  const explained =
    base !== undefined && serializeLayout(applyEdits(base, covered)) === serializeLayout(s.layout);
  const savedBase = base;
  base = s.layout;
  const snapshots: [string, string][] = [];
  const prefix = `state:snap:${id}:`;
  const key = (l: Layout) => {
    let k = snapOf.get(l);
    if (!k?.startsWith(prefix)) {
      k = snapKey(id, TAB, seq++);
      snapOf.set(l, k);
      snapshots.push([k, serializeLayout(l)]);
    }
    return k;
  };
  const record: LayoutRecord = {
    storage: STORAGE_VERSION,
    name: s.layoutName,
    scaleMode: s.scaleMode,
    // The most recent steps only: restoring parses each one (bench/persist.bench.ts).
    past: t.pastStates.slice(-SAVED_UNDO_STEPS).map((p) => key(p.layout!)),
    present: key(s.layout),
    future: t.futureStates.map((p) => key(p.layout!)),
    ...(s.untrusted && { untrusted: s.untrusted }),
    ...(s.trustedArgs && { trustedArgs: s.trustedArgs }),
    cpuByArch: s.cpuByArch,
    changedAt,
  };
  const keys = new Set([...record.past, record.present, ...record.future]);
  const layouts = withEntry(s.layouts, { id, name: s.layoutName });
  const index: IndexRecord = { storage: STORAGE_VERSION, current: id, layouts };
  try {
    await writeState(
      snapshots,
      id,
      record,
      index,
      // Only snapshots this tab made: another tab's record may still name the ones it read.
      [...written].filter((k) => !keys.has(k) && k.includes(`:${TAB}:`)),
    );
    written = keys;
    if (failed) {
      failed = false;
      useGuestmap
        .getState()
        .noticed({ kind: "info", text: "Saved again: the layout is in this browser's storage." });
    }
    channel?.postMessage({
      type: "saved",
      tab: TAB,
      id,
      layout: snapshots.find(([k]) => k === record.present)?.[1] ?? serializeLayout(s.layout),
      ...(explained && { edits: covered }),
    } satisfies SyncMessage);
  } catch (e) {
    // Not written, not sent: the next save covers these edits again.
    base = savedBase;
    restoreEdits(covered);
    // Not written: the next save writes these snapshots again.
    for (const [k] of snapshots) for (const l of [s.layout]) if (snapOf.get(l) === k) snapOf.delete(l);
    for (const p of [...t.pastStates, ...t.futureStates])
      if (snapshots.some(([k]) => snapOf.get(p.layout!) === k)) snapOf.delete(p.layout!);
    if (!failed) {
      failed = true;
      useGuestmap.getState().noticed({
        kind: "error",
        text: `Could not save the layout (${storageError(e)}). Nothing is lost: it stays in this tab, but a reload would lose the changes since the last save. Export it as layout JSON to keep it.`,
        actions: ["export-layout"],
      });
    }
  }
}

/** Saves soon (edits coalesce; the write happens after the interaction, not in it). */
function scheduleSave(): void {
  if (timer === undefined) timer = setTimeout(() => (saving = saving.then(save)), 120);
}

/**
 * Each change is also journalled to localStorage, synchronously: an IndexedDB write may not finish
 * when the tab closes or reloads at once (Chromium may start the next page before this one's
 * pagehide runs), and the next restore applies the journal when it is newer than the record.
 */
function journal(): void {
  cancelJournal();
  writeJournal(stamp());
}

function writeJournal(at: number): void {
  const s = useGuestmap.getState();
  try {
    localStorage.setItem(
      UNSAVED_KEY,
      JSON.stringify({
        id: s.layoutId,
        name: s.layoutName,
        layout: serializeLayout(s.layout),
        at,
      } satisfies Unsaved),
    );
  } catch {
    // No room in localStorage either: the IndexedDB write is the only copy.
  }
}

/** The stamp of a change made but not journalled yet, and the idle task that will write it. */
let journalAt: number | undefined;
let journalTask: (() => void) | undefined;
/** The longest a change waits for an idle moment before it is journalled anyway. */
const JOURNAL_WAIT_MS = 500;

/**
 * Journals the change just made once the page is idle: serialising 500 blobs and writing them to
 * localStorage on the key's own frame made a move miss it. The change is stamped now; the write
 * comes after the frame, and at once when the page is left (`flushJournal`), so a reload or a
 * closed tab right after the key still finds it.
 */
function journalSoon(): void {
  journalAt = stamp();
  if (journalTask) return;
  const run = () => {
    journalTask = undefined;
    flushJournal();
  };
  if (typeof requestIdleCallback === "function") {
    const handle = requestIdleCallback(run, { timeout: JOURNAL_WAIT_MS });
    journalTask = () => cancelIdleCallback(handle);
  } else {
    const handle = setTimeout(run, 50);
    journalTask = () => clearTimeout(handle);
  }
}

function cancelJournal(): void {
  journalTask?.();
  journalTask = undefined;
  journalAt = undefined;
}

/** Writes a journal entry still waiting for an idle moment, now (key moves the map shows included). */
export function flushJournal(): void {
  useGuestmap.getState().keyMovesCommitted();
  const at = journalAt;
  if (at === undefined) return;
  cancelJournal();
  writeJournal(at);
}

/** The page is going away: write what is pending (the journal holds it if this does not finish). */
function leaving(): void {
  flushJournal();
  void flushSave();
}

/** Writes any pending change now (before switching layouts, when the page hides). */
export async function flushSave(): Promise<void> {
  useGuestmap.getState().keyMovesCommitted();
  if (timer !== undefined) {
    clearTimeout(timer);
    saving = saving.then(save);
  }
  await saving;
}

interface SyncMessage {
  readonly type: "saved";
  readonly tab: string;
  readonly id: string;
  readonly layout: string;
  /** The sender's edits since its previous save, when they explain its layout. */
  readonly edits?: readonly Edit[];
}

let channel: BroadcastChannel | undefined;
/** The layout as last saved or received: the base the edit log (edit-log.ts) applies to. */
let base: Layout | undefined;
/** Set while a layout from another tab is installed: that is no edit of this tab to save. */
let applyingRemote = false;

/** Starts saving after each change and syncing with other tabs of the same layout. */
export function startSaving(): void {
  useGuestmap.subscribe((s, prev) => {
    if (applyingRemote) return;
    if (s.layout !== prev.layout || s.layoutName !== prev.layoutName) journalSoon();
    if (
      s.layout !== prev.layout ||
      s.layoutName !== prev.layoutName ||
      s.scaleMode !== prev.scaleMode ||
      s.untrusted !== prev.untrusted ||
      s.trustedArgs !== prev.trustedArgs ||
      s.cpuByArch !== prev.cpuByArch
    )
      scheduleSave();
  });
  useGuestmap.temporal.subscribe((t, prev) => {
    if (!applyingRemote && (t.pastStates !== prev.pastStates || t.futureStates !== prev.futureStates))
      scheduleSave();
  });
  // beforeunload comes first on a reload or a navigation, before the next page can start;
  // pagehide and a hidden tab cover closing (and a phone's tab switcher).
  window.addEventListener("beforeunload", flushJournal);
  window.addEventListener("pagehide", leaving);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") leaving();
  });
  if (typeof BroadcastChannel === "undefined") return;
  channel = new BroadcastChannel("guestmap-sync");
  channel.onmessage = async (e: MessageEvent<SyncMessage>) => {
    const m = e.data;
    if (m?.type !== "saved" || m.tab === TAB || m.id !== useGuestmap.getState().layoutId) return;
    const [remote] = await withHeads([await parseLayout(m.layout, "the other tab's layout")]);
    if (m.id !== useGuestmap.getState().layoutId) return;
    // A key move shown but not committed is this tab's edit too: committed, it is replayed below.
    useGuestmap.getState().keyMovesCommitted();
    const local = useGuestmap.getState().layout;
    let layout: Layout;
    if (m.edits) {
      // The other tab's edits, applied once on this tab's layout: both tabs' edits survive, also
      // when both saved before hearing from each other.
      layout = applyEdits(local, m.edits);
      if (base !== undefined) base = applyEdits(base, m.edits);
    } else {
      // This tab's unsaved edits, replayed on the other tab's layout. When the log does not
      // explain this tab's layout (an undo since), this tab's layout is kept over it (the next
      // save sends it back).
      const edits = pendingEdits();
      const replayable =
        base !== undefined && serializeLayout(applyEdits(base, edits)) === serializeLayout(local);
      layout =
        local === base || edits.length === 0 ? remote! : replayable ? applyEdits(remote!, edits) : local;
      base = remote;
    }
    applyingRemote = true;
    try {
      const t = useGuestmap.temporal.getState();
      t.pause();
      useGuestmap.setState({ layout: layout!, drag: undefined });
      t.resume();
      // The other tab's edit is now this layout; undoing here must not silently revert it.
      t.clear();
    } finally {
      applyingRemote = false;
    }
    // Merged with this tab's edits: the stored record must hold both.
    if (layout !== remote && serializeLayout(layout) !== m.layout) {
      journal();
      scheduleSave();
    }
  };
}

/** Opens another saved layout (the current one is saved first). */
export async function openLayout(id: string): Promise<void> {
  await flushSave();
  const s = useGuestmap.getState();
  try {
    install(
      await readLayout(
        id,
        s.layouts.find((e) => e.id === id),
      ),
      s.layouts,
    );
    scheduleSave();
  } catch (e) {
    s.noticed({
      kind: "error",
      text: `Could not open that layout (${oneLine(e)}); the current one stays open.`,
    });
  }
}

/** Starts a new layout beside the saved ones (the current one is saved first and stays in the list). */
export async function newLayout(
  layout: Layout,
  name: string,
  untrusted?: UntrustedArgs,
  notice?: Notice,
): Promise<void> {
  await flushSave();
  written = new Set();
  install(
    { id: newId(), name, present: layout, ...(untrusted && { untrusted }) },
    useGuestmap.getState().layouts,
    notice,
  );
  scheduleSave();
}
