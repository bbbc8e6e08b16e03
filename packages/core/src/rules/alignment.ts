/**
 * Per-kind alignment: where a boot protocol says a blob must start. QEMU checks none of this; the
 * kernel or hypervisor finds out at boot.
 */

import type { BlobHeader } from "../headers/sniff.js";
import type { Arch } from "../model/types.js";

const KiB = 1n << 10n;
const MiB = 1n << 20n;

export interface AlignmentRule {
  /** The address must be ≡ `offset` (mod `align`). */
  readonly align: bigint;
  readonly offset: bigint;
  /** Why, citing the protocol. */
  readonly why: string;
}

/** The alignment a guest-loader blob of this kind needs on this arch. */
export function alignmentRule(
  arch: Arch,
  kind: "kernel" | "initrd",
  hdr: BlobHeader | undefined,
): AlignmentRule {
  if (kind === "initrd") {
    return {
      align: 4n * KiB,
      offset: 0n,
      why: "hypervisors and kernels map boot modules by 4 KiB pages (Xen reserves and frees them page by page)",
    };
  }
  if (arch === "aarch64" || hdr?.format === "arm64-image") {
    const offset = hdr?.format === "arm64-image" && hdr.imageSize ? (hdr.textOffset ?? 0n) % (2n * MiB) : 0n;
    return {
      align: 2n * MiB,
      offset,
      why: "Linux's arm64 boot protocol (booting.rst) places the Image text_offset bytes above a 2 MiB-aligned base",
    };
  }
  if (arch === "riscv64") {
    return {
      align: 2n * MiB,
      offset: 0n,
      why: "RISC-V Linux maps the kernel with 2 MiB pages: rv64 kernels must start 2 MiB aligned",
    };
  }
  if (arch === "riscv32") {
    return {
      align: 4n * MiB,
      offset: 0n,
      why: "RISC-V Linux maps the kernel with 4 MiB megapages: rv32 kernels must start 4 MiB aligned",
    };
  }
  return { align: 4n * KiB, offset: 0n, why: "32-bit ARM kernels (zImage) must start on a page boundary" };
}
