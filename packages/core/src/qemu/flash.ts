/**
 * ARM `virt`'s two 64 MiB CFI flash banks at 0x0 and 0x4000000 (hw/arm/virt.c, VIRT_FLASH).
 * QEMU loads ROM blobs there like anywhere else and the guest reads them back (U-Boot scripts and
 * firmware live there; Xen's arm32 CI loads blobs there), but it is not RAM: guest writes are
 * flash commands, and Linux/Xen never take boot modules from it.
 */
import type { Arch } from "../model/types.js";

export interface FlashBank {
  readonly name: string;
  readonly start: bigint;
  readonly end: bigint;
}

const BANK = 0x400_0000n;

export function flashBanks(arch: Arch): readonly FlashBank[] {
  if (arch !== "aarch64" && arch !== "arm") return [];
  return [
    { name: "flash0", start: 0n, end: BANK },
    { name: "flash1", start: BANK, end: 2n * BANK },
  ];
}

/** The flash range [start, end) of the machine, if it has one. */
export function flashRange(arch: Arch): { start: bigint; end: bigint } | undefined {
  const banks = flashBanks(arch);
  return banks.length === 0 ? undefined : { start: banks[0]!.start, end: banks[banks.length - 1]!.end };
}
