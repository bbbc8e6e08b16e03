/** One entry point for the three image formats. */
import type { Arch } from "../model/types.js";
import { planElf } from "./elf.js";
import { writeIhex } from "./ihex.js";
import { planRaw } from "./plan.js";
import type { AddressRange, ByteSink, ImageRegion } from "./source.js";
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
}

/**
 * Streams the memory image of `regions` to `sink`. Memory use is bounded by the 1 MiB chunk
 * size, not the image size. Throws `ImageError`.
 */
export async function writeImage(
  regions: readonly ImageRegion[],
  sink: ByteSink,
  opts: ImageOptions,
): Promise<void> {
  if (opts.format === "ihex") return writeIhex(regions, sink, { range: opts.range, sparse: opts.sparse });
  const plan =
    opts.format === "elf"
      ? planElf(regions, { arch: opts.arch, elfClass: opts.elfClass }, opts.range)
      : planRaw(regions, opts.range);
  await writePlan(plan, sink);
}
