/** One entry point for the three image formats. */
import type { Arch } from "../model/types.js";
import { approxSize, formatSize } from "../util/bigint.js";
import { planElf } from "./elf.js";
import { writeIhex } from "./ihex.js";
import { planLength, planRaw, regionsSpan, resolveSlices } from "./plan.js";
import { type AddressRange, type ByteSink, ImageError, type ImageRegion } from "./source.js";
import { writePlan } from "./write.js";

export type ImageFormat = "raw" | "elf" | "ihex";
export const IMAGE_FORMATS: readonly ImageFormat[] = ["raw", "elf", "ihex"];

export interface ImageOptions {
  readonly format: ImageFormat;
  /** Picks the ELF class and e_machine. */
  readonly arch: Arch;
  /** Default: lowest to highest byte of the regions. */
  readonly range?: AddressRange;
  readonly elfClass?: 32 | 64;
  /** Intel HEX only: leave out zero gaps. */
  readonly sparse?: boolean;
  /**
   * Refuse (`too-large`) before writing anything when the image would be larger than this many
   * bytes. Default: `IMAGE_SIZE_CAP`; `null` allows any size.
   */
  readonly maxBytes?: bigint | null;
  /**
   * Called as the image is written, with how many bytes of the range are done (zero gaps count)
   * and the range's size: for a progress line. Not called more often than once per chunk.
   */
  readonly onProgress?: (done: bigint, total: bigint) => void;
}

/**
 * The default cap on an image's size: 4 GiB. A layout whose blobs lie far apart (a loader at
 * 0xfffffffffffff000 and a kernel at 0x40000000 span 16 EiB) would otherwise write zeros until the
 * disk is full; real boot images are a few hundred MiB.
 */
export const IMAGE_SIZE_CAP = 4n << 30n;

/**
 * The largest image writable at all, cap or no cap: 16 TiB, the largest file ext4 holds (and far
 * past any guest RAM guestmap models). A forced export above it fails before writing.
 */
export const IMAGE_SIZE_LIMIT = 1n << 44n;

/** Intel HEX text per data byte: ":10AAAA00" + 32 hex digits + checksum + CRLF per 16 bytes. */
const IHEX_BYTES_PER_16 = 44n;

/**
 * How many bytes `writeImage` would write for these regions and options, computed without reading
 * or writing anything (an Intel HEX count leaves out its few address records). Throws `ImageError`
 * as `writeImage` would for a bad range or regions past 2^64.
 */
export function imageSize(regions: readonly ImageRegion[], opts: ImageOptions): bigint {
  const range = opts.range ?? regionsSpan(regions);
  const slices = resolveSlices(regions, range);
  if (opts.format === "raw") return range.end - range.start;
  if (opts.format === "elf")
    return planLength(planElf(regions, { arch: opts.arch, elfClass: opts.elfClass }, range));
  const data = opts.sparse ? slices.reduce((n, s) => n + s.length, 0n) : range.end - range.start;
  return ((data + 15n) / 16n) * IHEX_BYTES_PER_16 + 11n;
}
/**
 * Throws `too-large` when the image would pass `opts.maxBytes` (default `IMAGE_SIZE_CAP`), and
 * the writers' errors for a bad range or regions past 2^64 — at once, before any byte is read.
 * Writers that build an image another way (the browser's Blob) call it first.
 */
export function checkImageSize(regions: readonly ImageRegion[], opts: ImageOptions): void {
  const cap = opts.maxBytes === undefined ? IMAGE_SIZE_CAP : opts.maxBytes;
  const size = imageSize(regions, opts);
  if (cap !== null && size > cap)
    throw new ImageError(
      "too-large",
      `the ${opts.format} image would be ${approxSize(size)} (${size} bytes), more than the ${formatSize(cap)} cap: its range spans from the lowest to the highest blob; export a narrower range`,
    );
}

/**
 * Streams the memory image of `regions` to `sink`. Memory use is bounded by the 1 MiB chunk
 * size, not the image size; zero runs are holes where the sink can `skip`. Throws `ImageError`
 * (`too-large` before writing anything when the image would pass `maxBytes`).
 */
export async function writeImage(
  regions: readonly ImageRegion[],
  sink: ByteSink,
  opts: ImageOptions,
): Promise<void> {
  checkImageSize(regions, opts);
  if (opts.format === "ihex")
    return writeIhex(regions, sink, { range: opts.range, sparse: opts.sparse, onProgress: opts.onProgress });
  const plan =
    opts.format === "elf"
      ? planElf(regions, { arch: opts.arch, elfClass: opts.elfClass }, opts.range)
      : planRaw(regions, opts.range);
  await writePlan(plan, sink, opts.onProgress);
}
