/**
 * Where QEMU's ARM direct kernel boot (hw/arm/boot.c) puts the boot stub, `-kernel`, `-initrd`
 * and the DTB on `virt`. Formulas are in docs/qemu-model.md and unchanged 7.2 → 10.2;
 * the conformance suite compares them with `info roms` of the real QEMU.
 */
import type { Diagnostic } from "../diagnostics.js";
import { type BlobHeader, sniffHeader } from "../headers/sniff.js";
import type { Layout, LayoutBlob } from "../model/types.js";
import { alignUp, formatSize, hex, maxBig, minBig } from "../util/bigint.js";
import { elfKernelRegions } from "./elf-kernel.js";
import { initrdLoadSize } from "./initrd-file.js";
import { isAArch64Cpu, ramBase } from "./machine.js";
import type { QemuProfile } from "./profiles.js";
import type { Region } from "./region.js";
import { uimageKernel } from "./uimage-kernel.js";

const KiB = 1n << 10n;
const MiB = 1n << 20n;
/** 32-bit raw/zImage kernels go here (KERNEL_LOAD_ADDR). */
const KERNEL_LOAD_ADDR = 0x10000n;
/** arm64 raw kernels, and Images without image_size, go here. */
const ARM64_TEXT_OFFSET = 0x80000n;
/** uImage `kernel_noload` payloads go here (KERNEL_NOLOAD_ADDR), after the 64-byte header. */
const KERNEL_NOLOAD_ADDR = 0x2000000n;
const EM_ARM = 40;
const EM_AARCH64 = 183;
/** QEMU's generated DTB is created 1 MiB large and loaded whole. */
export const GENERATED_DTB_SIZE = 0x100000n;

/** Size QEMU gives a user `-dtb` in RAM: it re-opens the file with (size + 10000) × 2 bytes. */
export function userDtbSize(fileSize: bigint): bigint {
  return (fileSize + 10000n) * 2n;
}

export interface ArmPlacementResult {
  regions: Region[];
  diagnostics: Diagnostic[];
}

