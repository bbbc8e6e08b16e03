/**
 * Which files QEMU's loaders decompress before placing them, and into how much room
 * (hw/core/loader.c, the same in 7.2 and 10.0): a gzip-compressed `-kernel` (AArch64 only, up to
 * 256 MiB out), a uImage whose `ih_comp` is gzip (up to 64 MiB out) and an arm64 EFI zboot image's
 * gzip payload (8.0+, up to 256 MiB out). Read from the header alone; the decompression itself is
 * unpack.ts (which carries the inflater, so front-ends load it only for such files).
 */
import type { ByteSize, Unpacked } from "../model/types.js";
import { type BlobHeader, UIMAGE_COMP_GZIP, UIMAGE_TYPE_KERNEL, UIMAGE_TYPE_KERNEL_NOLOAD } from "./sniff.js";

const MiB = 1n << 20n;
/** LOAD_IMAGE_MAX_GUNZIP_BYTES (include/hw/loader.h): a gzip `-kernel` and a zboot payload. */
export const MAX_GUNZIP_KERNEL = 256n * MiB;
/** UBOOT_MAX_GUNZIP_BYTES (include/hw/loader.h): a gzip uImage's payload. */
export const MAX_GUNZIP_UIMAGE = 64n * MiB;
/** How many first bytes of the unpacked content are kept for header sniffing. */
export const UNPACKED_HEAD_BYTES = 64 * 1024;

/** The containers QEMU unpacks. */
export type UnpackKind = "gzip" | "uimage-gzip" | "efi-zboot";

/** Whether an {@link Unpacked} is a success. */
export function unpackedContent(u: Unpacked | undefined): { size: ByteSize; head: Uint8Array } | undefined {
  return u && "size" in u ? u : undefined;
}

/** Where the compressed bytes of a file lie and how much QEMU lets them grow. */
export interface UnpackPlan {
  readonly kind: UnpackKind;
  /** File offset of the gzip (or zboot: raw gzip) data. */
  readonly offset: bigint;
  /** How many bytes QEMU hands to gunzip (to the end of the file for a plain gzip kernel). */
  readonly length: bigint;
  readonly cap: bigint;
}

/**
 * What QEMU would unpack in a file with this header and size, or undefined when it unpacks
 * nothing (or refuses before unpacking: a uImage cut short, a zboot payload past the file's end
 * or not gzip — the placements report those from the header alone).
 */
export function unpackPlan(hdr: BlobHeader, size: bigint): UnpackPlan | undefined {
  if (hdr.format === "gzip") return { kind: "gzip", offset: 0n, length: size, cap: MAX_GUNZIP_KERNEL };
  const u = hdr.uimage;
  if (
    u &&
    u.comp === UIMAGE_COMP_GZIP &&
    (u.type === UIMAGE_TYPE_KERNEL || u.type === UIMAGE_TYPE_KERNEL_NOLOAD) &&
    64n + u.size <= size
  )
    return { kind: "uimage-gzip", offset: 64n, length: u.size, cap: MAX_GUNZIP_UIMAGE };
  const z = hdr.zboot;
  if (z && z.compression === "gzip" && z.payloadOffset + z.payloadSize <= size)
    return { kind: "efi-zboot", offset: z.payloadOffset, length: z.payloadSize, cap: MAX_GUNZIP_KERNEL };
  return undefined;
}
