/**
 * Reads a text input (a layout file, a shell script) bounded in size and strictly as UTF-8: a
 * file name or `-append` holding other bytes would silently become U+FFFD, and QEMU would then be
 * given a name that does not exist.
 */
import { type FileHandle, open } from "node:fs/promises";
import { UsageError } from "./io.js";

/** Layouts and scripts are kilobytes; a layout with every blob's 64 KiB head for 1024 blobs is < 96 MiB. */
export const MAX_TEXT_INPUT = 96 * 1024 * 1024;

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder; give a file";
  return (e as Error).message;
}

/**
 * The UTF-8 text of `path` (a leading byte-order mark is kept for the parser to skip).
 *
 * @throws UsageError unreadable, a folder, larger than `max` bytes, or not UTF-8 — the one-line
 *   message starts with `label`
 */
export async function readTextFile(path: string, label: string, max = MAX_TEXT_INPUT): Promise<string> {
  let fh: FileHandle | undefined;
  let bytes: Uint8Array;
  try {
    fh = await open(path, "r");
    if ((await fh.stat()).isDirectory()) throw Object.assign(new Error("folder"), { code: "EISDIR" });
    const buf = new Uint8Array(Math.min(max + 1, 1 << 20));
    const parts: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      parts.push(buf.slice(0, bytesRead));
      total += bytesRead;
      if (total > max)
        throw new UsageError(
          `${label} is larger than ${max / (1024 * 1024)} MiB; that is not a guestmap layout or a QEMU script`,
        );
    }
    bytes = Buffer.concat(parts);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${label}: ${reason(e)}`);
  } finally {
    await fh?.close();
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const line = bytes.subarray(0, bad).filter((c) => c === 0x0a).length + 1;
    throw new UsageError(
      `${label}: byte ${bad} (line ${line}) is 0x${bytes[bad]!.toString(16).padStart(2, "0")}, not UTF-8; guestmap keeps names and arguments as UTF-8 text, so re-save the file as UTF-8 (or rename the file it names)`,
    );
  }
  return Buffer.from(bytes).toString("utf8");
}

/**
 * Refuses argv elements that held bytes Node could not decode as UTF-8: Node turns each into
 * U+FFFD, so the name would silently change. (A U+FFFD typed on purpose is refused too.)
 */
export function checkArgvText(argv: readonly string[]): void {
  argv.forEach((a, i) => {
    const at = a.indexOf("\uFFFD");
    if (at >= 0)
      throw new UsageError(
        `argument ${i + 1} of the QEMU command line has bytes that are not UTF-8 at character ${at + 1} (Node shows them as U+FFFD); guestmap would write a different name or -append than QEMU gets: rename the file or use UTF-8 text`,
      );
  });
}
