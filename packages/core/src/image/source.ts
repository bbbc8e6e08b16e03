/**
 * The image writer's injected I/O: where blob bytes come from and where image bytes go. The core
 * never opens files; the CLI passes file handles, the browser `File.slice`.
 */

/** Random-access bytes of one blob (a file). */
export interface BlobSource {
  /** Total size in bytes. */
  readonly size: bigint;
  /**
   * Reads `length` bytes (≤ 1 MiB per call from the writers) at `offset`. Must return exactly
   * `length` bytes; the writers check and fail with `short-read` otherwise.
   */
  read(offset: bigint, length: number): Promise<Uint8Array>;
  /**
   * Optional: reads `into.length` bytes at `offset` into `into` and returns how many it read (fewer
   * only at the end of the source). With a sink that `consumesChunks`, the writers then reuse
   * two buffers for a whole blob instead of allocating one per chunk.
   */
  readInto?(offset: bigint, into: Uint8Array): Promise<number>;
}

/**
 * Where an image goes. A chunk may be retained by the sink — writers never mutate it afterwards —
 * unless the sink `consumesChunks`.
 */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  /**
   * True when `write` has done with a chunk once its promise resolves (a file or device: the
   * bytes are in the kernel's hands), so the writer may refill that buffer; writes of one
   * sink are then also issued one at a time, each after the previous one resolved.
   */
  readonly consumesChunks?: boolean;
  /**
   * With `consumesChunks`: `write` takes its place in the output when it is called (a file
   * written at explicit positions), so the writer may call it again before the previous write
   * resolved — several reads and writes of a large blob then run at once. Chunks are still
   * handed over in the output's order.
   */
  readonly overlapsWrites?: boolean;
  /**
   * Optional: advances over `length` zero bytes without writing them. A file sink leaves a hole
   * (a sparse file), so a mostly-empty span costs neither time nor disk.
   */
  skip?(length: bigint): Promise<void>;
}

/** One blob placed in guest memory. */
export interface ImageRegion {
  readonly addr: bigint;
  /** Bytes of `source` to place (from its start); at most `source.size`. */
  readonly size: bigint;
  readonly source: BlobSource;
  /** For messages, e.g. the file name. */
  readonly name?: string;
}

/** An inclusive-exclusive address range `[start, end)`. */
export interface AddressRange {
  readonly start: bigint;
  readonly end: bigint;
}

/**
 * Image writer errors:
 * - `region-exceeds-source`: a region's size is larger than its source.
 * - `bad-range`: the range is empty, reversed, or the regions are all empty.
 * - `address-too-high`: the format cannot express an address (Intel HEX: ≥ 4 GiB; ELF32: ≥ 4 GiB).
 * - `short-read`: a source returned fewer bytes than asked (the file changed or was truncated).
 * - `address-overflow`: a region or the range ends past 2^64, which no guest address reaches.
 * - `too-large`: the output would be larger than the caller's `maxBytes` cap.
 */
export type ImageErrorCode =
  | "region-exceeds-source"
  | "bad-range"
  | "address-too-high"
  | "short-read"
  | "address-overflow"
  | "too-large";

export class ImageError extends Error {
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ImageError";
  }
}
