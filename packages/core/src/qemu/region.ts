/** What a placement produces: the regions QEMU registers at an address (`info roms` with `addr=`). */
import type { Diagnostic } from "../diagnostics.js";
import type { Address, ByteSize, LayoutBlob } from "../model/types.js";
import type { RamRange } from "./machine.js";
import type { QemuProfile } from "./profiles.js";

export type RegionRole =
  | "bootloader"
  | "firmware"
  | "kernel"
  | "initrd"
  | "dtb"
  | "module-kernel"
  | "module-initrd"
  | "loader"
  | "loader-data";

/** Whether a region of this role is one the user places: a guest-loader or generic-loader blob. */
export function isUserRole(role: RegionRole): boolean {
  return role === "module-kernel" || role === "module-initrd" || role === "loader";
}

/**
 * QEMU's ROM list keeps one address space per entry, and compares only neighbours in the same
 * space for overlaps (measured on 7.2 and 10.0.2):
 * - `system`: guest-loader blobs; on RISC-V also the MROM, firmware, `-kernel`, `-initrd`, FDT.
 * - `cpu`: the first cpu's space — on ARM the boot stub, `-kernel`, `-initrd`, DTB; on every arch
 *   `-device loader` blobs without `cpu-num` (or with `cpu-num=0`).
 * - `cpu1`, `cpu2`, …: `-device loader` blobs with that `cpu-num`.
 * - `flash`: ARM's `-bios`, loaded into the flash device itself; QEMU never compares it.
 * At reset ROMs are written space by space in this order, so a later space wins where two overlap.
 */
export type AddressSpace = "system" | "cpu" | `cpu${number}` | "flash";

/** The address space of a `-device loader` with this `cpu-num`. */
export function loaderSpace(cpuNum: number | undefined): AddressSpace {
  return cpuNum === undefined || cpuNum === 0 ? "cpu" : `cpu${cpuNum}`;
}

/** Reset write order of a space: a region in a higher-ranked space overwrites a lower one. */
export function spaceRank(space: AddressSpace): number {
  if (space === "flash") return -1;
  if (space === "system") return 0;
  if (space === "cpu") return 1;
  return 1 + Number(space.slice(3));
}

export interface Region {
  /** Stable id: `bootloader`, `mrom.reset`, `mrom.finfo`, `firmware`, `kernel`, `initrd`, `dtb`, a module or loader id. */
  readonly id: string;
  /** The name QEMU's `info roms` prints (a file name as given, `bootloader`, `dtb`, `fdt`, …). */
  readonly name: string;
  readonly role: RegionRole;
  readonly addr: Address;
  /** Bytes QEMU loads (the `size=` of `info roms`). */
  readonly size: ByteSize;
  /** Bytes the blob occupies once running (≥ size): a kernel's image_size covers its BSS. */
  readonly footprint: ByteSize;
  readonly space: AddressSpace;
  /** Where `info roms` says it lands: RAM, the machine's ROM (RISC-V MROM), or ARM virt's flash. */
  readonly mem: "ram" | "rom" | "flash";
  /** The file loaded, when the region is a file. */
  readonly file?: LayoutBlob;
  /** For a Xen dom0less domain's blob: the domain's name (the region is one of its modules). */
  readonly domain?: string;
  /** Set when the size is an estimate (a profile read from source whose size depends on QEMU's whole tree). */
  readonly approximate?: boolean;
}

export interface Placement {
  readonly profile: QemuProfile;
  /** Regions sorted by address (then id). */
  readonly regions: readonly Region[];
  /**
   * Where QEMU put an empty file: it loads nothing and registers no ROM there, but RISC-V still
   * writes an empty -initrd's address into /chosen (`linux,initrd-start` = `-end`).
   */
  readonly empty: readonly Region[];
  readonly ram: readonly RamRange[];
  /** Diagnostics from QEMU's own placement logic: the cases where QEMU refuses to start. */
  readonly diagnostics: readonly Diagnostic[];
  /** True when the ARM cpu runs AArch64 (decides stub size, kernel formats and DTB alignment). */
  readonly aarch64Cpu: boolean;
}

/** Environment facts the core cannot read itself: the firmware file QEMU would load. */
export interface PlacementEnv {
  /**
   * Size of QEMU's default firmware for the arch (OpenSBI fw_dynamic on RISC-V); `null` when it is
   * not installed (Debian ships no rv32 OpenSBI). Absent: a typical size is assumed.
   */
  readonly firmwareSize?: bigint | null;
}

export function compareRegions(a: Region, b: Region): number {
  if (a.addr !== b.addr) return a.addr < b.addr ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
