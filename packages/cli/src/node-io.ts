/** The Node adapter for the core's image input: a file-handle `BlobSource` (outputs: output-file.ts). */
import { open } from "node:fs/promises";
import type { BlobSource } from "@guestmap/core";

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
    async readInto(offset, into) {
      let got = 0;
      while (got < into.length) {
        const { bytesRead } = await fh.read(into, got, into.length - got, Number(offset) + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got;
    },
    close: () => fh.close(),
  };
}

/** A `BlobSource` over bytes already read (a small file's whole content is its head). */
export function memorySource(bytes: Uint8Array): FileBlobSource {
  return {
    size: BigInt(bytes.length),
    async read(offset, length) {
      return bytes.slice(Number(offset), Number(offset) + length);
    },
    async readInto(offset, into) {
      const part = bytes.subarray(Number(offset), Number(offset) + into.length);
      into.set(part);
      return part.length;
    },
    close: async () => {},
  };
}
