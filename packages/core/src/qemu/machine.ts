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

/** The machine's RAM: one block from the base of size `-m` (virt has no hole below 4 GiB). */
export function ramRanges(machine: Machine): RamRange[] {
  const start = ramBase(machine.arch);
  return [{ start, end: start + machine.ram }];
}

/** The largest `-m` virt accepts, for the too-large checks. */
export function maxRam(machine: Machine): bigint {
  const highmemOff = machine.props.some(([k, v]) => k === "highmem" && (v === "off" || v === "false"));
  if ((machine.arch === "aarch64" || machine.arch === "arm") && highmemOff) return 3n * GiB;
  if (machine.arch === "riscv32") return 2n * GiB;
  return 1n << 40n;
}