export function placeArm(layout: Layout, profile: QemuProfile): ArmPlacementResult {
  const m = layout.machine;
  const base = ramBase(m.arch);
  const ramEnd = base + m.ram;
  const a64 = isAArch64Cpu(m);
  const regions: Region[] = [];
  const diagnostics: Diagnostic[] = [];
  const dtbSize = layout.dtb?.size !== undefined ? userDtbSize(layout.dtb.size) : GENERATED_DTB_SIZE;
  const dtbRegion = (addr: bigint): Region => ({
    id: "dtb",
    name: "dtb",
    role: "dtb",
    addr,
    size: dtbSize,
    footprint: dtbSize,
    space: "cpu",
    mem: "ram",
  });

  // ARM has no built-in firmware: QEMU looks any -bios value up as a file, `none` and `default`
  // included (measured on 7.2 and 10.0.2; a file of that name in the current folder would load).
  if (m.bios.kind === "none" || (m.bios.kind === "default" && m.bios.explicit)) {
    diagnostics.push({
      severity: "error",
      code: "firmware-missing",
      qemu: "refuses",
      message: `-bios ${m.bios.kind} means no file on ARM virt, which has no built-in firmware: QEMU looks for a ROM image named '${m.bios.kind}' and refuses to start ("Could not find ROM image '${m.bios.kind}'"). Drop -bios to boot -kernel directly, or give a firmware file (e.g. U-Boot's u-boot.bin).`,
      regions: ["firmware"],
    });
  }
  if (m.bios.kind === "file" && m.bios.file.size !== undefined) {
    // Loaded into flash0 itself (info roms: `virt.flash0`), never compared with other ROMs.
    regions.push({
      id: "firmware",
      name: m.bios.file.path,
      role: "firmware",
      addr: 0n,
      size: m.bios.file.size,
      footprint: m.bios.file.size,
      space: "flash",
      mem: "flash",
      file: m.bios.file,
    });
  }

  const kernel = layout.kernel;
  // With -bios the firmware boots the kernel from fw_cfg: nothing but the DTB lands in RAM.
  if (!kernel || m.bios.kind === "file" || kernel.size === undefined) {
    regions.push(dtbRegion(base));
    return { regions, diagnostics };
  }

  const hdr = sniffHeader(kernel.head);
  // ELF first, as QEMU tries it: loaded at its own physical addresses, not booted as Linux (no
  // stub, no initrd). The DTB goes to the base of RAM when the ELF leaves room below or above it.
  // An ELF for the other ARM state (an AArch64 ELF on a 32-bit cpu, or the reverse): arm_load_elf
  // reads the header, load_elf rejects the machine, and QEMU exits (7.2.22 silently, 10.0.2 with
  // "Couldn't load elf 'F': The image is from incompatible architecture").
  if (hdr.format === "elf" && hdr.elf && hdr.elf.machine !== (a64 ? EM_AARCH64 : EM_ARM)) {
    diagnostics.push({
      severity: "error",
      code: "kernel-incompatible",
      qemu: "refuses",
      message: `-kernel ${kernel.path} is an ${hdr.elf.machine === EM_AARCH64 ? "AArch64" : hdr.elf.machine === EM_ARM ? "32-bit ARM" : `ELF machine ${hdr.elf.machine}`} ELF but the cpu (${m.cpu ?? "the default cortex-a15"}) runs ${a64 ? "AArch64" : "32-bit ARM"}: QEMU refuses to start (${profile.release === "7.2" ? "QEMU 7.2 exits with status 1 and no message" : `"Couldn't load elf '${kernel.path}': The image is from incompatible architecture"`}). ${a64 ? "Use a 64-bit kernel" : "Give -cpu cortex-a57 (or max) for a 64-bit kernel"}.`,
      regions: ["kernel"],
    });
    return { regions, diagnostics };
  }
  const elf = elfKernelRegions(kernel, hdr, a64 ? EM_AARCH64 : EM_ARM, "cpu");
  if (elf) {
    regions.push(...elf.regions);
    const { low, high } = elf;
    if (low > base || high < base) {
      const limit = low < base ? 0n : low;
      // arm_load_dtb drops the DTB without a word when it does not fit below the ELF.
      if (!(limit > base && dtbSize > limit - base)) regions.push(dtbRegion(base));
    } else {
      regions.push(dtbRegion(0n));
    }
    return { regions, diagnostics };
  }

  // Then a uImage (kernel or kernel_noload, gzip payloads decompressed), then on an AArch64 cpu
  // an arm64 Image (a gzip file or, 8.0+, an EFI zboot image unpacked first), else raw bytes.
  let load: bigint;
  let size = kernel.size;
  let extent = kernel.size;
  let isLinux = true;
  let approximate = false;
  const uimage = uimageKernel(
    kernel,
    hdr,
    { noloadAt: base + KERNEL_NOLOAD_ADDR, warnType: true, id: "kernel", what: "-kernel" },
    diagnostics,
  );
  if (uimage) {
    isLinux = uimage.isLinux;
    load = uimage.load;
    size = uimage.size;
    extent = uimage.size;
    approximate = uimage.approximate === true;
  } else if (a64) {
    const image = arm64Content(kernel, kernel.size, hdr, profile, diagnostics);
    if (!image) return { regions, diagnostics };
    size = image.size;
    extent = image.size;
    approximate = image.approximate;
    const inner = image.hdr;
    if (inner.format === "arm64-image" && inner.imageSize) {
      let off = inner.textOffset ?? 0n;
      // Images built before text_offset was fixed say 0: QEMU keeps them 2 MiB in.
      if (off < 4096n) off += 2n * MiB;
      load = base + off;
      extent = inner.imageSize;
    } else {
      load = base + ARM64_TEXT_OFFSET;
    }
  } else {
    load = base + KERNEL_LOAD_ADDR;
  }

  regions.push({
    id: "kernel",
    name: kernel.path,
    role: "kernel",
    addr: load,
    size,
    footprint: maxBig(size, extent),
    space: "cpu",
    mem: "ram",
    file: kernel,
    ...(approximate && { approximate: true }),
  });
  if (extent > m.ram) {
    diagnostics.push({
      severity: "error",
      code: "kernel-too-large",
      qemu: "refuses",
      message: `-kernel ${kernel.path} needs ${formatSize(extent)}, more than the machine's ${formatSize(m.ram)} of RAM: QEMU refuses to start ("kernel '${kernel.path}' is too large to fit in RAM (kernel size ${extent}, RAM size ${m.ram})"). Give the machine more memory with -m.`,
      regions: ["kernel"],
      start: load,
      end: load + extent,
    });
    return { regions, diagnostics };
  }
  if (!isLinux) {
    // Only Linux kernels get the stub, the initrd and a DTB address: QEMU leaves dtb_start at 0.
    regions.push(dtbRegion(0n));
    return { regions, diagnostics };
  }
  const stubSize = a64 ? 0x28n : 0x1cn;
  regions.push({
    id: "bootloader",
    name: "bootloader",
    role: "bootloader",
    addr: base,
    size: stubSize,
    footprint: stubSize,
    space: "cpu",
    mem: "ram",
  });

  const initrdStart = alignUp(maxBig(base + minBig(m.ram / 2n, 128n * MiB), load + extent), 4n * KiB);
  let initrdSize = 0n;
  if (layout.initrd && layout.initrd.size !== undefined) {
    initrdSize = initrdLoadSize({ ...layout.initrd, size: layout.initrd.size });
    const room = ramEnd - initrdStart;
    if (initrdStart >= ramEnd || initrdSize > room) {
      diagnostics.push({
        severity: "error",
        code: "initrd-no-space",
        qemu: "refuses",
        message:
          initrdStart >= ramEnd
            ? `-initrd ${layout.initrd.path} would go at ${hex(initrdStart)}, past the kernel, but RAM ends at ${hex(ramEnd)}: QEMU refuses to start ("not enough space after kernel to load initrd"). Give the machine more memory with -m.`
            : `-initrd ${layout.initrd.path} (${formatSize(initrdSize)}) would go at ${hex(initrdStart)}, past the kernel, but only ${formatSize(room)} of RAM are left there: QEMU refuses to start ("could not load initrd '${layout.initrd.path}'"). Give the machine more memory with -m or use a smaller initrd.`,
        regions: ["initrd"],
        start: initrdStart,
        end: initrdStart + initrdSize,
      });
      return { regions, diagnostics };
    }
    regions.push({
      id: "initrd",
      name: layout.initrd.path,
      role: "initrd",
      addr: initrdStart,
      size: initrdSize,
      footprint: initrdSize,
      space: "cpu",
      mem: "ram",
      file: layout.initrd,
    });
  }
  // An AArch64 kernel needs its DTB in a 2 MiB block of its own; 32-bit needs only page alignment.
  const dtbStart = alignUp(initrdStart + initrdSize, a64 ? 2n * MiB : 4n * KiB);
  // QEMU checks only the DTB's start against the end of RAM.
  if (dtbStart >= ramEnd) {
    diagnostics.push({
      severity: "error",
      code: "dtb-no-space",
      qemu: "refuses",
      message: `QEMU's DTB would go at ${hex(dtbStart)}, after the kernel and initrd, but RAM ends at ${hex(ramEnd)}: QEMU refuses to start ("Not enough space for DTB after kernel/initrd"). Give the machine more memory with -m.`,
      regions: ["dtb"],
      start: dtbStart,
      end: dtbStart + dtbSize,
    });
    return { regions, diagnostics };
  }
  regions.push(dtbRegion(dtbStart));
  return { regions, diagnostics };
}

