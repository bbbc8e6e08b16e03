/**
 * Intel HEX (I8HEX + type 04 extended linear address records, as objcopy writes it): 16 data
 * bytes per record, records never cross a 64 KiB boundary, CRLF line ends, an EOF record. The
 * whole range is encoded, zeros included, so that it loads exactly like the raw image; `sparse`
 * leaves out the zero gaps between blobs instead (smaller, but then the gaps keep whatever RAM
 * held). Addresses at or above 4 GiB cannot be expressed.
 */
import { hex } from "../util/bigint.js";
import { planRaw, regionsSpan, type Segment } from "./plan.js";
import { type AddressRange, type ByteSink, ImageError, type ImageRegion } from "./source.js";
import { CHUNK, forEachChunk } from "./write.js";

/** The upper and lower hex digit of each byte value, as ASCII codes. */
const HI = new Uint8Array(256);
const LO = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  HI[b] = "0123456789ABCDEF".charCodeAt(b >> 4);
  LO[b] = "0123456789ABCDEF".charCodeAt(b & 15);
}
/** The longest record: ':' + 2 × (1 + 2 + 1 + 16 + 1) hex digits + CRLF. */
const MAX_RECORD = 1 + 2 * 21 + 2;

/**
 * Encodes records into a byte buffer flushed at `CHUNK`. With a sink that consumes its chunks, two
 * buffers alternate: one is encoded while the sink writes the other.
 */
class HexEncoder {
  private readonly buffers: Uint8Array[];
  private out: Uint8Array;
  private k = 0;
  private n = 0;
  private upper = -1;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly sink: ByteSink) {
    const reuse = sink.consumesChunks === true;
    this.buffers = reuse ? [new Uint8Array(CHUNK + MAX_RECORD), new Uint8Array(CHUNK + MAX_RECORD)] : [];
    this.out = reuse ? this.buffers[0]! : new Uint8Array(CHUNK + MAX_RECORD);
  }

  private record(type: number, addr16: number, data: Uint8Array, from: number, len: number): void {
    const o = this.out;
    let n = this.n;
    const ah = addr16 >> 8;
    const al = addr16 & 0xff;
    let sum = len + ah + al + type;
    o[n] = 0x3a; // ':'
    o[n + 1] = HI[len]!;
    o[n + 2] = LO[len]!;
    o[n + 3] = HI[ah]!;
    o[n + 4] = LO[ah]!;
    o[n + 5] = HI[al]!;
    o[n + 6] = LO[al]!;
    o[n + 7] = HI[type]!;
    o[n + 8] = LO[type]!;
    n += 9;
    for (let i = from, end = from + len; i < end; i++) {
      const b = data[i]!;
      sum += b;
      o[n] = HI[b]!;
      o[n + 1] = LO[b]!;
      n += 2;
    }
    const c = -sum & 0xff;
    o[n] = HI[c]!;
    o[n + 1] = LO[c]!;
    o[n + 2] = 13;
    o[n + 3] = 10;
    this.n = n + 4;
  }

  /** Encodes `data` placed at `addr` (< 4 GiB, checked by the caller). */
  async push(addr: bigint, data: Uint8Array): Promise<void> {
    let a = Number(addr);
    for (let i = 0; i < data.length; ) {
      const up = Math.floor(a / 0x10000);
      if (up !== this.upper) {
        this.record(4, 0, Uint8Array.of(up >> 8, up & 0xff), 0, 2);
        this.upper = up;
      }
      const low = a % 0x10000;
      const n = Math.min(16, data.length - i, 0x10000 - low);
      this.record(0, low, data, i, n);
      i += n;
      a += n;
      if (this.n >= CHUNK) await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.n === 0) return;
    if (this.buffers.length === 0) {
      // The sink may keep the chunk: hand it this buffer and encode on into a new one.
      const chunk = this.out.subarray(0, this.n);
      this.out = new Uint8Array(CHUNK + MAX_RECORD);
      this.n = 0;
      await this.sink.write(chunk);
      return;
    }
    await this.pending;
    this.pending = this.sink.write(this.out.subarray(0, this.n));
    // Thrown by the next flush's or end's await; handled here so it never counts as unhandled.
    this.pending.catch(() => {});
    this.k ^= 1;
    this.out = this.buffers[this.k]!;
    this.n = 0;
  }

  /** Waits for a write still running, whatever its outcome. */
  async settle(): Promise<void> {
    await this.pending.catch(() => {});
  }

  async end(): Promise<void> {
    this.record(1, 0, new Uint8Array(0), 0, 0);
    await this.flush();
    await this.pending;
  }
}

/** Writes `regions` over `range` (default: their span) as Intel HEX. */
export async function writeIhex(
  regions: readonly ImageRegion[],
  sink: ByteSink,
  opts: { range?: AddressRange; sparse?: boolean; onProgress?: (done: bigint, total: bigint) => void } = {},
): Promise<void> {
  const plan = planRaw(regions, opts.range);
  const start = (opts.range ?? regionsSpan(regions)).start;
  let end = start;
  for (const s of plan) end += s.kind === "bytes" ? BigInt(s.data.length) : s.length;
  if (end > 1n << 32n)
    throw new ImageError(
      "address-too-high",
      `Intel HEX addresses stop at 4 GiB but the image reaches ${hex(end - 1n)}; use a raw or ELF image, or a range below 0x100000000`,
    );
  const enc = new HexEncoder(sink);
  const buffers = {};
  const total = end - start;
  let at = start;
  try {
    for (const s of plan) {
      const len = s.kind === "bytes" ? BigInt(s.data.length) : s.length;
      if (!(opts.sparse && s.kind === "zeros")) {
        let a = at;
        // push() has encoded every byte of a chunk when it resolves: its buffers may be reused.
        await forEachChunk(
          [s as Segment],
          async (c) => {
            await enc.push(a, c);
            a += BigInt(c.length);
            opts.onProgress?.(a - start, total);
          },
          buffers,
        );
      }
      at += len;
      opts.onProgress?.(at - start, total);
    }
    await enc.end();
  } catch (e) {
    // A write may still be running into a buffer: let it settle before the caller cleans up.
    await enc.settle();
    throw e;
  }
}
