/**
 * Reads what a blob's first bytes say about it: the kernel image formats QEMU and Linux/Xen
 * understand, and the usual initrd containers. A kernel's footprint at run time is
 * max(file size, image_size): its BSS belongs to the layout even though QEMU never sees it.
 */
import type { ByteSize } from "../model/types.js";
import { decodeLatin1 } from "../util/text.js";

export type BlobFormat =
  | "arm64-image"
  | "riscv-image"
  | "zimage"
  | "uimage"
  | "efi-zboot"
  | "elf"
  | "gzip"
  | "cpio"
  | "unknown";

export interface BlobHeader {
  readonly format: BlobFormat;
  /** A short human description, e.g. "arm64 Image, text_offset 0x0, image_size 0x2c10000". */
  readonly description: string;
  /** Image formats: offset from a 2 MiB-aligned base where the kernel wants to run. */
  readonly textOffset?: bigint;
  /** Image formats: bytes the kernel occupies at run time (including BSS); 0 = unknown. */
  readonly imageSize?: ByteSize;
  /** uImage: load address and size of the payload, OS and type codes, compression. */
  readonly uimage?: {
    readonly load: bigint;
    readonly entry: bigint;
    readonly size: bigint;
    readonly os: number;
    /** `ih_arch`: QEMU boots a VxWorks uImage like Linux only for ARM64, PPC and RISC-V. */
    readonly arch: number;
    readonly type: number;
    readonly comp: number;
    readonly name: string;
  };
  /**
   * Linux's arm64 EFI zboot header (drivers/firmware/efi/libstub/zboot-header.S): where the
   * compressed Image lies in the file and how it is compressed.
   */
  readonly zboot?: {
    readonly payloadOffset: bigint;
    readonly payloadSize: bigint;
    /** "gzip", "zstd", "lzma"…: the only one QEMU unpacks is "gzip". */
    readonly compression: string;
  };
  /** ELF: class (32/64), machine, and PT_LOAD segments when the program headers were in `head`. */
  readonly elf?: {
    readonly bits: 32 | 64;
    readonly machine: number;
    readonly littleEndian: boolean;
    readonly segments?: readonly {
      /** Index in the program header table (QEMU names ROMs after it). */
      readonly index: number;
      readonly paddr: bigint;
      readonly filesz: bigint;
      readonly memsz: bigint;
    }[];
  };
  /** Looks like a kernel (any kernel image format) rather than an initrd. */
  readonly isKernel: boolean;
}

function le32(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
}
function be32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
function u32(b: Uint8Array, o: number, le: boolean): number {
  return le ? le32(b, o) : be32(b, o);
}
function u64(b: Uint8Array, o: number, le: boolean): bigint {
  const lo = BigInt(u32(b, o, le));
  const hi = BigInt(u32(b, o + 4, le));
  return le ? (hi << 32n) | lo : (lo << 32n) | hi;
}
function u16(b: Uint8Array, o: number, le: boolean): number {
  return le ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
}
function hasBytes(b: Uint8Array, o: number, s: string): boolean {
  if (b.length < o + s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[o + i] !== s.charCodeAt(i)) return false;
  return true;
}
const h = (v: bigint | number) => `0x${v.toString(16)}`;

/** uImage `ih_os` value for Linux: QEMU's ARM boot treats only these as Linux kernels. */
export const UIMAGE_OS_LINUX = 5;
/** uImage `ih_os` value for VxWorks, and the `ih_arch` values on which QEMU boots it like Linux. */
export const UIMAGE_OS_VXWORKS = 14;
export const UIMAGE_VXWORKS_LINUX_ARCHES: ReadonlySet<number> = new Set([22, 7, 26]); // ARM64, PPC, RISCV
/** uImage `ih_comp`: none and gzip are the ones QEMU loads. */
export const UIMAGE_COMP_NONE = 0;
export const UIMAGE_COMP_GZIP = 1;
/** uImage `ih_type` values QEMU's loader distinguishes. */
export const UIMAGE_TYPE_KERNEL = 2;
export const UIMAGE_TYPE_KERNEL_NOLOAD = 14;

/**
 * Identifies a blob from its first bytes. Needs 64 bytes for Image/uImage headers; ELF segments
 * need the program header table too (typically within the first 4 KiB).
 */
