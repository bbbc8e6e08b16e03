/**
 * The flattened device tree wire format (devicetree specification v0.4, chapter 5), as libfdt's
 * `fdt.h` defines it. Nothing here reads or writes bytes; it only names the layout.
 */

/** Big-endian magic at offset 0 of every DTB. */
export const FDT_MAGIC = 0xd00dfeed;

/** Structure-block tokens (big-endian u32, 4-byte aligned). */
export const FDT_BEGIN_NODE = 0x1;
export const FDT_END_NODE = 0x2;
export const FDT_PROP = 0x3;
export const FDT_NOP = 0x4;
export const FDT_END = 0x9;

/** Byte offsets of the header fields. */
export const HDR_MAGIC = 0x00;
export const HDR_TOTALSIZE = 0x04;
export const HDR_OFF_DT_STRUCT = 0x08;
export const HDR_OFF_DT_STRINGS = 0x0c;
export const HDR_OFF_MEM_RSVMAP = 0x10;
export const HDR_VERSION = 0x14;
export const HDR_LAST_COMP_VERSION = 0x18;
export const HDR_BOOT_CPUID_PHYS = 0x1c;
export const HDR_SIZE_DT_STRINGS = 0x20;
export const HDR_SIZE_DT_STRUCT = 0x24;

/** Header size up to and including `size_dt_strings` (version 16). */
export const HEADER_SIZE_V16 = 0x24;
/** Version 17 adds `size_dt_struct`. */
export const HEADER_SIZE_V17 = 0x28;

/**
 * Versions 16 and 17 share the structure-block encoding we read (node names are the unit name,
 * not the full path, and property data is never 8-byte realigned). Older blobs are rejected.
 */
export const FDT_FIRST_SUPPORTED_VERSION = 16;
/** A blob is readable when its `last_comp_version` is at most this (libfdt's rule). */
export const FDT_LAST_SUPPORTED_VERSION = 17;
/** What the encoder writes: version 17, backwards compatible with 16 — like dtc and libfdt. */
export const FDT_ENCODE_VERSION = 17;
export const FDT_ENCODE_LAST_COMP_VERSION = 16;

/** One memory-reservation entry: address and size, both big-endian u64. */
export const RESERVE_ENTRY_SIZE = 16;
/** The reservation map must start 8-byte aligned; the structure block 4-byte aligned. */
export const RSVMAP_ALIGN = 8;
export const STRUCT_ALIGN = 4;

/** Size of a token, and of the `len`/`nameoff` words that follow FDT_PROP. */
export const TAG_SIZE = 4;
export const PROP_HEADER_SIZE = 8;

/**
 * Deepest node nesting the codec accepts. libfdt has no limit; Linux's unflattener stops at 64.
 * A bound keeps hostile input from exhausting the stack of recursive consumers (printer, UI).
 */
export const FDT_MAX_DEPTH = 1024;

/** Round `n` up to a multiple of `align` (a power of two). */
export function alignUp(n: number, align: number): number {
  // Arithmetic, not bit masks: offsets may exceed 2^31.
  return Math.ceil(n / align) * align;
}
