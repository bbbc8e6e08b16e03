/**
 * Node adapters for the core's image I/O: a file-handle `BlobSource` and an atomic file sink
 * (temp file in the target's folder, renamed into place on success, never over an input file).
 */
import { randomBytes } from "node:crypto";
import { realpathSync } from "node:fs";
import { type FileHandle, open, rename, unlink } from "node:fs/promises";
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
  let fh: FileHandle | undefined = await open(tmp, "wx", mode);
  return {
    async write(chunk) {
      let done = 0;
      while (done < chunk.length) {
        const { bytesWritten } = await fh!.write(chunk, done, chunk.length - done);
        done += bytesWritten;
      }
    },
    async commit() {
      await fh!.sync();
      await fh!.close();
      fh = undefined;
      await rename(tmp, target);
    },
    async abort() {
      await fh?.close();
      fh = undefined;
      await unlink(tmp).catch(() => {});
    },
  };
}
