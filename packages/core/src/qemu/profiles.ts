/**
 * QEMU version profiles: the behaviours that differ between QEMU releases and change where QEMU
 * puts things or what it writes. 7.2 is measured (Debian 12's QEMU runs the conformance suite);
 * the others are read from QEMU's sources (see ../shared/reference/qemu-boot.md).
 */
import type { QemuVersion } from "../model/types.js";

export interface QemuProfile {
  readonly version: QemuVersion;
  /** Whether this profile was measured against a real binary, or read from source. */
  readonly verified: boolean;
  /** ARM: `linux,initrd-start/end` use #address-cells width (8.0+) instead of 32-bit cells. */
  readonly armInitrdCellsFromAddressCells: boolean;
  /** RISC-V: the initrd goes at kernel + min(ram/2, this). */
  readonly riscvInitrdMaxOffset: bigint;
  /** RISC-V: `linux,initrd-*` are u64 (9.1+) rather than u32. */
  readonly riscvInitrdU64: boolean;
  /** RISC-V: the FDT is packed before it is placed (8.0+), so its size in RAM is the packed size. */
  readonly riscvFdtPacked: boolean;
  /** rv64: the FDT goes to the top of RAM without the 3 GiB cap (10.0+). */
  readonly rv64FdtNoCap: boolean;
  /** guest-loader: an empty file is an error (10.2) rather than a size-0 node. */
  readonly guestLoaderEmptyFileError: boolean;
  /** arm64: EFI zboot images are unpacked (8.0+). */
  readonly arm64Zboot: boolean;
}

const MiB = 1n << 20n;

export const PROFILES: Readonly<Record<QemuVersion, QemuProfile>> = {
  "7.2": {
    version: "7.2",
    verified: true,
    armInitrdCellsFromAddressCells: false,
    riscvInitrdMaxOffset: 128n * MiB,
    riscvInitrdU64: false,
    riscvFdtPacked: false,
    rv64FdtNoCap: false,
    guestLoaderEmptyFileError: false,
    arm64Zboot: false,
  },
  "8.2": {
    version: "8.2",
    verified: false,
    armInitrdCellsFromAddressCells: true,
    riscvInitrdMaxOffset: 128n * MiB,
    riscvInitrdU64: false,
    riscvFdtPacked: true,
    rv64FdtNoCap: false,
    guestLoaderEmptyFileError: false,
    arm64Zboot: true,
  },
  "9.2": {
    version: "9.2",
    verified: false,
    armInitrdCellsFromAddressCells: true,
    riscvInitrdMaxOffset: 512n * MiB,
    riscvInitrdU64: true,
    riscvFdtPacked: true,
    rv64FdtNoCap: false,
    guestLoaderEmptyFileError: false,
    arm64Zboot: true,
  },
  "10.2": {
    version: "10.2",
    verified: false,
    armInitrdCellsFromAddressCells: true,
    riscvInitrdMaxOffset: 512n * MiB,
    riscvInitrdU64: true,
    riscvFdtPacked: true,
    rv64FdtNoCap: true,
    guestLoaderEmptyFileError: true,
    arm64Zboot: true,
  },
};

export const SUPPORTED_VERSIONS = Object.keys(PROFILES) as QemuVersion[];
export const NEWEST_VERSION: QemuVersion = "10.2";

/** A QEMU version guestmap has no profile for. */
export class UnknownQemuVersionError extends Error {
  readonly code = "unknown-qemu-version";
  constructor(readonly requested: string) {
    super(
      `QEMU version '${requested}' has no guestmap profile; supported: ${SUPPORTED_VERSIONS.join(", ")}. ` +
        "Pass --qemu with one of them (the closest older one is usually right).",
    );
  }
}

/**
 * The profile for a version string: an exact profile id (`8.2`) or a full QEMU version
 * (`7.2.22`, `8.2.2`), matched on major.minor.
 */
export function profileFor(version: string): QemuProfile {
  const m = /^(\d+)\.(\d+)(?:\.\d+)*$/.exec(version.trim());
  const key = m ? `${m[1]}.${m[2]}` : version;
  const p = PROFILES[key as QemuVersion];
  if (!p) throw new UnknownQemuVersionError(version);
  return p;
}

/** Reads the version out of `qemu-system-X --version` output. */
export function parseQemuVersionOutput(text: string): string | undefined {
  return /QEMU emulator version (\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}
