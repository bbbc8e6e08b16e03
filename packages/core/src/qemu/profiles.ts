/**
 * QEMU versions as behaviour. Any QEMU from 7.2 up is accepted (`7.2`, `8.1.3`, `10.0.2`, `11.0`);
 * its profile is the set of behavioural changes (below) that landed in a release at or before it.
 * Each change names the release it landed in and where in QEMU's source it lives, so a new QEMU
 * release only needs a new entry when it changes behaviour.
 */
import type { QemuVersion } from "../model/types.js";

/** One QEMU release guestmap knows of, and whether CI runs the conformance suites against it. */
export interface QemuRelease {
  /** major.minor, e.g. `10.0`. */
  readonly release: string;
  /** The binary CI measures this release with (conformance suites), or undefined when only read from source. */
  readonly verifiedWith?: string;
  /** Distributions that ship it, for the app's menu. */
  readonly shippedBy?: string;
}

/**
 * The QEMU releases guestmap lists (the app's menu, `--help`), oldest first. The one list of
 * versions: everything else derives from it. CI's binaries: Debian 12's 7.2.22 on PATH and Debian
 * 13's 10.0.2 installed by scripts/install-qemu-10.sh.
 */
export const QEMU_RELEASES = [
  { release: "7.2", verifiedWith: "7.2.22", shippedBy: "Debian 12" },
  { release: "8.0" },
  { release: "8.1" },
  { release: "8.2", shippedBy: "Ubuntu 24.04" },
  { release: "9.0" },
  { release: "9.1" },
  { release: "9.2", shippedBy: "Fedora 41" },
  { release: "10.0", verifiedWith: "10.0.2", shippedBy: "Debian 13" },
  { release: "10.1" },
  { release: "10.2" },
] as const satisfies readonly QemuRelease[];

/** A release guestmap lists. */
export type KnownRelease = (typeof QEMU_RELEASES)[number]["release"];

/** The oldest QEMU guestmap models; older ones are refused. */
export const OLDEST_VERSION = "7.2" as QemuVersion;
/** The newest release CI verifies against a real binary: the default profile. */
export const NEWEST_VERIFIED_VERSION = [...QEMU_RELEASES].reverse().find((r) => "verifiedWith" in r)!
  .release as QemuVersion;
/** The newest release guestmap has read the source of. */
export const NEWEST_KNOWN_VERSION = QEMU_RELEASES[QEMU_RELEASES.length - 1]!.release as QemuVersion;
/** @deprecated the default profile; kept for callers that predate versions as behaviour. */
export const NEWEST_VERSION = NEWEST_VERIFIED_VERSION;

export interface QemuProfile {
  /** The version as given, normalised (`10.0.2`, `8.1`). */
  readonly version: QemuVersion;
  /** Its major.minor release (`10.0`). */
  readonly release: string;
  /** Whether CI measures this release against a real binary (else read from QEMU's sources). */
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
  /** RISC-V: "No enough memory to place DTB after kernel/initrd" when the FDT would go below them (10.0+). */
  readonly riscvFdtNoSpaceError: boolean;
  /** guest-loader: an empty file is an error (10.2) rather than a size-0 node. */
  readonly guestLoaderEmptyFileError: boolean;
  /** arm64: EFI zboot images are unpacked (8.0+). */
  readonly arm64Zboot: boolean;
  /** An unknown `-M` type is named in QEMU's error (`unsupported machine type: "virt-11.0"`, 9.1+). */
  readonly machineTypeErrorNamed: boolean;
}

/**
 * The release each behaviour changed in. Read in QEMU's sources of the release named and, for 7.2
 * and 10.0, measured by the conformance suites against real binaries of both.
 */
const CHANGES = {
  // hw/arm/boot.c, 8.0: linux,initrd-start/end written with qemu_fdt_setprop_sized_cells using
  // the root's #address-cells (7.2 used qemu_fdt_setprop_cell: one 32-bit cell).
  armInitrdCellsFromAddressCells: "8.0",
  // hw/core/loader.c, 8.0: load_image_targphys_as → unpack_efi_zboot_image (Ard Biesheuvel's
  // "hw/arm: load EFI zboot images"), called from arm_setup_direct_kernel_boot.
  arm64Zboot: "8.0",
  // hw/riscv/boot.c, 8.0: riscv_compute_fdt_addr() takes fdt_totalsize after fdt_pack() in
  // virt's finalize step (7.2 reserved the 1 MiB the tree was allocated with).
  riscvFdtPacked: "8.0",
  // hw/riscv/boot.c, 9.0: riscv_load_initrd() puts the initrd at min(ram/2, 512 MiB) (was 128 MiB).
  riscvInitrd512M: "9.0",
  // hw/riscv/boot.c, 9.1: riscv_load_initrd() writes linux,initrd-* with qemu_fdt_setprop_u64.
  riscvInitrdU64: "9.1",
  // hw/riscv/boot.c, 10.0: riscv_compute_fdt_addr() drops the 3 GiB cap on rv64 (dram_end) and
  // errors with "No enough memory to place DTB after kernel/initrd".
  rv64FdtNoCap: "10.0",
  riscvFdtNoSpaceError: "10.0",
  // hw/core/guest-loader.c, 10.2: load_image_targphys_as with an Error reason; an empty file is
  // refused. 10.0.2 measured: a size-0 module node and no ROM.
  guestLoaderEmptyFileError: "10.2",
  // system/vl.c select_machine(), 9.1: commit 412d294ffdc ("vl.c: select_machine(): add selected
  // machine type to error message") and Peter Maydell's fix for its "(null)" ("system/vl.c: Print
  // machine name, not "(null)", for unknown machine types"), both in 9.1.0. Measured: 7.2.22 says
  // "unsupported machine type", 10.0.2 `unsupported machine type: "virt-10.1"`.
  machineTypeErrorNamed: "9.1",
} as const;

