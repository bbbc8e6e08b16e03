/**
 * The header sanity check, like libfdt's `fdt_check_header`, plus the block-overlap check that
 * libfdt leaves to its writers. After it passes, every block offset/size is known to lie inside
 * `totalsize`, which itself lies inside the buffer.
 */
import { FdtError, hex } from "./errors.js";
import {
  FDT_FIRST_SUPPORTED_VERSION,
  FDT_LAST_SUPPORTED_VERSION,
  FDT_MAGIC,
  HDR_BOOT_CPUID_PHYS,
  HDR_LAST_COMP_VERSION,
  HDR_MAGIC,
  HDR_OFF_DT_STRINGS,
  HDR_OFF_DT_STRUCT,
  HDR_OFF_MEM_RSVMAP,
  HDR_SIZE_DT_STRINGS,
  HDR_SIZE_DT_STRUCT,
  HDR_TOTALSIZE,
  HDR_VERSION,
  HEADER_SIZE_V16,
  HEADER_SIZE_V17,
  RSVMAP_ALIGN,
  STRUCT_ALIGN,
} from "./format.js";
import { ByteReader } from "./reader.js";

/** The header fields, validated. */
export interface FdtHeader {
  readonly totalsize: number;
  readonly offDtStruct: number;
  readonly offDtStrings: number;
  readonly offMemRsvmap: number;
  readonly version: number;
  readonly lastCompVersion: number;
  readonly bootCpuidPhys: number;
  readonly sizeDtStrings: number;
  /** Undefined for version 16, which does not record it. */
  readonly sizeDtStruct: number | undefined;
  /** Bytes occupied by the header itself (0x24 for v16, 0x28 from v17). */
  readonly headerSize: number;
}

/**
 * The largest `totalsize` guestmap reads. A DTB is kilobytes (QEMU pads its own to 1 MiB); a header
 * claiming more is garbage or hostile, and honouring it would mean allocating that much.
 */
export const FDT_MAX_TOTALSIZE = 64 * 1024 * 1024;

/** How many bytes a reader needs to call `fdtClaimedSize`. */
export const FDT_PROBE_SIZE = HEADER_SIZE_V17;

/**
 * How many bytes the blob starting with `head` says it has (its `totalsize`), checked before the
 * rest is read: lets a reader stop after `FDT_PROBE_SIZE` bytes of a file that is not a DTB, and
 * bound the read of one that is.
 *
 * @throws FdtError BADMAGIC (not a DTB), TRUNCATED (fewer than 8 bytes; totalsize smaller than a
 *   header, or above `FDT_MAX_TOTALSIZE`)
 */
export function fdtClaimedSize(head: Uint8Array): number {
  const r = new ByteReader(head);
  const magic = r.u32(HDR_MAGIC, "the magic number");
  if (magic !== FDT_MAGIC) {
    throw new FdtError(
      "BADMAGIC",
      `magic is ${hex(magic)}, expected 0xd00dfeed: this is not a flattened device tree (DTB); pass the .dtb file, not a .dts or an image`,
      HDR_MAGIC,
    );
  }
  const totalsize = r.u32(HDR_TOTALSIZE, "totalsize");
  if (totalsize < HEADER_SIZE_V16)
    throw new FdtError(
      "TRUNCATED",
      `totalsize ${hex(totalsize)} is smaller than the header itself`,
      HDR_TOTALSIZE,
    );
  if (totalsize > FDT_MAX_TOTALSIZE)
    throw new FdtError(
      "TRUNCATED",
      `totalsize says the blob is ${hex(totalsize)} bytes, more than the ${hex(FDT_MAX_TOTALSIZE)} (64 MiB) guestmap reads; a real DTB is a few KiB to 1 MiB, so this header is corrupt`,
      HDR_TOTALSIZE,
    );
  return totalsize;
}

/**
 * Validate the header of `bytes`.
 *
 * @throws FdtError TRUNCATED, BADMAGIC, BADVERSION, ALIGNMENT, BADLAYOUT
 */