/**
 * What `load_aarch64_image()` (hw/arm/boot.c) holds after unpacking: a gzip file's content (up to
 * 256 MiB; a failure is printed and the file taken raw), else the file itself, unpacked first when
 * it is an EFI zboot image (8.0+; a failure there is fatal: "could not load kernel"). Undefined
 * when QEMU refuses (the diagnostic is pushed).
 */
function arm64Content(
  kernel: LayoutBlob,
  fileSize: bigint,
  hdr: BlobHeader,
  profile: QemuProfile,
  diagnostics: Diagnostic[],
): { size: bigint; hdr: BlobHeader; approximate: boolean } | undefined {
  const raw = { size: fileSize, hdr, approximate: false };
  const un = kernel.unpacked;
  if (hdr.format === "gzip") {
    if (!un) return { ...raw, approximate: true };
    if ("failure" in un) {
      diagnostics.push({
        severity: "warning",
        code: "kernel-unpack",
        qemu: "starts",
        message: `-kernel ${kernel.path} is gzip data QEMU cannot unpack (${un.failure === "too-large" ? "it unpacks to more than the 256 MiB QEMU allows" : un.detail}): it prints "${kernel.path}: unable to decompress gzipped kernel file" and loads the compressed file as raw bytes, so the kernel never runs. ${un.failure === "too-large" ? "Boot the uncompressed Image" : "Check the file (gzip -t)"}.`,
        regions: ["kernel"],
      });
      return raw;
    }
    return { size: un.size, hdr: sniffHeader(un.head), approximate: false };
  }
  const z = hdr.zboot;
  if (!z || !profile.arm64Zboot) return raw;
  // hw/core/loader.c unpack_efi_zboot_image(): the header is checked before anything is unpacked.
  const refuse = (said: string, fix: string) => {
    diagnostics.push({
      severity: "error",
      code: "kernel-unpack",
      qemu: "refuses",
      message: `-kernel ${kernel.path} is an arm64 EFI zboot image QEMU ${profile.version} cannot unpack: it refuses to start ("${said}", then "could not load kernel '${kernel.path}'"). ${fix}`,
      regions: ["kernel"],
    });
    return undefined;
  };
  if (z.compression !== "gzip")
    return refuse(
      `unable to handle EFI zboot image with "${z.compression}" compression`,
      "QEMU unpacks only gzip zboot images: boot the kernel's uncompressed Image (arch/arm64/boot/Image), or build it with CONFIG_KERNEL_GZIP.",
    );
  if (z.payloadOffset + z.payloadSize > fileSize)
    return refuse(
      "unable to handle corrupt EFI zboot image",
      `Its header puts the payload at [${z.payloadOffset}, ${z.payloadOffset + z.payloadSize}) but the file has ${fileSize} bytes: it is cut short; copy it again.`,
    );
  if (!un) return { ...raw, approximate: true };
  if ("failure" in un)
    return refuse(
      "failed to decompress EFI zboot image",
      un.failure === "too-large"
        ? "Its Image unpacks to more than the 256 MiB QEMU allows: boot the uncompressed Image."
        : `Its payload is ${un.detail}: copy the file again, or boot the uncompressed Image.`,
    );
  return { size: un.size, hdr: sniffHeader(un.head), approximate: false };
}