export function sniffHeader(head: Uint8Array | undefined): BlobHeader {
  const b = head ?? new Uint8Array(0);
  // arm64 Image: "ARM\x64" at 0x38; text_offset and image_size little-endian at 0x08 / 0x10.
  if (hasBytes(b, 0x38, "ARM\x64")) {
    const textOffset = u64(b, 0x08, true);
    const imageSize = u64(b, 0x10, true);
    return {
      format: "arm64-image",
      description: `arm64 Image, text_offset ${h(textOffset)}, image_size ${h(imageSize)}`,
      textOffset,
      imageSize,
      isKernel: true,
    };
  }
  // RISC-V Image: "RISCV\0\0\0" at 0x30 (deprecated magic) or "RSC\x05" at 0x38.
  if (hasBytes(b, 0x30, "RISCV\0\0\0") || hasBytes(b, 0x38, "RSC\x05")) {
    const textOffset = u64(b, 0x08, true);
    const imageSize = u64(b, 0x10, true);
    return {
      format: "riscv-image",
      description: `RISC-V Image, text_offset ${h(textOffset)}, image_size ${h(imageSize)}`,
      textOffset,
      imageSize,
      isKernel: true,
    };
  }
  if (b.length >= 64 && be32(b, 0) === 0x27051956) {
    const name = decodeLatin1(b.subarray(32, 64)).replace(/\0.*$/s, "");
    const uimage = {
      size: BigInt(be32(b, 12)),
      load: BigInt(be32(b, 16)),
      entry: BigInt(be32(b, 20)),
      os: b[28]!,
      arch: b[29]!,
      type: b[30]!,
      comp: b[31]!,
      name,
    };
    return {
      format: "uimage",
      description: `uImage "${name}", load ${h(uimage.load)}, ${uimage.size} bytes${uimage.comp === UIMAGE_COMP_GZIP ? ", gzip-compressed" : uimage.comp ? `, compression ${uimage.comp}` : ""}`,
      uimage,
      isKernel: uimage.type === UIMAGE_TYPE_KERNEL || uimage.type === UIMAGE_TYPE_KERNEL_NOLOAD,
    };
  }
  // arm64 EFI zboot: "MZ", "zimg" at 4, Linux's PE magic at 0x38 (QEMU's linux_efi_zboot_header).
  if (hasBytes(b, 0, "MZ") && hasBytes(b, 4, "zimg") && hasBytes(b, 0x38, "\xcd\x23\x82\x81")) {
    const compression = decodeLatin1(b.subarray(0x18, 0x38)).replace(/\0.*$/s, "");
    const zboot = { payloadOffset: BigInt(le32(b, 8)), payloadSize: BigInt(le32(b, 12)), compression };
    return {
      format: "efi-zboot",
      description: `arm64 EFI zboot image, ${compression || "unnamed"}-compressed Image of ${zboot.payloadSize} bytes at ${h(zboot.payloadOffset)}`,
      zboot,
      isKernel: true,
    };
  }
  if (hasBytes(b, 0, "\x7fELF") && b.length >= 0x34) {
    return sniffElf(b);
  }
  // 32-bit ARM zImage: magic 0x016f2818 at 0x24 (little-endian), start/end at 0x28/0x2c.
  if (b.length >= 0x30 && le32(b, 0x24) === 0x016f2818) {
    return { format: "zimage", description: "ARM zImage (self-decompressing)", isKernel: true };
  }
  if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
    return { format: "gzip", description: "gzip data (a compressed initrd or kernel)", isKernel: false };
  }
  if (hasBytes(b, 0, "070701") || hasBytes(b, 0, "070702") || hasBytes(b, 0, "070707")) {
    return { format: "cpio", description: "cpio archive (initramfs)", isKernel: false };
  }
  return { format: "unknown", description: b.length ? "raw data" : "no header read", isKernel: false };
}

function sniffElf(b: Uint8Array): BlobHeader {
  const bits = b[4] === 2 ? 64 : 32;
  const le = b[5] !== 2;
  const machine = u16(b, 0x12, le);
  const type = u16(b, 0x10, le);
  let segments: { index: number; paddr: bigint; filesz: bigint; memsz: bigint }[] | undefined;
  const phoff = bits === 64 ? Number(u64(b, 0x20, le)) : u32(b, 0x1c, le);
  const phentsize = u16(b, bits === 64 ? 0x36 : 0x2a, le);
  const phnum = u16(b, bits === 64 ? 0x38 : 0x2c, le);
  if (phnum > 0 && phentsize >= (bits === 64 ? 56 : 32) && phoff + phnum * phentsize <= b.length) {
    segments = [];
    for (let i = 0; i < phnum; i++) {
      const o = phoff + i * phentsize;
      if (u32(b, o, le) !== 1) continue; // PT_LOAD only
      if (bits === 64) {
        segments.push({
          index: i,
          paddr: u64(b, o + 0x18, le),
          filesz: u64(b, o + 0x20, le),
          memsz: u64(b, o + 0x28, le),
        });
      } else {
        segments.push({
          index: i,
          paddr: BigInt(u32(b, o + 0x0c, le)),
          filesz: BigInt(u32(b, o + 0x10, le)),
          memsz: BigInt(u32(b, o + 0x14, le)),
        });
      }
    }
  }
  return {
    format: "elf",
    description: `ELF${bits}, machine ${machine}${segments ? `, ${segments.length} PT_LOAD` : ""}`,
    elf: { bits, machine, littleEndian: le, ...(segments && { segments }) },
    // ET_EXEC with segments is what a kernel/hypervisor ELF looks like.
    isKernel: type === 2,
  };
}