export function checkHeader(bytes: Uint8Array): FdtHeader {
  const r = new ByteReader(bytes);
  const magic = r.u32(HDR_MAGIC, "the magic number");
  if (magic !== FDT_MAGIC) {
    throw new FdtError(
      "BADMAGIC",
      `magic is ${hex(magic)}, expected 0xd00dfeed: this is not a flattened device tree (DTB); pass the .dtb file, not a .dts or an image`,
      HDR_MAGIC,
    );
  }
  const version = r.u32(HDR_VERSION, "the header's version field");
  const lastCompVersion = r.u32(HDR_LAST_COMP_VERSION, "the header's last_comp_version field");
  if (version < FDT_FIRST_SUPPORTED_VERSION) {
    throw new FdtError(
      "BADVERSION",
      `DTB version ${version} is older than ${FDT_FIRST_SUPPORTED_VERSION}; convert it with 'dtc -I dtb -O dtb -V 17'`,
      HDR_VERSION,
    );
  }
  if (lastCompVersion > FDT_LAST_SUPPORTED_VERSION) {
    throw new FdtError(
      "BADVERSION",
      `DTB requires a reader of version ${lastCompVersion} (last_comp_version), newer than the supported ${FDT_LAST_SUPPORTED_VERSION}`,
      HDR_LAST_COMP_VERSION,
    );
  }
  const headerSize = version >= 17 ? HEADER_SIZE_V17 : HEADER_SIZE_V16;
  r.check(0, headerSize, `a version ${version} header`);

  const totalsize = r.u32(HDR_TOTALSIZE, "totalsize");
  if (totalsize < headerSize) {
    throw new FdtError(
      "TRUNCATED",
      `totalsize ${hex(totalsize)} is smaller than the header itself`,
      HDR_TOTALSIZE,
    );
  }
  if (totalsize > bytes.length) {
    throw new FdtError(
      "TRUNCATED",
      `totalsize says the blob is ${hex(totalsize)} bytes but only ${hex(bytes.length)} were given; the file is cut short`,
      HDR_TOTALSIZE,
    );
  }
  const offMemRsvmap = r.u32(HDR_OFF_MEM_RSVMAP, "off_mem_rsvmap");
  const offDtStruct = r.u32(HDR_OFF_DT_STRUCT, "off_dt_struct");
  const offDtStrings = r.u32(HDR_OFF_DT_STRINGS, "off_dt_strings");
  const sizeDtStrings = r.u32(HDR_SIZE_DT_STRINGS, "size_dt_strings");
  const sizeDtStruct = version >= 17 ? r.u32(HDR_SIZE_DT_STRUCT, "size_dt_struct") : undefined;
  const bootCpuidPhys = r.u32(HDR_BOOT_CPUID_PHYS, "boot_cpuid_phys");

  const inside = (name: string, field: number, off: number, size: number) => {
    if (off < headerSize || off + size > totalsize) {
      throw new FdtError(
        "TRUNCATED",
        `the ${name} [${hex(off)}, ${hex(off + size)}) does not lie between the header's end ${hex(headerSize)} and totalsize ${hex(totalsize)}`,
        field,
      );
    }
  };
  inside("memory reservation map", HDR_OFF_MEM_RSVMAP, offMemRsvmap, 0);
  inside("structure block", HDR_OFF_DT_STRUCT, offDtStruct, sizeDtStruct ?? 0);
  inside("strings block", HDR_OFF_DT_STRINGS, offDtStrings, sizeDtStrings);
  if (offMemRsvmap % RSVMAP_ALIGN !== 0) {
    throw new FdtError(
      "ALIGNMENT",
      `off_mem_rsvmap ${hex(offMemRsvmap)} is not 8-byte aligned`,
      HDR_OFF_MEM_RSVMAP,
    );
  }
  if (offDtStruct % STRUCT_ALIGN !== 0) {
    throw new FdtError(
      "ALIGNMENT",
      `off_dt_struct ${hex(offDtStruct)} is not 4-byte aligned`,
      HDR_OFF_DT_STRUCT,
    );
  }
  if (sizeDtStruct !== undefined) {
    checkDisjoint("structure block", offDtStruct, sizeDtStruct, "strings block", offDtStrings, sizeDtStrings);
  }
  return {
    totalsize,
    offDtStruct,
    offDtStrings,
    offMemRsvmap,
    version,
    lastCompVersion,
    bootCpuidPhys,
    sizeDtStrings,
    sizeDtStruct,
    headerSize,
  };
}

/** BADLAYOUT unless the two non-empty ranges are disjoint; blames the later-starting one. */
export function checkDisjoint(
  aName: string,
  aOff: number,
  aSize: number,
  bName: string,
  bOff: number,
  bSize: number,
): void {
  if (aSize === 0 || bSize === 0) return;
  if (aOff < bOff + bSize && bOff < aOff + aSize) {
    throw new FdtError(
      "BADLAYOUT",
      `the ${aName} [${hex(aOff)}, ${hex(aOff + aSize)}) overlaps the ${bName} [${hex(bOff)}, ${hex(bOff + bSize)}); the header's offsets or sizes are wrong`,
      Math.max(aOff, bOff),
    );
  }
}
