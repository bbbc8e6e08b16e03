/**
 * Where QEMU's RISC-V `virt` (hw/riscv/boot.c, hw/riscv/virt.c) puts the MROM reset vector,
 * OpenSBI, `-kernel`, `-initrd` and the FDT. See ../shared/reference/qemu-boot.md.
 */
import type { Diagnostic } from "../diagnostics.js";
import { sniffHeader } from "../headers/sniff.js";
import type { Layout } from "../model/types.js";
import { alignDown, alignUp, formatSize, hex, minBig } from "../util/bigint.js";
import { ramBase } from "./machine.js";
import type { QemuProfile } from "./profiles.js";
import type { PlacementEnv, Region } from "./region.js";

const MiB = 1n << 20n;
const MROM_BASE = 0x1000n;
const RESET_VEC_SIZE = 0x28n;
/** Typical OpenSBI fw_dynamic sizes, used when the real file cannot be measured (e.g. in a browser). */
const TYPICAL_FIRMWARE_SIZE = { riscv64: 0x1c280n, riscv32: 0x1a000n } as const;
/** QEMU 7.2 places the FDT at its allocated 1 MiB size; 8.0+ packs it first (a few KiB). */
const UNPACKED_FDT_SIZE = 0x100000n;
/** Estimated packed size of virt's FDT (measured 7.2 content ≈ 5 KiB, rounded up with room for /chosen). */
const PACKED_FDT_ESTIMATE = 0x2000n;

export function firmwareFileName(arch: "riscv64" | "riscv32"): string {
  return `opensbi-${arch}-generic-fw_dynamic.bin`;
}

export function placeRiscv(
  layout: Layout,
  profile: QemuProfile,
  env: PlacementEnv,
): {
  regions: Region[];
  diagnostics: Diagnostic[];
} {
  const m = layout.machine;
  const arch = m.arch === "riscv32" ? "riscv32" : "riscv64";
  const rv32 = arch === "riscv32";
  const base = ramBase(m.arch);
  const ramEnd = base + m.ram;
  const regions: Region[] = [];
  const diagnostics: Diagnostic[] = [];

  // The reset vector, then fw_dynamic's info struct (three or four xlen words + padding).
  const finfoSize = rv32 ? 0x18n : 0x30n;
  regions.push(
    {
      id: "mrom.reset",
      name: "mrom.reset",
      role: "bootloader",
      addr: MROM_BASE,
      size: RESET_VEC_SIZE,
      footprint: RESET_VEC_SIZE,
      space: "system",
      mem: "rom",
    },
    {
      id: "mrom.finfo",
      name: "mrom.finfo",
      role: "bootloader",
      addr: MROM_BASE + RESET_VEC_SIZE,
      size: finfoSize,
      footprint: finfoSize,
      space: "system",
      mem: "rom",
    },
  );

  let firmwareEnd = base;
  if (m.bios.kind === "default") {
    const size = env.firmwareSize === undefined ? TYPICAL_FIRMWARE_SIZE[arch] : env.firmwareSize;
    if (size === null) {
      diagnostics.push({
        severity: "error",
        code: "firmware-missing",
        message: `QEMU's default firmware ${firmwareFileName(arch)} is not installed, so QEMU refuses to start ("Unable to load the RISC-V firmware"). Pass -bios none to boot the kernel directly, or -bios with an OpenSBI build.`,
        regions: ["firmware"],
      });
    } else {
      regions.push({
        id: "firmware",
        name: firmwareFileName(arch),
        role: "firmware",
        addr: base,
        size,
        footprint: size,
        space: "system",
        mem: "ram",
        ...(env.firmwareSize === undefined && { approximate: true }),
      });
      firmwareEnd = base + size;
    }
  } else if (m.bios.kind === "file" && m.bios.file.size !== undefined) {
    const size = m.bios.file.size;
    regions.push({
      id: "firmware",
      name: m.bios.file.path,
      role: "firmware",
      addr: base,
      size,
      footprint: size,
      space: "system",
      mem: "ram",
      file: m.bios.file,
    });
    firmwareEnd = base + size;
  }

  const kernel = layout.kernel;
  if (kernel && kernel.size !== undefined) {
    // Linux wants its first page 2 MiB (rv64) / 4 MiB (rv32) aligned: QEMU rounds up past the firmware.
    const kernelStart = alignUp(firmwareEnd, rv32 ? 4n * MiB : 2n * MiB);
    const hdr = sniffHeader(kernel.head);
    let addr = kernelStart;
    let size = kernel.size;
    if (hdr.format === "uimage" && hdr.uimage && hdr.uimage.comp === 0) {
      addr = hdr.uimage.load;
      size = hdr.uimage.size;
    }
    if (addr + size > ramEnd) {
      diagnostics.push({
        severity: "error",
        code: "kernel-too-large",
        message: `-kernel ${kernel.path} (${formatSize(size)}) at ${hex(addr)} does not fit in RAM, which ends at ${hex(ramEnd)}: QEMU refuses to start ("could not load kernel"). Give the machine more memory with -m.`,
        regions: ["kernel"],
        start: addr,
        end: addr + size,
      });
    } else {
      const footprint = hdr.imageSize && hdr.imageSize > size ? hdr.imageSize : size;
      regions.push({
        id: "kernel",
        name: kernel.path,
        role: "kernel",
        addr,
        size,
        footprint,
        space: "system",
        mem: "ram",
        file: kernel,
      });
      if (layout.initrd && layout.initrd.size !== undefined) {
        const initrdStart = kernelStart + minBig(m.ram / 2n, profile.riscvInitrdMaxOffset);
        const isize = layout.initrd.size;
        if (initrdStart + isize > ramEnd) {
          diagnostics.push({
            severity: "error",
            code: "initrd-no-space",
            message: `-initrd ${layout.initrd.path} (${formatSize(isize)}) would go at ${hex(initrdStart)} but RAM ends at ${hex(ramEnd)}: QEMU refuses to start ("could not load initrd"). Give the machine more memory with -m or use a smaller initrd.`,
            regions: ["initrd"],
            start: initrdStart,
            end: initrdStart + isize,
          });
        } else {
          regions.push({
            id: "initrd",
            name: layout.initrd.path,
            role: "initrd",
            addr: initrdStart,
            size: isize,
            footprint: isize,
            space: "system",
            mem: "ram",
            file: layout.initrd,
          });
        }
      }
    }
  }

  // The FDT goes at the top of RAM below 3 GiB (rv64 10.0+: the top of RAM), 2 MiB aligned down.
  const packed = profile.riscvFdtPacked;
  const fdtSize = layout.dtb?.size ?? (packed ? PACKED_FDT_ESTIMATE : UNPACKED_FDT_SIZE);
  const top = !rv32 && profile.rv64FdtNoCap ? ramEnd : minBig(ramEnd, 0xc000_0000n);
  const fdtAddr = alignDown(top - fdtSize, 2n * MiB);
  regions.push({
    id: "dtb",
    name: "fdt",
    role: "dtb",
    addr: fdtAddr,
    size: fdtSize,
    footprint: fdtSize,
    space: "system",
    mem: "ram",
    ...(packed && layout.dtb === undefined && { approximate: true }),
  });
  return { regions, diagnostics };
}
