/**
 * Fills a layout's blobs from the file system: their sizes and first bytes. Paths resolve against
 * `baseDir` (the layout file's folder, or the shell's cwd for a command line), as QEMU would.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import {
  chosenPartOfDtb,
  dtbRunsPastHead,
  FdtError,
  type Layout,
  type LayoutBlob,
  type LayoutFile,
  layoutFiles,
  sniffHeader,
  type Unpacked,
  unpackPlan,
  withLayoutFiles,
} from "@guestmap/core";
import { UsageError } from "./io.js";
import { readDtbFile } from "./read-dtb.js";

/** Enough for every header we read, including an ELF's program headers. */
const HEAD_BYTES = 64 * 1024;

/**
 * What QEMU unpacks from a compressed kernel (gzip, gzip uImage, EFI zboot), the file streamed
 * through the core's Unpacker: memory stays at the head's size.
 */
async function unpackFile(path: string, head: Uint8Array, size: bigint): Promise<Unpacked | undefined> {
  // Open the file again only when QEMU would unpack it.
  if (!unpackPlan(sniffHeader(head), size)) return undefined;
  const { unpackStream } = await import("./unpack-file.js");
  return unpackStream(head, size, createReadStream(path) as AsyncIterable<Buffer>);
}

async function sha256(path: string): Promise<string> {
  // node:crypto costs milliseconds to load; only layouts that carry digests need it.
  const { createHash } = await import("node:crypto");
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** Files open at once while filling: 20,000 blobs must not hit the process's EMFILE limit. */
const OPEN_AT_ONCE = 32;

/** `Promise.all(items.map(f))` with at most `OPEN_AT_ONCE` calls in flight; results in order. */
async function mapLimited<T, R>(items: readonly T[], f: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(OPEN_AT_ONCE, items.length) }, worker));
  return out;
}

/** Where a blob's file is: by default its path resolved against the base folder. */
export type Locate = (path: string) => string;

/** What one read of a file found: its size, head (and unpacked facts), or why it could not be read. */
type Facts =
  | {
      readonly ok: true;
      readonly path: string;
      readonly size: bigint;
      readonly head: Uint8Array;
      readonly unpacked?: Unpacked;
    }
  | { readonly ok: false; readonly path: string; readonly notFile?: true; readonly error?: unknown };

/**
 * Each file read once per fill, whoever names it: a layout naming one initrd at 100k addresses
 * opens it once and shares its head (bench/cli-scale.bench.ts). Keyed by resolved path and
 * whether a compressed kernel is unpacked; SHA-256 sums likewise once per path.
 */
export class FileFactsCache {
  private readonly facts = new Map<string, Promise<Facts>>();
  private readonly sums = new Map<string, Promise<string>>();
  private readonly filled = new Map<string, LayoutBlob>();
  private readonly located = new Map<string, string>();

  /** `locate(path)`, once per path a layout names. */
  locate(path: string, locate: Locate): string {
    let abs = this.located.get(path);
    if (abs === undefined) {
      abs = locate(path);
      this.located.set(path, abs);
    }
    return abs;
  }

  /**
   * The filled blob for `key`: one object shared by every stanza naming the same file the same
   * way (blobs are never mutated), not one per stanza.
   */
  shared(key: string, make: () => LayoutBlob): LayoutBlob {
    let b = this.filled.get(key);
    if (b === undefined) {
      b = make();
      this.filled.set(key, b);
    }
    return b;
  }

  read(path: string, unpack: boolean): Promise<Facts> {
    const key = `${unpack ? "z" : "-"}${path}`;
    let p = this.facts.get(key);
    if (!p) {
      p = readFacts(path, unpack);
      this.facts.set(key, p);
    }
    return p;
  }

  sha256(path: string): Promise<string> {
    let p = this.sums.get(path);
    if (!p) {
      p = sha256(path);
      this.sums.set(path, p);
    }
    return p;
  }
}

