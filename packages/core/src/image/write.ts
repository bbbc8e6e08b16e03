/** Streams a plan into a sink with memory bounded by the chunk size, whatever the image size. */

import { type Segment, segmentLength } from "./plan.js";
import { type ByteSink, ImageError } from "./source.js";

/** The largest read and write the writers issue into a sink that may keep its chunks. */
export const CHUNK = 1 << 20;

/**
 * The read and write size for a sink that `consumesChunks` and a source that can `readInto`: the
 * pieces a blob is copied in, and the staging buffer for small segments. 1 MiB, as `dd bs=1M`:
 * against 4 MiB on the whole `export --image` of 512 MiB (bench/image-raw.bench.ts, the CPU kept
 * to itself with SCHED_FIFO, 15 alternating runs) the fastest runs were alike but none stalled:
 * 162–174 ms against 165 ms to 1.25 s, where a quarter of the 4 MiB runs stalled for 0.4–1 s
 * (likely the kernel's dirty-page throttling, which pauses a writer for the pages one write dirties).
 */
export const COPY_CHUNK = 1 << 20;

/**
 * Pieces of a blob in flight at once for a sink that `overlapsWrites` (a file written at explicit
 * positions): one `COPY_CHUNK` buffer each, each piece read and then written without waiting for
 * the write before it. Measured on the copy of 512 MiB into a 1 GiB file (BENCHMARKS.md, raw
 * image): two such pieces beat one read beside one write in wall time, and four 4 MiB pieces cost
 * more CPU for no gain (ext4 takes buffered writes to one file one at a time, and 16 MiB in flight
 * falls out of the caches).
 */
export const OVERLAPPED_BUFFERS = 2;

let zeroChunk: Uint8Array | undefined;
/** One shared, never-written zero buffer: zero runs are written as views of it. */
function zeros(): Uint8Array {
  zeroChunk ??= new Uint8Array(CHUNK);
  return zeroChunk;
}

/**
 * The buffers one export reuses, allocated on first use: pass `{}`. `overlap`: the sink takes
 * its place in the output when `write` is called (`ByteSink.overlapsWrites`).
 */
export interface CopyBuffers {
  overlap?: boolean;
  pool?: Uint8Array[];
}

/**
 * Calls `each` with the plan's bytes in order, in chunks of at most `CHUNK` bytes — or, with
 * `reuse` (`each` has done with a chunk when its promise resolves) and a source that can
 * `readInto`, blob bytes in `COPY_CHUNK` pieces of reused buffers, reads running ahead of `each`
 * (see `pipeBlob`).
 */
export async function forEachChunk(
  plan: readonly Segment[],
  each: (chunk: Uint8Array) => Promise<void>,
  reuse?: CopyBuffers,
): Promise<void> {
  for (const s of plan) {
    if (s.kind === "blob" && reuse && s.source.readInto) {
      reuse.pool ??= Array.from(
        { length: reuse.overlap ? OVERLAPPED_BUFFERS : 2 },
        () => new Uint8Array(COPY_CHUNK),
      );
      await pipeBlob(s, reuse.pool, each, reuse.overlap === true);
    } else if (s.kind === "bytes") {
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
        if (data.length !== n) throw shortRead(data.length, s.offset + done, n);
        await each(data);
        done += BigInt(n);
      }
    }
  }
}

/**
 * One blob slice in `COPY_CHUNK` pieces, one buffer per piece in flight: each buffer reads its
 * next piece as soon as its previous piece is consumed, so reads run ahead of `each`. `each` is
 * called in the slice's order: with `overlap`, as soon as the piece before was handed over (the
 * sink placed it; several writes then run at once), else once that piece's `each` resolved.
 * Returns or throws only when every read and `each` it started has settled, so no buffer is
 * still in use afterwards and a failure is never left unhandled.
 */
async function pipeBlob(
  s: Extract<Segment, { kind: "blob" }>,
  buffers: readonly Uint8Array[],
  each: (chunk: Uint8Array) => Promise<void>,
  overlap: boolean,
): Promise<void> {
  const step = BigInt(COPY_CHUNK);
  const pieces = (s.length + step - 1n) / step;
  let next = 0n;
  // Resolves when the piece taken last may call `each`: a chain in the pieces' order.
  let turn: Promise<void> = Promise.resolve();
  let failure: { error: unknown } | undefined;
  const worker = async (buffer: Uint8Array) => {
    while (next < pieces && !failure) {
      const at = next++ * step;
      const mine = turn;
      let pass!: () => void;
      turn = new Promise((r) => {
        pass = r;
      });
      try {
        const n = s.length - at < step ? Number(s.length - at) : COPY_CHUNK;
        const buf = buffer.subarray(0, n);
        const got = await s.source.readInto!(s.offset + at, buf);
        if (got !== n) throw shortRead(got, s.offset + at, n);
        await mine;
        if (failure) return;
        const done = each(buf);
        if (overlap) pass();
        await done;
      } catch (e) {
        failure ??= { error: e };
      } finally {
        pass();
      }
    }
  };
  await Promise.all(buffers.map(worker));
  if (failure) throw failure.error;
}

function shortRead(got: number, offset: bigint, n: number): ImageError {
  return new ImageError(
    "short-read",
    `a blob returned ${got} bytes at offset ${offset} instead of ${n}; the file changed or shrank — reload it and export again`,
  );
}

/** Segments up to this size are gathered into one write (100k 4 KiB blobs: ~100 writes, not 100k). */
export const SMALL_SEGMENT = 64 << 10;

/**
 * Writes a plan to a sink; zero runs become `sink.skip` (holes) where the sink can skip.
 * `onProgress` hears the bytes done after each write and skip. For a sink that `consumesChunks`,
 * small segments (≤ SMALL_SEGMENT: blobs, bytes, short zero gaps) are copied into one staging
 * buffer and written together.
 */
export async function writePlan(
  plan: readonly Segment[],
  sink: ByteSink,
  onProgress?: (done: bigint, total: bigint) => void,
): Promise<void> {
  const reuse: CopyBuffers | undefined =
    sink.consumesChunks === true ? { overlap: sink.overlapsWrites === true } : undefined;
  let total = 0n;
  for (const s of plan) total += segmentLength(s);
  let done = 0n;
  const write = async (c: Uint8Array) => {
    await sink.write(c);
    done += BigInt(c.length);
    onProgress?.(done, total);
  };
  let stage: Uint8Array | undefined;
  let staged = 0;
  const flush = async () => {
    if (staged === 0) return;
    const n = staged;
    staged = 0;
    await write(stage!.subarray(0, n));
  };
  for (const s of plan) {
    const len = segmentLength(s);
    if (reuse && len <= BigInt(SMALL_SEGMENT)) {
      const n = Number(len);
      stage ??= new Uint8Array(COPY_CHUNK);
      if (staged + n > stage.length) await flush();
      const into = stage.subarray(staged, staged + n);
      if (s.kind === "zeros") into.fill(0);
      else if (s.kind === "bytes") into.set(s.data);
      else {
        let got: number;
        if (s.source.readInto) got = await s.source.readInto(s.offset, into);
        else {
          const data = await s.source.read(s.offset, n);
          got = data.length;
          if (got === n) into.set(data);
        }
        if (got !== n) throw shortRead(got, s.offset, n);
      }
      staged += n;
      continue;
    }
    await flush();
    if (s.kind === "zeros" && sink.skip) {
      await sink.skip(s.length);
      done += s.length;
      onProgress?.(done, total);
    } else await forEachChunk([s], write, reuse);
  }
  await flush();
}
