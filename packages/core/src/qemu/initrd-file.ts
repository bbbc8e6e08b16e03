/**
 * How many bytes of an `-initrd` file QEMU puts in RAM. Both ARM and RISC-V try load_ramdisk
 * first: a U-Boot uImage of type ramdisk loses its 64-byte header and only the payload is loaded
 * (and `linux,initrd-end` counts only the payload) — compressed or not: load_uboot_image
 * decompresses only kernel types, so a `mkimage -T ramdisk -C gzip` payload stays gzip for the
 * kernel to unpack. Anything else is loaded whole. Measured on 7.2.22 and 10.0.2.
 */
import { sniffHeader } from "../headers/sniff.js";
import type { LayoutBlob } from "../model/types.js";

/** U-Boot's IH_TYPE_RAMDISK. */
const UIMAGE_TYPE_RAMDISK = 3;

/** The size QEMU loads for this -initrd (its file size, or a uImage ramdisk's payload as stored). */
export function initrdLoadSize(initrd: LayoutBlob & { readonly size: bigint }): bigint {
  const hdr = sniffHeader(initrd.head);
  const u = hdr.format === "uimage" ? hdr.uimage : undefined;
  if (u && u.type === UIMAGE_TYPE_RAMDISK && u.size + 64n <= initrd.size) return u.size;
  return initrd.size;
}
