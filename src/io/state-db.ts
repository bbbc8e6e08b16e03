/**
 * Where the editor's state lives: IndexedDB (the same idb-keyval store as the files), as small
 * records written incrementally. An index lists the saved layouts; each layout has a record (its
 * name, view and the keys of its undo history) and every version of it in the history is its own
 * snapshot, written once, so an edit writes one snapshot and one small record, never the whole
 * history. Nothing here decides anything about a layout: it reads and writes.
 */
import { delMany, get, getMany, keys, set, setMany } from "idb-keyval";
import type { TrustedArgs } from "../model/trust-args";
import type { LayoutEntry, ScaleMode, UntrustedArgs } from "../store/ui-slice";

/** The shape of the records below; a record of another version is kept, never overwritten. */
export const STORAGE_VERSION = 2;

export const INDEX_KEY = "state:index";
export const layoutKey = (id: string) => `state:layout:${id}`;
export const snapKey = (id: string, tab: string, n: number) => `state:snap:${id}:${tab}:${n}`;

export interface IndexRecord {
  readonly storage: typeof STORAGE_VERSION;
  /** The layout a new tab opens. */
  readonly current: string;
  readonly layouts: readonly LayoutEntry[];
}

export interface LayoutRecord {
  readonly storage: typeof STORAGE_VERSION;
  readonly name: string;
  readonly scaleMode: ScaleMode;
  /** Snapshot keys: the undo history, oldest first, the layout itself, and the redo steps. */
  readonly past: readonly string[];
  readonly present: string;
  readonly future: readonly string[];
  readonly untrusted?: UntrustedArgs;
  /** The extra QEMU arguments the trust switch vouched for (model/trust-args.ts). */
  readonly trustedArgs?: TrustedArgs;
  /** The -cpu each arch had when the user switched away from it. */
  readonly cpuByArch?: Readonly<Record<string, string | undefined>>;
  /** When the saved state was made (ms): a journalled change newer than this was never saved. */
  readonly changedAt?: number;
}

export const readIndex = () => get<unknown>(INDEX_KEY);
export const readLayoutRecord = (id: string) => get<unknown>(layoutKey(id));
export const readSnapshots = (names: readonly string[]) => getMany<unknown>([...names]);
export const allKeys = async () => (await keys()).map(String);
export const dropKeys = (names: readonly string[]) => delMany([...names]);

/** Writes new snapshots and the records in one transaction (all or nothing), then drops unused snapshots. */
export async function writeState(
  snapshots: readonly [string, string][],
  id: string,
  record: LayoutRecord,
  index: IndexRecord,
  unused: readonly string[],
): Promise<void> {
  await setMany([...snapshots, [layoutKey(id), record], [INDEX_KEY, index]]);
  if (unused.length) await delMany([...unused]).catch(() => undefined);
}

/** Keeps a copy of stored state that could not be read, under a key of its own; returns that key. */
export async function backUp(what: string, raw: unknown, why: string): Promise<string> {
  const key = `state:backup:${new Date().toISOString()}:${what}`;
  await set(key, { why, raw });
  return key;
}

/** A record of the shape written here (any version), for the checks of persist.ts. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
