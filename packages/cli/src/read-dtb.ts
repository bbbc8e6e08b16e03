/**
 * Reads a DTB from a file, `-` (stdin), a device or a pipe with memory bounded by what its header
 * may claim: first the header, then at most `totalsize` bytes (itself capped by the core). A 1.5 GB
 * file with a bad magic costs 40 bytes; `/dev/zero` ends at once.
 */
import { type FileHandle, open } from "node:fs/promises";
import { FDT_PROBE_SIZE, FdtError, fdtClaimedSize } from "@guestmap/core";
import { UsageError } from "./io.js";

/** Reads up to `n` bytes from the current position (short only at end of file). */
async function readUpTo(fh: FileHandle, into: Uint8Array, from: number): Promise<number> {
  let got = from;
  while (got < into.length) {
    const { bytesRead } = await fh.read(into, got, into.length - got, null);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

function readReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder; give the .dtb file in it";
  return (e as Error).message;
}

/**
 * The DTB bytes at `path` (`/dev/stdin` for `-`), cut at the header's `totalsize`. Bytes after the
 * blob are ignored, as dtc and QEMU ignore them.
 *
 * @throws UsageError unreadable file, or not a DTB (`label` names it in the one-line message)
 */
export async function readDtbFile(path: string, label: string): Promise<Uint8Array> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, "r");
    const st = await fh.stat();
    if (st.isDirectory()) throw Object.assign(new Error("is a folder"), { code: "EISDIR" });
    const head = new Uint8Array(FDT_PROBE_SIZE);
    const got = await readUpTo(fh, head, 0);
    let total: number;
    try {
      total = fdtClaimedSize(head.subarray(0, got));
    } catch (e) {
      if (e instanceof FdtError) throw new UsageError(`${label} is not a valid DTB: ${e.message}`);
      throw e;
    }
    const bytes = new Uint8Array(Math.max(total, got));
    bytes.set(head.subarray(0, got));
    const end = got < FDT_PROBE_SIZE ? got : await readUpTo(fh, bytes, got);
    return bytes.subarray(0, Math.min(end, total));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${label}: ${readReason(e)}`);
  } finally {
    await fh?.close();
  }
}
