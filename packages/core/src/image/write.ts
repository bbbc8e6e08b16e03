/** Streams a plan into a sink with memory bounded by the chunk size, whatever the image size. */

import type { Segment } from "./plan.js";
import { type ByteSink, ImageError } from "./source.js";

/** The largest read and write the writers issue. */
export const CHUNK = 1 << 20;

let zeroChunk: Uint8Array | undefined;
/** One shared, never-written zero buffer: zero runs are written as views of it. */
function zeros(): Uint8Array {
  zeroChunk ??= new Uint8Array(CHUNK);
  return zeroChunk;
}

/** Calls `each` with the plan's bytes in order, in chunks of at most `CHUNK` bytes. */
export async function forEachChunk(
  plan: readonly Segment[],
  each: (chunk: Uint8Array) => Promise<void>,
): Promise<void> {
  for (const s of plan) {
    if (s.kind === "bytes") {
      if (s.data.length > 0) await each(s.data);
    } else if (s.kind === "zeros") {
      for (let left = s.length; left > 0n; ) {
        const n = left < BigInt(CHUNK) ? Number(left) : CHUNK;
        await each(zeros().subarray(0, n));
        left -= BigInt(n);
      }
    } else {
      for (let done = 0n; done < s.length; ) {
        const left = s.length - done;
        const n = left < BigInt(CHUNK) ? Number(left) : CHUNK;
        const data = await s.source.read(s.offset + done, n);
        if (data.length !== n)
          throw new ImageError(
            "short-read",
            `a blob returned ${data.length} bytes at offset ${s.offset + done} instead of ${n}; the file changed or shrank — reload it and export again`,
          );
        await each(data);
        done += BigInt(n);
      }
    }
  }
}

/** Writes a plan to a sink; zero runs become `sink.skip` (holes) where the sink can skip. */
export async function writePlan(plan: readonly Segment[], sink: ByteSink): Promise<void> {
  if (!sink.skip) return forEachChunk(plan, (c) => sink.write(c));
  for (const s of plan) {
    if (s.kind === "zeros") await sink.skip(s.length);
    else await forEachChunk([s], (c) => sink.write(c));
  }
}
