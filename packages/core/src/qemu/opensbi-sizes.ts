/**
 * The size of the OpenSBI fw_dynamic.bin a QEMU loads by default, for where guestmap cannot read
 * the file (the browser): QEMU puts the RISC-V -kernel at the next 2 MiB (rv64) / 4 MiB (rv32)
 * boundary after it, so its size decides where the kernel goes. The CLI reads the real file of
 * the QEMU that will run; in the app, opening the firmware file (-bios) overrides this table.
 */
import { atLeastVersion } from "./profiles.js";

export interface OpenSbiSize {
  /** The first QEMU release this build shipped with (the table applies from it up). */
  readonly since: string;
  readonly riscv64: bigint;
  /** `null`: that distribution ships no rv32 build, so QEMU refuses without -bios. */
  readonly riscv32: bigint | null;
  /** Where the sizes were measured. */
  readonly source: string;
}

/** Newest first. Sizes measured with stat on the packaged files. */
export const OPENSBI_SIZES: readonly OpenSbiSize[] = [
  {
    since: "10.0",
    riscv64: 0x42868n,
    riscv32: 0x41810n,
    source:
      "Debian 13 (trixie) qemu-system-data 1:10.0.2+ds-2+deb13u1 with opensbi 1.5.1-1 (bookworm-backports build ~bpo12+1/+2)",
  },
  {
    since: "7.2",
    riscv64: 0x1c280n,
    riscv32: null,
    source: "Debian 12 (bookworm) qemu-system-data 1:7.2+dfsg-7+deb12u18 (QEMU 7.2.22), opensbi 1.2",
  },
];

/** The OpenSBI sizes of the distribution build closest below this QEMU version. */
export function openSbiSizeFor(version: string): OpenSbiSize {
  return (
    OPENSBI_SIZES.find((s) => atLeastVersion(version, s.since)) ?? OPENSBI_SIZES[OPENSBI_SIZES.length - 1]!
  );
}