async function readFacts(path: string, unpack: boolean): Promise<Facts> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(path, "r");
    const st = await fh.stat();
    if (!st.isFile()) return { ok: false, path, notFile: true };
    const head = new Uint8Array(Math.min(HEAD_BYTES, st.size));
    await fh.read(head, 0, head.length, 0);
    if (unpack) {
      const unpacked = await unpackFile(path, head, BigInt(st.size));
      if (unpacked) return { ok: true, path, size: BigInt(st.size), head, unpacked };
    }
    return { ok: true, path, size: BigInt(st.size), head };
  } catch (error) {
    return { ok: false, path, error };
  } finally {
    await fh?.close();
  }
}

/** One file's size and first bytes (a placeholder with a typed size stays one if the file is absent). */
export async function fill(
  blob: LayoutBlob,
  locate: Locate,
  baseDir: string,
  /** The option naming the file (its role text is read only for a message), or what to call it. */
  named: LayoutFile | string,
  cache = new FileFactsCache(),
): Promise<LayoutBlob> {
  const path = cache.locate(blob.path, locate);
  // Only QEMU's kernel loaders unpack (-kernel, -device loader); a gzip initrd stays as it is.
  const unpack = typeof named !== "string" && (named.kind === "kernel" || named.kind === "loader");
  const what = () => (typeof named === "string" ? named : named.role);
  const f = await cache.read(path, unpack);
  if (!f.ok) {
    if (f.notFile) throw new UsageError(`${what()} ${blob.path}: ${path} is not a regular file`);
    const code = (f.error as NodeJS.ErrnoException).code;
    // A layout may describe a file that is not here (a placeholder with a typed size): keep it.
    if (code === "ENOENT" && blob.size !== undefined) return blob;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EACCES"
          ? "permission denied"
          : (f.error as Error).message;
    throw new UsageError(
      `${what()} ${blob.path}: cannot read ${path} (${why}); fix the path (relative paths resolve against ${baseDir})`,
    );
  }
  if (blob.size !== undefined && blob.size !== f.size)
    throw new UsageError(
      `${what()} ${blob.path}: the layout says ${blob.size} bytes but ${path} has ${f.size}; it is not the file the layout was made with — fix the path, or remove "size" from the layout to take the file as it is`,
    );
  if (blob.sha256 !== undefined) {
    const sum = await cache.sha256(path);
    if (sum !== blob.sha256)
      throw new UsageError(
        `${what()} ${blob.path}: the layout says SHA-256 ${blob.sha256} but ${path} has ${sum}; it is not the file the layout was made with — fix the path, or remove "sha256" from the layout to take the file as it is`,
      );
  }
  const dtb = what() === "-dtb";
  const head = dtb ? await dtbHead(path, f.head) : f.head;
  const make = (): LayoutBlob => {
    const filled: LayoutBlob = {
      path: blob.path,
      size: f.size,
      head,
      ...(blob.sha256 !== undefined && { sha256: blob.sha256 }),
    };
    return f.unpacked ? { ...filled, unpacked: f.unpacked } : filled;
  };
  // What the result holds decides the key: the path as written, the unpacking, the digest.
  return cache.shared(`${unpack ? "z" : dtb ? "d" : "-"}${blob.sha256 ?? ""}:${blob.path}`, make);
}

/**
 * A -dtb whose tree runs past its head is read whole (bounded by its header, read-dtb.ts) and kept
 * as the part the checks read, its /chosen (the core's chosenPartOfDtb, as the app keeps it).
 */
async function dtbHead(path: string, head: Uint8Array): Promise<Uint8Array> {
  if (!dtbRunsPastHead(head)) return head;
  try {
    return chosenPartOfDtb(await readDtbFile(path, `-dtb ${path}`));
  } catch (e) {
    // Not a DTB after all: the rules and `chosen` say so from the head.
    if (e instanceof FdtError || e instanceof UsageError) return head;
    throw e;
  }
}

/** The layout with every referenced file's size and head read from disk. */
export async function fillBlobs(
  layout: Layout,
  baseDir: string,
  locate: Locate = (p) => resolve(baseDir, p),
): Promise<Layout> {
  const files = layoutFiles(layout);
  const cache = new FileFactsCache();
  return withLayoutFiles(layout, await mapLimited(files, (f) => fill(f.blob, locate, baseDir, f, cache)));
}
