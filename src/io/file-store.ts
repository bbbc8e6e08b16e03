/**
 * Blob bytes: user files are kept in IndexedDB (idb-keyval stores File objects natively), keyed by
 * name and size; demo blobs are regenerated from the samples. Nothing is ever sent anywhere.
 */
import type { Blob as FileRef } from "@guestmap/core";
import { get, set } from "idb-keyval";
import { demoFile } from "../samples/demo-blob";
import { findDemoBlob } from "../samples/samples";

/** How many first bytes of a file the layout keeps for header sniffing. */
export const HEAD_BYTES = 64 * 1024;

const key = (path: string, size: bigint | number) => `file:${path}:${size}`;

export async function saveFile(file: File): Promise<void> {
  try {
    await set(key(file.name, file.size), file);
    await set(`name:${file.name}`, file);
  } catch {
    // Private windows may refuse IndexedDB: the file still works until reload.
  }
}

/** The bytes behind a layout blob, or undefined when the browser does not have them (a placeholder). */
export async function loadFile(ref: FileRef): Promise<File | undefined> {
  if (ref.size === undefined) return undefined;
  try {
    const stored = await get<File>(key(ref.path, ref.size));
    if (stored) return stored;
  } catch {
    // fall through to the demo blobs
  }
  const demo = findDemoBlob(ref.path, ref.size);
  return demo ? demoFile(demo) : undefined;
}

/** A dropped or opened file as a layout blob: name, size and first bytes. */
export async function fileRef(file: File): Promise<FileRef> {
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  return { path: file.name, size: BigInt(file.size), head };
}

/** The last file of that name kept in this browser (to fill placeholders of a pasted command line). */
export async function fileByName(path: string): Promise<File | undefined> {
  try {
    return (await get<File>(`name:${path}`)) ?? undefined;
  } catch {
    return undefined;
  }
}
