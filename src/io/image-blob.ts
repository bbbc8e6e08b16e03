/**
 * Memory images in the browser: the core's plan turned into a `Blob` composed of `File` slices
 * and one shared zero chunk, so a 1 GiB image needs no 1 GiB of memory. Intel HEX is text the
 * core streams chunk by chunk.
 */
import {
  type AddressRange,
  type Arch,
  type BlobSource,
  CHUNK,
  checkImageSize,
  type ImageFormat,
  type ImageRegion,
  planElf,
  planRaw,
  type Segment,
  writeIhex,
} from "@guestmap/core";

/** A File as the core's random-access blob source. */
export class FileSource implements BlobSource {
  readonly size: bigint;
  constructor(readonly file: Blob) {
    this.size = BigInt(file.size);
  }
  async read(offset: bigint, length: number): Promise<Uint8Array> {
    const start = Number(offset);
    return new Uint8Array(await this.file.slice(start, start + length).arrayBuffer());
  }
}

const ZERO = 1 << 20;
let zeroChunk: Blob | undefined;

function zeros(length: bigint): Blob[] {
  zeroChunk ??= new Blob([new Uint8Array(ZERO)]);
  const out: Blob[] = [];
  for (let left = length; left > 0n; ) {
    const n = left < BigInt(ZERO) ? Number(left) : ZERO;
    out.push(n === ZERO ? zeroChunk : zeroChunk.slice(0, n));
    left -= BigInt(n);
  }
  return out;
}

/**
 * A plan as Blob parts: bytes as-is, zero runs as the shared chunk, File slices by reference.
 * Other sources (a uImage payload seen past its header) are read chunk by chunk.
 */
export async function planToBlob(plan: readonly Segment[]): Promise<Blob> {
  const parts: BlobPart[] = [];
  for (const s of plan) {
    if (s.kind === "bytes") parts.push(s.data as Uint8Array<ArrayBuffer>);
    else if (s.kind === "zeros") parts.push(...zeros(s.length));
    else if (s.source instanceof FileSource) {
      const start = Number(s.offset);
      parts.push(s.source.file.slice(start, start + Number(s.length)));
    } else {
      for (let done = 0n; done < s.length; ) {
        const n = s.length - done < BigInt(CHUNK) ? Number(s.length - done) : CHUNK;
        parts.push(new Blob([(await s.source.read(s.offset + done, n)) as Uint8Array<ArrayBuffer>]));
        done += BigInt(n);
      }
    }
  }
  return new Blob(parts, { type: "application/octet-stream" });
}

export async function imageBlob(
  regions: readonly ImageRegion[],
  format: ImageFormat,
  arch: Arch,
  range?: AddressRange,
): Promise<Blob> {
  // A 16 EiB span must fail now with the reason, not after a minute with "Invalid array length".
  checkImageSize(regions, { format, arch, ...(range && { range }) });
  if (format === "raw") return planToBlob(planRaw(regions, range));
  if (format === "elf") return planToBlob(planElf(regions, { arch }, range));
  const chunks: Blob[] = [];
  const sink = {
    write: async (c: Uint8Array) => {
      chunks.push(new Blob([c as Uint8Array<ArrayBuffer>]));
    },
  };
  await writeIhex(regions, sink, range ? { range } : {});
  return new Blob(chunks, { type: "text/plain" });
}
