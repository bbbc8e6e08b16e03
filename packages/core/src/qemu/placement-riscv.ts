/**
 * Where QEMU's RISC-V `virt` (hw/riscv/boot.c, hw/riscv/virt.c) puts the MROM reset vector,
 * OpenSBI, `-kernel`, `-initrd` and the FDT. See docs/qemu-model.md.
 */
import type { Diagnostic } from "../diagnostics.js";
import { sniffHeader } from "../headers/sniff.js";
import type { Layout } from "../model/types.js";
import { alignDown, alignUp, formatSize, hex, minBig } from "../util/bigint.js";
import { elfKernelRegions } from "./elf-kernel.js";
import { initrdLoadSize } from "./initrd-file.js";
import { effectiveRam, ramBase } from "./machine.js";
import { openSbiSizeFor } from "./opensbi-sizes.js";
import type { QemuProfile } from "./profiles.js";
import type { PlacementEnv, Region } from "./region.js";
import { riscvFdtSize } from "./riscv-fdt-size.js";
import { uimageKernel } from "./uimage-kernel.js";

const MiB = 1n << 20n;
const MROM_BASE = 0x1000n;
const EM_RISCV = 243;
const RESET_VEC_SIZE = 0x28n;
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
  const ram = effectiveRam(m);
  const ramEnd = base + ram;
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
    // Not measured (the browser): the size the distribution's build for this QEMU has.
    const known = openSbiSizeFor(profile.version);
    const size = env.firmwareSize === undefined ? known[arch] : env.firmwareSize;
    if (size === null) {
      diagnostics.push({
        severity: "error",
        code: "firmware-missing",
        qemu: "refuses",
        message: `QEMU's default firmware ${firmwareFileName(arch)} is not installed, so QEMU refuses to start (${profile.release === "7.2" ? `"Unable to load the RISC-V firmware"` : `"Unable to find the RISC-V BIOS"`}). Pass -bios none to boot the kernel directly, or -bios with an OpenSBI build.${env.firmwareSize === undefined ? ` (${known.source} ships none; if your QEMU has one, open it as -bios.)` : ""}`,
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
        // Exact for the distributions in the table; another build may differ: open the file.
        ...(env.firmwareSize === undefined && { approximate: true }),
      });
      firmwareEnd = base + size;
    }
  } else if (m.bios.kind === "file" && m.bios.file.size !== undefined) {
    const size = m.bios.file.size;
    // An ELF firmware loads its segments at their own addresses, sized by p_memsz: Debian's
    // fw_dynamic.elf is linked at 0x0, where its first segment runs into the MROM.
    const elf = elfKernelRegions(m.bios.file, sniffHeader(m.bios.file.head), EM_RISCV, "system", {
      id: "firmware",
      role: "firmware",
    });
    if (elf) {
      regions.push(...elf.regions);
      firmwareEnd = elf.high;
    } else {
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
  }

  const kernel = layout.kernel;
  if (kernel && kernel.size === 0n) {
    // riscv_load_kernel: load_image_targphys returns 0 bytes, which it takes as failure (7.2.22, 10.0.2).
    diagnostics.push({
      severity: "error",
      code: "empty-file",
      qemu: "refuses",
      message: `-kernel ${kernel.path} is empty: QEMU refuses to start ("could not load kernel '${kernel.path}'"). Point -kernel at the real kernel (a build that failed half-way leaves an empty file).`,
      regions: ["kernel"],
    });
  }
  if (kernel && kernel.size !== undefined) {
    // Linux wants its first page 2 MiB (rv64) / 4 MiB (rv32) aligned: QEMU rounds up past the firmware.
    const kernelStart = alignUp(firmwareEnd, rv32 ? 4n * MiB : 2n * MiB);
    const hdr = sniffHeader(kernel.head);
    // QEMU tries ELF, then uImage, then raw. The RISC-V Image header is not read: text_offset is ignored.
    let entry = kernelStart;
    const elf = elfKernelRegions(kernel, hdr, EM_RISCV, "system");
    if (elf) {
      regions.push(...elf.regions);
      entry = elf.low;
    } else {
      let addr = kernelStart;
      let size = kernel.size;
      // riscv_load_kernel: load_uimage_as with no noload address (kernel_noload fails) and `> 0`.
      const uimage = uimageKernel(
        kernel,
        hdr,
        { emptyFails: true, warnType: true, id: "kernel", what: "-kernel" },
        diagnostics,
      );
      if (uimage) {
        addr = uimage.load;
        size = uimage.size;
        // The initrd is placed relative to the uImage's entry point, not its load address.
        entry = uimage.entry;
      }
      // QEMU caps a raw kernel at the RAM *size*, not at the end of RAM.
      if (size > ram) {
        diagnostics.push({
          severity: "error",
          code: "kernel-too-large",
          qemu: "refuses",
          message: `-kernel ${kernel.path} (${formatSize(size)}) is larger than the machine's ${formatSize(ram)} of RAM: QEMU refuses to start ("could not load kernel '${kernel.path}'"). Give the machine more memory with -m.`,
          regions: ["kernel"],
          start: addr,
          end: addr + size,
        });
      }
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
        ...(uimage?.approximate && { approximate: true }),
      });
    }
    if (layout.initrd && layout.initrd.size !== undefined) {
      // No size check here in QEMU (its limit wraps): an initrd that runs into the FDT shows up as
      // a ROM overlap, which the overlap rule reports as QEMU does.
      const initrdStart = entry + minBig(ram / 2n, profile.riscvInitrdMaxOffset);
      const isize = initrdLoadSize({ ...layout.initrd, size: layout.initrd.size });
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

  // The FDT goes at the top of RAM below 3 GiB (rv64 10.0+: the top of RAM), 2 MiB aligned down.
  const fdtSize = riscvFdtSize(layout, profile);
  const top = !rv32 && profile.rv64FdtNoCap ? ramEnd : minBig(ramEnd, 0xc000_0000n);
  const fdtAddr = alignDown(top - fdtSize, 2n * MiB);
  // 10.0+ refuses to put the FDT below the end of the initrd, else of the kernel.
  const below = regions.filter((r) => r.role === "initrd" || r.role === "kernel");
  const limit = below.reduce((e, r) => (r.addr + r.size > e ? r.addr + r.size : e), 0n);
  if (profile.riscvFdtNoSpaceError && limit > 0n && fdtAddr < limit) {
    diagnostics.push({
      severity: "error",
      code: "dtb-no-space",
      qemu: "refuses",
      message: `QEMU ${profile.version} puts the FDT at ${hex(fdtAddr)}, below the end of the ${below.some((r) => r.role === "initrd") ? "-initrd" : "-kernel"} at ${hex(limit)}, and refuses to start ("No enough memory to place DTB after kernel/initrd"). Give the machine more memory with -m, or use a smaller kernel or initrd.`,
      regions: ["dtb", ...below.map((r) => r.id)],
      start: fdtAddr,
      end: limit,
    });
  }
  regions.push({
    id: "dtb",
    name: "fdt",
    role: "dtb",
    addr: fdtAddr,
    size: fdtSize,
    footprint: fdtSize,
    space: "system",
    mem: "ram",
    // 8.0–9.2 and 10.1+ are read from source, not measured: the packed tree may differ by a few bytes.
    ...(profile.riscvFdtPacked && !profile.verified && layout.dtb === undefined && { approximate: true }),
  });
  return { regions, diagnostics };
}
