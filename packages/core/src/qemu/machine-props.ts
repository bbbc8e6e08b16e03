/**
 * The `-M virt` properties each QEMU accepts, as `qemu-system-<arch> -M virt,help` lists them
 * (QEMU 7.2.22 and 10.0.2; the conformance suite compares these tables with the installed
 * binaries), plus the accelerator options `-machine` also takes. QEMU refuses any other key with
 * "Property '<machine>.<key>' not found".
 */
import type { Arch } from "../model/types.js";

/** Keys every `-machine` takes besides the machine's own properties (accelerator options, the type). */
const MACHINE_OPTS = [
  "type",
  "accel",
  "kernel-irqchip",
  "kernel_irqchip",
  "kvm-shadow-mem",
  "kvm_shadow_mem",
];

const COMMON_7_2 = [
  "append",
  "boot",
  "confidential-guest-support",
  "dt-compatible",
  "dtb",
  "dump-guest-core",
  "dumpdtb",
  "firmware",
  "graphics",
  "initrd",
  "kernel",
  "mem-merge",
  "memory-backend",
  "memory-encryption",
  "memory",
  "phandle-start",
  "smp",
  "suppress-vmdesc",
  "usb",
];
const ARM_7_2 = [
  ...COMMON_7_2,
  "acpi",
  "default-bus-bypass-iommu",
  "dtb-kaslr-seed",
  "dtb-randomness",
  "gic-version",
  "highmem",
  "iommu",
  "its",
  "mte",
  "ras",
  "secure",
  "virtualization",
  "x-oem-id",
  "x-oem-table-id",
];
const RISCV_7_2 = [...COMMON_7_2, "aclint", "aia-guests", "aia"];
const NEW_IN_10 = ["aux-ram-share", "shim", "smp-cache"];
const ARM_10_0 = [
  ...ARM_7_2,
  ...NEW_IN_10,
  "compact-highmem",
  "highmem-ecam",
  "highmem-mmio-size",
  "highmem-mmio",
  "highmem-redists",
];
const RISCV64_10_0 = [...RISCV_7_2, ...NEW_IN_10, "acpi", "iommu-sys"];

/** `virt`'s properties per arch, as measured. */
const MEASURED: Record<"7.2" | "10.0", Record<Arch, readonly string[]>> = {
  "7.2": { aarch64: ARM_7_2, arm: ARM_7_2, riscv64: RISCV_7_2, riscv32: RISCV_7_2 },
  // The conformance suite checks riscv32 too (both arches are hw/riscv/virt.c).
  "10.0": { aarch64: ARM_10_0, arm: ARM_10_0, riscv64: RISCV64_10_0, riscv32: RISCV64_10_0 },
};

/**
 * The `-M virt` property names QEMU `release` (major.minor, e.g. `10.0`) accepts on `arch`. For a
 * release not measured, the union of both measured ones: a property is an error only when no
 * QEMU guestmap has run knows it.
 */
export function virtMachineProps(arch: Arch, release: string): ReadonlySet<string> {
  const own =
    release === "7.2" || release === "10.0"
      ? MEASURED[release][arch]
      : [...MEASURED["7.2"][arch], ...MEASURED["10.0"][arch]];
  return new Set([...MACHINE_OPTS, ...own]);
}

/** QEMU's QOM type name of the machine, as its "Property '…' not found" message names it. */
export function virtTypeName(arch: Arch, release: string): string {
  if (arch === "riscv64" || arch === "riscv32") return "virt-machine";
  // ARM's versioned machine types: `virt` is an alias of the newest (virt-7.2 on QEMU 7.2).
  return `virt-${release}-machine`;
}
