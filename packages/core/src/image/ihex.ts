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

const HEX = "0123456789ABCDEF";

class HexEncoder {
  private text: number[] = [];
  private upper = -1;
  constructor(private readonly sink: ByteSink) {}

  private record(type: number, addr16: number, data: Uint8Array, from: number, len: number): void {
    const t = this.text;
    let sum = len + (addr16 >> 8) + (addr16 & 0xff) + type;
    const byte = (b: number) => {
      t.push(HEX.charCodeAt(b >> 4), HEX.charCodeAt(b & 15));
    };
    t.push(0x3a); // ':'
    byte(len);
    byte(addr16 >> 8);
    byte(addr16 & 0xff);
    byte(type);
    for (let i = 0; i < len; i++) {
      const b = data[from + i]!;
      sum += b;
      byte(b);
    }
    byte(-sum & 0xff);
    t.push(13, 10);
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
      if (this.text.length >= CHUNK) await this.flush();
    }
  }

  async flush(): Promise<void> {
    if (this.text.length === 0) return;
    const chunk = Uint8Array.from(this.text);
    this.text = [];
    await this.sink.write(chunk);
  }

  async end(): Promise<void> {
    this.record(1, 0, new Uint8Array(0), 0, 0);
    await this.flush();
  }
}

/** Writes `regions` over `range` (default: their span) as Intel HEX. */
export async function writeIhex(
  regions: readonly ImageRegion[],
  sink: ByteSink,
  opts: { range?: AddressRange; sparse?: boolean } = {},
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
  let at = start;
  for (const s of plan) {
    const len = s.kind === "bytes" ? BigInt(s.data.length) : s.length;
    if (!(opts.sparse && s.kind === "zeros")) {
      let a = at;
      await forEachChunk([s as Segment], async (c) => {
        await enc.push(a, c);
        a += BigInt(c.length);
      });
    }
    at += len;
  }
  await enc.end();
}
