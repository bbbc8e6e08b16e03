/**
 * Facts about the `virt` machine of each arch that placements and rules need: where RAM is, what
 * the default cpu is, and whether the cpu runs AArch64 (which changes the ARM boot stub, the
 * kernel loader and the DTB alignment).
 */
import type { Arch, ByteSize, Machine } from "../model/types.js";

const GiB = 1n << 30n;

/** Guest-physical base of RAM on `virt`. */
export function ramBase(arch: Arch): bigint {
  return arch === "aarch64" || arch === "arm" ? 0x4000_0000n : 0x8000_0000n;
}

/** QEMU's default `-m` for `virt` when none is given. */
export const DEFAULT_RAM: ByteSize = 128n << 20n;

/** The cpu `-M virt` gets without `-cpu`: a Cortex-A15 on ARM — a 32-bit cpu, even in qemu-system-aarch64. */
export function defaultCpu(arch: Arch): string {
  switch (arch) {
    case "aarch64":
    case "arm":
      return "cortex-a15";
    case "riscv64":
      return "rv64";
    case "riscv32":
      return "rv32";
  }
}

/** Cpu models of qemu-system-aarch64 that have AArch64 (the rest of virt's list is 32-bit). */
export const AARCH64_CPUS: ReadonlySet<string> = new Set([
  "cortex-a35",
  "cortex-a53",
  "cortex-a55",
  "cortex-a57",
  "cortex-a72",
  "cortex-a76",
  "cortex-a710",
  "a64fx",
  "neoverse-n1",
  "neoverse-n2",
  "neoverse-v1",
  "max",
  "host",
]);

/** Whether the machine's cpu runs AArch64: only qemu-system-aarch64 with an AArch64-capable cpu. */
export function isAArch64Cpu(machine: Machine): boolean {
  if (machine.arch !== "aarch64") return false;
  const cpu = (machine.cpu ?? defaultCpu(machine.arch)).split(",")[0]!;
  return AARCH64_CPUS.has(cpu);
}

/** One contiguous RAM range. */
export interface RamRange {
  readonly start: bigint;
  readonly end: bigint;
}

/** rv32 virt lowers a larger -m to this, with "Limiting RAM size to 10 GiB" (7.2.22 and 10.0.2). */
export const RV32_RAM_LIMIT = 10n * GiB;

/** The RAM QEMU gives the guest: `-m`, except that rv32 virt lowers it to 10 GiB. */
export function effectiveRam(machine: Machine): bigint {
  return machine.arch === "riscv32" && machine.ram > RV32_RAM_LIMIT ? RV32_RAM_LIMIT : machine.ram;
}

/** The machine's RAM: one block from the base of size `-m` (virt has no hole below 4 GiB). */
export function ramRanges(machine: Machine): RamRange[] {
  const start = ramBase(machine.arch);
  return [{ start, end: start + effectiveRam(machine) }];
}

/** The largest `-m` virt accepts, for the too-large checks. */
export function maxRam(machine: Machine): bigint {
  const highmemOff = machine.props.some(([k, v]) => k === "highmem" && (v === "off" || v === "false"));
  if ((machine.arch === "aarch64" || machine.arch === "arm") && highmemOff) return 3n * GiB;
  // rv32 takes any -m and lowers it to 10 GiB (see RV32_RAM_LIMIT); the ram rule warns.
  if (machine.arch === "riscv32") return 1n << 40n;
  return 1n << 40n;
}
