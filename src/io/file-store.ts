/**
 * Blob bytes. A file is bound to a layout blob by its SHA-256 (`Blob.sha256`) and by nothing else:
 * user files are kept in IndexedDB under that digest (idb-keyval stores File objects natively);
 * demo blobs are regenerated from the samples' digests. A blob without a digest (a layout written
 * by hand, an old share link) is bound only when the user confirms a file for it (`confirmFile`).
 * Nothing is ever sent anywhere.
 */
import { dtbRunsPastHead, type LayoutBlob, sniffHeader, type Unpacked, unpackPlan } from "@guestmap/core";
import { get, set } from "idb-keyval";
import { loadUnpacker } from "../lazy/load";
import { demoFile } from "../samples/demo-blob";
import { demoBlobBySha256 } from "../samples/samples";
import { hashWithHead } from "./content-hash";
import { chosenPartOffThread, DtbJobCancelled } from "./dtb-off-thread";

/** How many first bytes of a file the layout keeps in memory for header sniffing. */
export const HEAD_BYTES = 64 * 1024;

const byHash = (hash: string) => `sha256:${hash}`;

/** A read file as a layout blob, and whether its bytes were kept across reloads. */
export interface StoredFile {
  readonly ref: LayoutBlob & { readonly sha256: string };
  /** Why IndexedDB refused the bytes (they work in this tab until it is closed), if it did. */
  readonly notKept?: string;
}

/** Files read in this page: the bytes stay usable here when IndexedDB refuses them. */
const session = new Map<string, File>();

/**
 * Reads a dropped or opened file: its layout blob (name, size, SHA-256, head), bytes kept.
 * `signal` stops the hashing of a big file (its worker) when the user cancels.
 */
export async function storeFile(file: File, signal?: AbortSignal): Promise<StoredFile> {
  const hashed = await hashWithHead(file, HEAD_BYTES, undefined, signal);
  const { sha256 } = hashed;
  const head = await wholeDtbHead(file, hashed.head, signal);
  session.set(sha256, file);
  const unpacked = await unpackedOf(file, head);
  const ref = { path: file.name, size: BigInt(file.size), sha256, head, ...(unpacked && { unpacked }) };
  try {
    await set(byHash(sha256), file);
    return { ref };
  } catch (e) {
    return { ref, notKept: storageError(e) };
  }
}

/** What went wrong with IndexedDB, in words. */
export function storageError(e: unknown): string {
  const name = (e as { name?: string } | undefined)?.name;
  if (name === "QuotaExceededError") return "the browser's storage quota is exceeded";
  if (typeof indexedDB === "undefined") return "this browser offers no IndexedDB (a private window?)";
  return (e as Error | undefined)?.message ?? String(e);
}

/** The file's bytes in order, as chunks. */
async function* chunksOf(file: Blob): AsyncGenerator<Uint8Array> {
  const reader = file.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * What QEMU unpacks from a compressed kernel (gzip, gzip uImage, EFI zboot), streamed through the
 * core's Unpacker; undefined for anything else, a gzip initrd included.
 */
export async function unpackedOf(file: Blob, head: Uint8Array): Promise<Unpacked | undefined> {
  if (!unpackPlan(sniffHeader(head), BigInt(file.size))) return undefined;
  const { unpackStream } = await loadUnpacker();
  return unpackStream(head, BigInt(file.size), chunksOf(file), { kernelsOnly: true });
}

async function headOf(file: Blob): Promise<Uint8Array> {
  return wholeDtbHead(file, new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer()));
}

/**
 * A DTB whose tree runs past the head (a machine with many devices, a board's DTB) is decoded whole
 * in the DTB worker and its head is the part the checks read, its /chosen (the core's
 * chosenPartOfDtb, as the CLI keeps it), so a -dtb's /chosen and module nodes are checked whatever
 * its size. `signal` cancels it with the rest of a drop. A DTB that does not decode keeps its head:
 * /chosen then says what is wrong.
 */
async function wholeDtbHead(file: Blob, head: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
  if (!dtbRunsPastHead(head)) return head;
  try {
    return await chosenPartOffThread(file, signal);
  } catch (e) {
    if (e instanceof DtbJobCancelled) throw e;
    return head;
  }
}

/** The file kept in IndexedDB under this digest; undefined when there is none or no IndexedDB at all. */
async function stored(sha256: string): Promise<File | undefined> {
  try {
    return await get<File>(byHash(sha256));
  } catch {
    return undefined;
  }
}

/** The file with this SHA-256: read in this tab, kept in IndexedDB, or a demo blob. */
async function fileBySha256(sha256: string): Promise<File | undefined> {
  const kept = session.get(sha256) ?? (await stored(sha256));
  if (kept) return kept;
  const demo = demoBlobBySha256(sha256);
  return demo && demoFile(demo);
}

/** The bytes behind a layout blob, or undefined when this browser does not have that exact file. */
export async function loadFile(ref: LayoutBlob): Promise<File | undefined> {
  if (ref.size === undefined || ref.sha256 === undefined) return undefined;
  const file = await fileBySha256(ref.sha256);
  return file && BigInt(file.size) === ref.size ? file : undefined;
}

/** The first bytes of the file with this digest (headers are sniffed from these), if this browser has it. */
export async function loadHead(ref: LayoutBlob): Promise<Uint8Array | undefined> {
  if (ref.sha256 === undefined) return undefined;
  const demo = demoBlobBySha256(ref.sha256);
  if (demo) return demo.head;
  const file = await fileBySha256(ref.sha256);
  return file && headOf(file);
}

/**
 * Formerly: the last file of that name kept in this browser, to fill a pasted command line's
 * placeholders. A file is never bound by its name (two files called `rootfs.cpio` are not the same
 * file), so this finds nothing; a placeholder is filled when the user drops or chooses its file.
 */
export async function refByName(_path: string): Promise<LayoutBlob | undefined> {
  return undefined;
}
