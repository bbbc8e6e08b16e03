/**
 * Memory images in the browser: the core's plan turned into a `Blob` composed of `File` slices
 * and one shared zero chunk, so a 1 GiB image needs no 1 GiB of memory. Intel HEX is text the
 * core streams chunk by chunk.
 */
import {
  type Arch,
  type BlobSource,
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

/** A plan as Blob parts: bytes as-is, zero runs as the shared chunk, blob slices as File slices. */
export function planToBlob(plan: readonly Segment[]): Blob {
  const parts: BlobPart[] = [];
  for (const s of plan) {
    if (s.kind === "bytes") parts.push(s.data as Uint8Array<ArrayBuffer>);
    else if (s.kind === "zeros") parts.push(...zeros(s.length));
    else {
      if (!(s.source instanceof FileSource))
        throw new Error("image sources must be FileSource in the browser");
      const start = Number(s.offset);
      parts.push(s.source.file.slice(start, start + Number(s.length)));
    }
  }
  return new Blob(parts, { type: "application/octet-stream" });
}

export async function imageBlob(
  regions: readonly ImageRegion[],
  format: ImageFormat,
  arch: Arch,
): Promise<Blob> {
  if (format === "raw") return planToBlob(planRaw(regions));
  if (format === "elf") return planToBlob(planElf(regions, { arch }));
  const chunks: Blob[] = [];
  await writeIhex(regions, {
    write: async (c) => {
      chunks.push(new Blob([c as Uint8Array<ArrayBuffer>]));
    },
  });
  return new Blob(chunks, { type: "text/plain" });
}
