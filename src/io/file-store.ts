/**
 * Blob bytes: user files are kept in IndexedDB (idb-keyval stores File objects natively), keyed by
 * their content hash, so two different files with the same name and size never share an entry;
 * demo blobs are regenerated from the samples. Nothing is ever sent anywhere.
 */
import type { Blob as FileRef } from "@guestmap/core";
import { get, set } from "idb-keyval";
import { demoFile } from "../samples/demo-blob";
import { findDemoBlob } from "../samples/samples";
import { contentHash } from "./content-hash";
import { hashOf, type StoredRef } from "./file-identity";

/** How many first bytes of a file the layout keeps for header sniffing. */
export const HEAD_BYTES = 64 * 1024;

const byHash = (hash: string) => `sha256:${hash}`;
/** Before content hashes, bytes were keyed by name and size: still read, never written. */
const legacyKey = (path: string, size: bigint | number) => `file:${path}:${size}`;

/** Reads a dropped or opened file: its layout blob (name, size, head, content hash), bytes kept. */
export async function storeFile(file: File): Promise<StoredRef> {
  const hash = await contentHash(file);
  session.set(hash, file);
  try {
    await set(byHash(hash), file);
    await set(`name:${file.name}`, hash);
  } catch {
    // Private windows may refuse IndexedDB: the file still works until reload.
  }
  return refFor(file, hash);
}

async function refFor(file: File, hash: string): Promise<StoredRef> {
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  return { path: file.name, size: BigInt(file.size), head, contentHash: hash };
}

/** Files read in this page, for when IndexedDB refuses them. */
const session = new Map<string, File>();

/** The bytes behind a layout blob, or undefined when the browser does not have them (a placeholder). */
export async function loadFile(ref: FileRef): Promise<File | undefined> {
  if (ref.size === undefined) return undefined;
  const hash = hashOf(ref);
  if (hash) {
    const kept = session.get(hash) ?? (await get<File>(byHash(hash)).catch(() => undefined));
    if (kept) return kept;
  } else {
    const legacy = await get<File>(legacyKey(ref.path, ref.size)).catch(() => undefined);
    if (legacy && BigInt(legacy.size) === ref.size) return legacy;
  }
  const demo = findDemoBlob(ref.path, ref.size);
  return demo ? demoFile(demo) : undefined;
}

/** The last file of that name kept in this browser (to fill placeholders of a pasted command line). */
export async function refByName(path: string): Promise<StoredRef | undefined> {
  try {
    const v = await get<string | File>(`name:${path}`);
    if (v === undefined) return undefined;
    // Older saves kept the File itself under its name.
    if (typeof v !== "string") return storeFile(v);
    const file = session.get(v) ?? (await get<File>(byHash(v)));
    return file ? refFor(file, v) : undefined;
  } catch {
    return undefined;
  }
}
