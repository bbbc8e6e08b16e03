/**
 * What QEMU's loaders decompress before they place a kernel (which files: unpack-plan.ts),
 * measured the way QEMU measures it (hw/core/loader.c, the same in 7.2 and 10.0). QEMU's `gunzip()` skips the gzip header by hand, inflates
 * the raw deflate stream in one call into a buffer of the cap, and fails when the output does not
 * fit or the stream is cut short; the CRC and length trailer are never read.
 *
 * The result is what `LayoutBlob.unpacked` carries; the adapters stream the file through an
 * {@link Unpacker} (the CLI from disk, the app from the dropped File), so memory stays at the
 * kept head however large the kernel is.
 */
import { Inflate } from "fflate";
import type { Unpacked } from "../model/types.js";
import { sniffHeader } from "./sniff.js";
import { UNPACKED_HEAD_BYTES, type UnpackPlan, unpackPlan } from "./unpack-plan.js";

/** gzip header flags (RFC 1952), as QEMU's gunzip() reads them. */
const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;

/**
 * Where the deflate stream starts in `b` (a gzip member's start), as QEMU's gunzip() skips the
 * header: `"need"` when `b` is too short to tell yet, a string when QEMU calls it bad.
 */
function deflateStart(b: Uint8Array, whole: boolean): number | "need" | string {
  if (b.length < 10) return whole ? "gzip header cut short" : "need";
  const flags = b[3]!;
  // QEMU checks the method and reserved flags only (not the 1f 8b magic of a uImage payload).
  if (b[2] !== 8 || (flags & FRESERVED) !== 0) return "not gzip (bad method or flags)";
  let i = 10;
  if (flags & FEXTRA) {
    if (b.length < 12) return whole ? "gzip header cut short" : "need";
    i = 12 + b[10]! + (b[11]! << 8);
  }
  for (const f of [FNAME, FCOMMENT]) {
    if (!(flags & f)) continue;
    while (i < b.length && b[i] !== 0) i++;
    if (i >= b.length) return whole ? "gzip header cut short" : "need";
    i++;
  }
  if (flags & FHCRC) i += 2;
  if (i >= b.length) return whole ? "gzip header cut short" : "need";
  return i;
}

/** Input bytes inflated per step. */
const FEED_BYTES = 16 * 1024;

/** Stops the inflater once the output passes the cap. */
class TooLarge extends Error {}

/**
 * Feeds a file's bytes, in order from offset 0, to QEMU's decompression of it. `push` every chunk
 * (or stop early once `done`), then `finish`.
 */
export class Unpacker {
  private pos = 0n;
  private headerBuf: Uint8Array | undefined = new Uint8Array(0);
  private readonly inflate: Inflate;
  private out = 0n;
  /** The first UNPACKED_HEAD_BYTES of the output, as it came. */
  private readonly headParts: Uint8Array[] = [];
  private headLength = 0;
  private failure: Extract<Unpacked, { failure: unknown }> | undefined;
  private ended = false;

  constructor(readonly plan: UnpackPlan) {
    this.inflate = new Inflate((chunk) => {
      if (this.headLength < UNPACKED_HEAD_BYTES) {
        const part = chunk.slice(0, UNPACKED_HEAD_BYTES - this.headLength);
        this.headParts.push(part);
        this.headLength += part.length;
      }
      this.out += BigInt(chunk.length);
      if (this.out > plan.cap) throw new TooLarge();
    });
  }

  /** Bytes unpacked so far. */
  get unpackedBytes(): bigint {
    return this.out;
  }

  /** The first bytes unpacked so far (up to UNPACKED_HEAD_BYTES). */
  private head(): Uint8Array {
    const h = new Uint8Array(this.headLength);
    let at = 0;
    for (const p of this.headParts) {
      h.set(p, at);
      at += p.length;
    }
    return h;
  }

  /** Whether the content unpacked so far starts like a kernel. */
  headIsKernel(): boolean {
    return sniffHeader(this.head()).isKernel;
  }

  /** True once more bytes cannot change the result. */
  get done(): boolean {
    return this.failure !== undefined || this.ended;
  }

