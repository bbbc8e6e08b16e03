/**
 * What survives a reload: the layout (as the core's layout JSON, heads included, so bigints and
 * bytes round-trip) and the scale mode. Blob bytes live in IndexedDB (io/file-store.ts).
 * Stored state that cannot be read never bricks the app: it starts from the sample and says so.
 */
import { type Layout, parseLayoutJson, serializeLayout } from "@guestmap/core";
import type { PersistOptions, PersistStorage, StorageValue } from "zustand/middleware";
import { fileHashes, type HashEntry, withFileHashes } from "../io/file-identity";
import type { GuestmapState } from "./store";
import type { ScaleMode } from "./ui-slice";

export const STORAGE_KEY = "guestmap";
export const STORAGE_VERSION = 1;

interface Persisted {
  readonly layoutJson: string;
  readonly scaleMode: ScaleMode;
  /** Content hashes of the blobs, by slot: which IndexedDB bytes each blob is (file-identity.ts). */
  readonly files?: Record<string, HashEntry>;
}

let unreadable: string | undefined;
// A drag or a pan sets state many times a second: serialise and write only when the layout changed.
let lastLayout: Layout | undefined;
let lastJson = "";
let lastFiles: Record<string, HashEntry> = {};
let lastWritten = "";

function layoutText(layout: Layout): string {
  if (layout !== lastLayout) {
    lastLayout = layout;
    lastJson = serializeLayout(layout, { withHeads: true });
    lastFiles = fileHashes(layout);
  }
  return lastJson;
}

const storage: PersistStorage<Persisted> = {
  getItem(name) {
    const raw = globalThis.localStorage?.getItem(name);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as StorageValue<Persisted>;
    } catch {
      unreadable = "the saved layout is not valid JSON";
      return null;
    }
  },
  setItem(name, value) {
    const key = `${value.version}:${value.state.scaleMode}:${value.state.layoutJson}:${JSON.stringify(value.state.files)}`;
    if (key === lastWritten) return;
    lastWritten = key;
    globalThis.localStorage?.setItem(name, JSON.stringify(value));
  },
  removeItem(name) {
    globalThis.localStorage?.removeItem(name);
  },
};

function restore(persisted: unknown): { layout: Layout; scaleMode: ScaleMode } | undefined {
  if (persisted === undefined || persisted === null) return undefined;
  const p = persisted as Partial<Persisted>;
  if (typeof p.layoutJson !== "string") {
    unreadable = "the saved state has no layout";
    return undefined;
  }
  try {
    const files = p.files && typeof p.files === "object" ? p.files : {};
    return {
      layout: withFileHashes(parseLayoutJson(p.layoutJson, "the saved layout"), files),
      scaleMode: p.scaleMode === "linear" ? "linear" : "collapsed",
    };
  } catch (e) {
    unreadable = (e as Error).message.split("\n").slice(0, 3).join(" ");
    return undefined;
  }
}

export const persistOptions: PersistOptions<GuestmapState, Persisted> = {
  name: STORAGE_KEY,
  version: STORAGE_VERSION,
  storage,
  partialize: (s) => ({ layoutJson: layoutText(s.layout), files: lastFiles, scaleMode: s.scaleMode }),
  // Version 0 never shipped; anything older than 1 is dropped (and reported by merge).
  migrate: (persisted, version) =>
    version === STORAGE_VERSION ? (persisted as Persisted) : (undefined as never),
  merge: (persisted, current) => {
    const r = restore(persisted);
    if (r) return { ...current, ...r };
    if (unreadable) {
      const why = unreadable;
      unreadable = undefined;
      return {
        ...current,
        notice: {
          kind: "error",
          text: `Could not restore the saved layout (${why}); started from the example instead.`,
        },
      };
    }
    return current;
  },
};
