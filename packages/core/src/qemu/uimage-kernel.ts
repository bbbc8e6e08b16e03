/**
 * A uImage as QEMU's `load_uimage_as()` loads a kernel (hw/core/loader.c `load_uboot_image`, the
 * same in 7.2 and 10.0): only the kernel and kernel_noload types, uncompressed or gzip (decompressed
 * into a 64 MiB buffer), the payload at `ih_load`. When it fails — another type, another
 * compression, a file shorter than its header says, a payload that does not gunzip — the caller
 * (ARM or RISC-V boot, `-device loader`) goes on and loads the file some other way, raw.
 */
import type { Diagnostic } from "../diagnostics.js";
import {
  type BlobHeader,
  UIMAGE_COMP_GZIP,
  UIMAGE_COMP_NONE,
  UIMAGE_OS_LINUX,
  UIMAGE_OS_VXWORKS,
  UIMAGE_TYPE_KERNEL,
  UIMAGE_TYPE_KERNEL_NOLOAD,
  UIMAGE_VXWORKS_LINUX_ARCHES,
} from "../headers/sniff.js";
import type { LayoutBlob } from "../model/types.js";

export interface UImageKernel {
  /** Where the payload goes. */
  readonly load: bigint;
  readonly entry: bigint;
  /** Bytes in RAM: the payload, decompressed. */
  readonly size: bigint;
  /** Booted like Linux on ARM (stub, initrd, DTB): Linux, or VxWorks for ARM64/PPC/RISC-V. */
  readonly isLinux: boolean;
  /** A gzip payload whose decompressed size was not measured: `size` is the compressed size. */
  readonly approximate?: true;
}

export interface UImageOptions {
  /** Where a kernel_noload payload goes (its header lands here); absent: QEMU refuses that type. */
  readonly noloadAt?: bigint;
  /** RISC-V takes a 0-byte load as failure (`> 0`), ARM and the loader do not (`>= 0`). */
  readonly emptyFails?: boolean;
  /** Warn when the uImage is not of a kernel type (QEMU prints why and loads it raw): `-kernel`. */
  readonly warnType?: boolean;
  /** The region id and the words for messages (`-kernel`, `-device loader (l1)`). */
  readonly id: string;
  readonly what: string;
}

/**
 * The uImage kernel QEMU loads from this file, or undefined when it loads none (not a uImage, or
 * `load_uimage_as` fails); `diagnostics` gets a warning where QEMU prints an error and goes on.
 */
export function uimageKernel(
  file: LayoutBlob,
  hdr: BlobHeader,
  opts: UImageOptions,
  diagnostics: Diagnostic[],
): UImageKernel | undefined {
  const u = hdr.format === "uimage" ? hdr.uimage : undefined;
  if (!u || file.size === undefined) return undefined;
  const noload = u.type === UIMAGE_TYPE_KERNEL_NOLOAD;
  if (u.type !== UIMAGE_TYPE_KERNEL && !(noload && opts.noloadAt !== undefined)) {
    // A `-kernel` that is a uImage of another type is a mix-up QEMU only prints about; for
    // `-device loader` (a U-Boot script, a ramdisk) loading it raw is what users want.
    if (opts.warnType)
      diagnostics.push({
        severity: "warning",
        code: "kernel-unpack",
        qemu: "starts",
        message: noload
          ? `${opts.what} ${file.path} is a kernel_noload uImage, which QEMU loads only on ARM: it prints "this image format (kernel_noload) cannot be loaded on this machine type" and loads the whole file as raw bytes, header and all. Rebuild it with mkimage -T kernel and a load address.`
          : `${opts.what} ${file.path} is a uImage of type ${u.type}, not a kernel: QEMU prints "Wrong image type ${u.type}, expected ${UIMAGE_TYPE_KERNEL}" and loads the whole file as raw bytes, header and all. Give -kernel the kernel (mkimage -T kernel), and a ramdisk uImage to -initrd.`,
        regions: [opts.id],
      });
    return undefined;
  }
  const warn = (said: string, why: string) =>
    diagnostics.push({
      severity: "warning",
      code: "kernel-unpack",
      qemu: "starts",
      message: `${opts.what} ${file.path} is a uImage QEMU cannot load (${why}): it prints "${said}" and loads the whole file as raw bytes instead, header and all, so the kernel never runs. ${u.comp === UIMAGE_COMP_NONE ? "Rebuild the uImage (mkimage) from the whole kernel" : "Rebuild it with mkimage -C none or -C gzip (at most 64 MiB unpacked)"}.`,
      regions: [opts.id],
    });
  if (u.comp !== UIMAGE_COMP_NONE && u.comp !== UIMAGE_COMP_GZIP) {
    warn(
      `Unable to load u-boot images with compression type ${u.comp}`,
      `compression type ${u.comp}; QEMU unpacks only gzip`,
    );
    return undefined;
  }
  if (64n + u.size > file.size) {
    warn("Error reading file", `the header says ${u.size} payload bytes but the file has ${file.size - 64n}`);
    return undefined;
  }
  let size = u.size;
  let approximate: true | undefined;
  if (u.comp === UIMAGE_COMP_GZIP) {
    const un = file.unpacked;
    if (!un) approximate = true;
    else if ("failure" in un) {
      warn(
        "Unable to decompress gzipped image!",
        un.failure === "too-large"
          ? "its gzip payload unpacks to more than the 64 MiB QEMU allows a uImage"
          : `its gzip payload is ${un.detail}`,
      );
      return undefined;
    } else size = un.size;
  }
  if (opts.emptyFails && size === 0n) return undefined;
  const load = noload ? opts.noloadAt! + 64n : u.load;
  return {
    load,
    entry: noload ? u.entry + load : u.entry,
    size,
    isLinux:
      u.os === UIMAGE_OS_LINUX || (u.os === UIMAGE_OS_VXWORKS && UIMAGE_VXWORKS_LINUX_ARCHES.has(u.arch)),
    ...(approximate && { approximate }),
  };
}