  /** The next bytes of the file (chunks must follow each other from offset 0). */
  push(chunk: Uint8Array): void {
    const start = this.pos;
    this.pos += BigInt(chunk.length);
    if (this.done) return;
    const { offset, length } = this.plan;
    const from = offset > start ? offset - start : 0n;
    const to = offset + length - start;
    if (from >= BigInt(chunk.length) || to <= 0n) return;
    let part = chunk.subarray(Number(from), Number(to < BigInt(chunk.length) ? to : BigInt(chunk.length)));
    const last = this.pos >= offset + length;
    if (this.headerBuf) {
      const joined = new Uint8Array(this.headerBuf.length + part.length);
      joined.set(this.headerBuf);
      joined.set(part, this.headerBuf.length);
      const at = deflateStart(joined, last);
      if (at === "need") {
        this.headerBuf = joined;
        return;
      }
      if (typeof at === "string") {
        this.failure = { failure: "corrupt", detail: at };
        return;
      }
      this.headerBuf = undefined;
      part = joined.subarray(at);
    }
    this.feed(part, last);
  }

  private feed(part: Uint8Array, last: boolean): void {
    try {
      // Small input slices bound each step's output (deflate expands at most ~1032×), so a
      // hostile stream is stopped at the cap rather than inflated whole in memory.
      for (let i = 0; i < part.length; i += FEED_BYTES)
        this.inflate.push(part.subarray(i, i + FEED_BYTES), last && i + FEED_BYTES >= part.length);
      if (last) {
        if (part.length === 0) this.inflate.push(part, true);
        this.ended = true;
      }
    } catch (e) {
      this.failure =
        e instanceof TooLarge
          ? { failure: "too-large", detail: `more than ${this.plan.cap} bytes decompressed` }
          : { failure: "corrupt", detail: `not a whole deflate stream (${(e as Error).message})` };
    }
  }

  /** What QEMU gets out of the file. */
  finish(): Unpacked {
    if (!this.done) {
      // The file ended before the compressed bytes did (a plain gzip kernel's length is the file's).
      if (this.headerBuf) return { failure: "corrupt", detail: "gzip header cut short" };
      this.feed(new Uint8Array(0), true);
    }
    if (this.failure) return this.failure;
    return { size: this.out, head: this.head() };
  }
}

/**
 * An {@link Unpacker} for a file whose first bytes are `head` and whose size is `size`, or
 * undefined when QEMU unpacks nothing in it.
 */
export function unpackerFor(head: Uint8Array | undefined, size: bigint): Unpacker | undefined {
  const plan = unpackPlan(sniffHeader(head), size);
  return plan && new Unpacker(plan);
}

/** What QEMU unpacks from a whole file held in memory (tests, small files). */
export function unpackBytes(bytes: Uint8Array): Unpacked | undefined {
  const u = unpackerFor(bytes, BigInt(bytes.length));
  if (!u) return undefined;
  u.push(bytes);
  return u.finish();
}

/**
 * What QEMU unpacks from a file read as a stream of chunks (from offset 0), reading no further than
 * needed. `kernelsOnly`: give up on a plain gzip file once its first 64 KiB unpacked are not a
 * kernel (a gzip initrd, which no QEMU loader unpacks) — for front-ends that do not know yet
 * whether the file will be `-kernel`.
 */
export async function unpackStream(
  head: Uint8Array | undefined,
  size: bigint,
  chunks: AsyncIterable<Uint8Array>,
  opts: { kernelsOnly?: boolean } = {},
): Promise<Unpacked | undefined> {
  const u = unpackerFor(head, size);
  if (!u) return undefined;
  const judge = opts.kernelsOnly && u.plan.kind === "gzip";
  for await (const c of chunks) {
    u.push(c);
    if (judge && u.unpackedBytes >= BigInt(UNPACKED_HEAD_BYTES) && !u.headIsKernel()) return undefined;
    if (u.done) break;
  }
  const r = u.finish();
  if (judge && "size" in r && !sniffHeader(r.head).isKernel) return undefined;
  return r;
}
