/**
 * Node adapters for the core's image I/O: a file-handle `BlobSource` and an atomic file sink
 * (temp file in the target's folder, renamed into place on success, never over an input file).
 */
import { randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import { type FileHandle, open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { BlobSource, ByteSink } from "@guestmap/core";
import { UsageError } from "./io.js";

/** A `BlobSource` over an open file; `close()` when the export is done. */
export interface FileBlobSource extends BlobSource {
  close(): Promise<void>;
}

/** Opens `path` for random-access reads. */
export async function openFileSource(path: string): Promise<FileBlobSource> {
  const fh = await open(path, "r");
  const st = await fh.stat();
  return {
    size: BigInt(st.size),
    async read(offset, length) {
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, Number(offset) + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? buf : buf.subarray(0, got);
    },
    close: () => fh.close(),
  };
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/** A sink writing to a temp file that becomes `path` only on `commit()`. */
export interface AtomicFileSink extends ByteSink {
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** A file-system error as the user needs to read it: which, and what to do. */
function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "its folder does not exist; create it or choose another path";
    case "EACCES":
    case "EPERM":
      return "permission denied; choose a folder you can write to";
    case "EROFS":
      return "the file system is read-only; choose another path";
    case "ENOSPC":
      return "the disk is full";
    case "EISDIR":
      return "it is a folder; give a file name";
    default:
      return (e as Error).message;
  }
}

/**
 * Creates an atomic sink for `path`. Refuses (UsageError) when `path` is one of `inputs` — an
 * export must never destroy the files it reads. The temp file sits in the same folder so the final
 * rename is atomic.
 */
export async function openAtomicSink(
  path: string,
  inputs: readonly string[],
  mode = 0o644,
): Promise<AtomicFileSink> {
  const target = real(path);
  for (const i of inputs)
    if (real(i) === target)
      throw new UsageError(
        `refusing to write ${path}: it is an input of this export; choose another output file`,
      );
  const tmp = join(
    dirname(target),
    `.${basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  const st = await stat(target).catch(() => undefined);
  if (st?.isDirectory())
    throw new UsageError(`cannot write ${path}: it is a folder; give a file name, e.g. ${join(path, "out")}`);
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, "wx", mode);
  } catch (e) {
    throw new UsageError(`cannot write ${path}: ${ioReason(e)}`);
  }
  return {
    async write(chunk) {
      let done = 0;
      while (done < chunk.length) {
        let bytesWritten: number;
        try {
          ({ bytesWritten } = await fh!.write(chunk, done, chunk.length - done));
        } catch (e) {
          throw new UsageError(`cannot write ${path}: ${ioReason(e)}`);
        }
        done += bytesWritten;
      }
    },
    async commit() {
      await fh!.sync();
      await fh!.close();
      fh = undefined;
      try {
        await rename(tmp, target);
      } catch (e) {
        await unlink(tmp).catch(() => {});
        throw new UsageError(`cannot write ${path}: ${ioReason(e)}`);
      }
    },
    async abort() {
      await fh?.close();
      fh = undefined;
      await unlink(tmp).catch(() => {});
    },
  };
}
