/**
 * The one bounds-checked window onto untrusted DTB bytes. Every read of the decoder and the
 * header check goes through a {@link ByteReader}; offsets and sizes taken from the input are
 * only ever passed to it, never used to index the buffer directly.
 */
import { FdtError, hex } from "./errors.js";

/** Longest run converted per String.fromCharCode call: larger spreads overflow the call stack. */
const CHUNK = 0x2000;

export class ByteReader {
  private readonly view: DataView;

  /**
   * @param bytes the whole input
   * @param end   first offset that may not be read (≤ bytes.length); reads at or past it are
   *              TRUNCATED. The header check narrows this to `totalsize`.
   */
  constructor(
    readonly bytes: Uint8Array,
    readonly end: number = bytes.length,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!(end >= 0 && end <= bytes.length))
      throw new FdtError("INTERNAL", `reader end ${end} outside buffer`);
  }

  /** A reader over the same bytes that stops at `end` (clamped to this reader's end). */
  narrow(end: number): ByteReader {
    return new ByteReader(this.bytes, Math.min(end, this.end));
  }

  /** Throw TRUNCATED unless [offset, offset+len) lies inside [0, limit). */
  check(offset: number, len: number, what: string, limit: number = this.end): void {
    if (!(Number.isSafeInteger(offset) && offset >= 0 && len >= 0 && offset + len <= limit)) {
      const at = Number.isSafeInteger(offset) && offset >= 0 ? Math.min(offset, this.bytes.length) : 0;
      throw new FdtError(
        "TRUNCATED",
        `${what} needs ${len} byte(s) at ${hex(offset)} but the data ends at ${hex(limit)}; the blob is cut short or a size/offset in it is wrong`,
        at,
      );
    }
  }

  u32(offset: number, what: string, limit?: number): number {
    this.check(offset, 4, what, limit);
    return this.view.getUint32(offset, false);
  }

  u64(offset: number, what: string, limit?: number): bigint {
    this.check(offset, 8, what, limit);
    return this.view.getBigUint64(offset, false);
  }

  /** A copy of [offset, offset+len): decoded trees must not alias the caller's buffer. */
  copy(offset: number, len: number, what: string, limit?: number): Uint8Array {
    this.check(offset, len, what, limit);
    return this.bytes.slice(offset, offset + len);
  }

  /** Offset of the first NUL at or after `offset` and before `limit`; TRUNCATED if there is none. */
  nul(offset: number, what: string, limit: number = this.end): number {
    this.check(offset, 0, what, limit);
    const at = this.bytes.indexOf(0, offset);
    if (at < 0 || at >= limit) {
      throw new FdtError(
        "TRUNCATED",
        `${what} starting at ${hex(offset)} has no terminating NUL before ${hex(limit)}`,
        offset,
      );
    }
    return at;
  }

  /** Bytes [start, end) as a string of one char per byte (lossless for any byte value). */
  latin1(start: number, end: number, what: string): string {
    this.check(start, end - start, what);
    if (end - start <= CHUNK)
      return String.fromCharCode.apply(null, this.bytes.subarray(start, end) as unknown as number[]);
    const parts: string[] = [];
    for (let p = start; p < end; p += CHUNK) {
      parts.push(
        String.fromCharCode.apply(
          null,
          this.bytes.subarray(p, Math.min(end, p + CHUNK)) as unknown as number[],
        ),
      );
    }
    return parts.join("");
  }
}

/**
 * For the block [start, end): entry i holds the block-relative offset of the first NUL at or
 * after i, or -1. Built once per decode so that looking up many names — even hostile ones
 * pointing into one long unterminated run — stays linear.
 */
export function nulTable(reader: ByteReader, start: number, end: number): Int32Array {
  reader.check(start, end - start, "the strings block");
  const table = new Int32Array(end - start);
  const bytes = reader.bytes;
  let next = -1;
  for (let i = end - start - 1; i >= 0; i--) {
    if (bytes[start + i] === 0) next = i;
    table[i] = next;
  }
  return table;
}
