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
  const ref = await refFor(file, hash);
  try {
    await set(byHash(hash), file);
    await set(`name:${file.name}`, hash);
    await set(await byHead(ref.size!, ref.head!), hash);
  } catch {
    // Private windows may refuse IndexedDB: the file still works until reload.
  }
  return ref;
}

/**
 * A layout saved as JSON keeps each blob's size and first 64 KiB but not its hash: those find the
 * file again (exactly, for a file of up to 64 KiB), whatever it is called now.
 */
async function byHead(size: bigint, head: Uint8Array): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", head as Uint8Array<ArrayBuffer>);
  return `head:${size}:${[...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
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
    // A layout opened from JSON carries no hash: its size and head find the file; a link keeps
    // only a head's first bytes, so there the last file of that name must match them.
    const full = ref.size < BigInt(HEAD_BYTES) ? Number(ref.size) : HEAD_BYTES;
    if (ref.head?.length === full) {
      const hash = await get<string>(await byHead(ref.size, ref.head)).catch(() => undefined);
      const kept = hash && (session.get(hash) ?? (await get<File>(byHash(hash)).catch(() => undefined)));
      if (kept) return kept;
    }
    const named = await fileByName(baseName(ref.path));
    if (named && BigInt(named.file.size) === ref.size && (await sameHead(named.file, ref.head)))
      return named.file;
    const legacy = await get<File>(legacyKey(ref.path, ref.size)).catch(() => undefined);
    if (legacy && BigInt(legacy.size) === ref.size) return legacy;
  }
  const demo = findDemoBlob(ref.path, ref.size);
  return demo ? demoFile(demo) : undefined;
}

/** The last file of that name kept in this browser, and its content hash. */
async function fileByName(path: string): Promise<{ file: File; hash: string } | undefined> {
  try {
    const v = await get<string | File>(`name:${path}`);
    if (v === undefined) return undefined;
    // Older saves kept the File itself under its name.
    if (typeof v !== "string") return { file: v, hash: await contentHash(v) };
    const file = session.get(v) ?? (await get<File>(byHash(v)));
    return file ? { file, hash: v } : undefined;
  } catch {
    return undefined;
  }
}

/** That file as a layout blob (to fill placeholders of a pasted command line). */
export async function refByName(path: string): Promise<StoredRef | undefined> {
  const found = await fileByName(path);
  return found && refFor(found.file, found.hash);
}

const baseName = (path: string) => path.split("/").pop() ?? path;

async function sameHead(file: Blob, head: Uint8Array | undefined): Promise<boolean> {
  if (!head || head.length === 0) return true;
  const bytes = new Uint8Array(await file.slice(0, head.length).arrayBuffer());
  return bytes.length === head.length && bytes.every((b, i) => b === head[i]);
}