const MiB = 1n << 20n;

/** A QEMU version guestmap cannot model: not a version, or older than 7.2. */
export class UnknownQemuVersionError extends Error {
  readonly code = "unknown-qemu-version";
  constructor(
    readonly requested: string,
    reason: "format" | "too-old",
  ) {
    super(
      reason === "too-old"
        ? `QEMU ${requested} is older than ${OLDEST_VERSION}, the oldest QEMU guestmap models (its guest-loader and boot code differ). Upgrade QEMU, or pass --qemu ${OLDEST_VERSION} knowing the placements may differ.`
        : `'${requested}' is not a QEMU version: give major.minor or major.minor.micro as qemu-system-* --version prints it, e.g. ${NEWEST_VERIFIED_VERSION} or 8.2.2 (any version from ${OLDEST_VERSION} up).`,
    );
  }
}

/** [major, minor, micro] of a version string, or undefined when it is not one. */
function parse(version: string): [number, number, number] | undefined {
  const m = /^(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?$/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** Orders two version strings (negative, 0, positive); an unparsable one sorts first. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a) ?? [-1, 0, 0];
  const y = parse(b) ?? [-1, 0, 0];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** Whether `version` is `release` or newer. */
export function atLeastVersion(version: string, release: string): boolean {
  return compareVersions(version, release) >= 0;
}

/** Whether a string is a version guestmap accepts (well-formed, 7.2 or newer). */
export function isSupportedVersion(version: string): boolean {
  return parse(version) !== undefined && atLeastVersion(version, OLDEST_VERSION);
}

/**
 * The profile for a QEMU version: `7.2`, `8.1.3`, `10.0.2`, `11.0`… (any from 7.2 up). Throws
 * {@link UnknownQemuVersionError} for a malformed version or one older than 7.2.
 */
export function profileFor(version: string): QemuProfile {
  const v = parse(version);
  if (!v) throw new UnknownQemuVersionError(version, "format");
  const normalised = version.trim() as QemuVersion;
  if (!atLeastVersion(normalised, OLDEST_VERSION)) throw new UnknownQemuVersionError(version, "too-old");
  const since = (r: string) => atLeastVersion(normalised, r);
  const release = `${v[0]}.${v[1]}`;
  return {
    version: normalised,
    release,
    verified: QEMU_RELEASES.some((r) => r.release === release && "verifiedWith" in r),
    armInitrdCellsFromAddressCells: since(CHANGES.armInitrdCellsFromAddressCells),
    riscvInitrdMaxOffset: since(CHANGES.riscvInitrd512M) ? 512n * MiB : 128n * MiB,
    riscvInitrdU64: since(CHANGES.riscvInitrdU64),
    riscvFdtPacked: since(CHANGES.riscvFdtPacked),
    rv64FdtNoCap: since(CHANGES.rv64FdtNoCap),
    riscvFdtNoSpaceError: since(CHANGES.riscvFdtNoSpaceError),
    guestLoaderEmptyFileError: since(CHANGES.guestLoaderEmptyFileError),
    arm64Zboot: since(CHANGES.arm64Zboot),
    machineTypeErrorNamed: since(CHANGES.machineTypeErrorNamed),
  };
}

/** The profile of every release guestmap lists, by release (`PROFILES["10.0"]`). */
export const PROFILES = Object.fromEntries(
  QEMU_RELEASES.map((r) => [r.release, profileFor(r.release)]),
) as Readonly<Record<KnownRelease, QemuProfile>>;

/** The releases guestmap lists, oldest first. */
export const SUPPORTED_VERSIONS = QEMU_RELEASES.map((r) => r.release as QemuVersion);

/** Reads the version out of `qemu-system-X --version` output. */
export function parseQemuVersionOutput(text: string): string | undefined {
  return /QEMU emulator version (\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
}
