/**
 * Where QEMU's generic loader (`-device loader`, hw/core/generic-loader.c) puts each form of
 * docs/system/generic-loader.rst: a file as ELF segments, as a uImage payload or raw at `addr=`;
 * `data=` bytes written at reset. Every form goes through a cpu's address space (the first cpu's
 * unless `cpu-num=`), which decides what QEMU compares it with (see `AddressSpace`).
 */
import type { Diagnostic } from "../diagnostics.js";
import { sniffHeader, UIMAGE_TYPE_KERNEL } from "../headers/sniff.js";
import type { GenericLoaderBlob, Layout } from "../model/types.js";
import { formatSize, hex } from "../util/bigint.js";
import { decodeLatin1 as latin1 } from "../util/text.js";
import { elfKernelRegions } from "./elf-kernel.js";
import { intelHexBlocks, looksLikeIntelHex } from "./ihex-blocks.js";
import { loaderSpace, type Region } from "./region.js";
import { uimageKernel } from "./uimage-kernel.js";

/** The number of cpus `-smp` asks for (`4`, `cpus=4`, `4,sockets=2`); 1 without `-smp`. */
export function smpCpus(smp: string | undefined): number {
  if (smp === undefined) return 1;
  const first = smp.split(",")[0] ?? "";
  const cpus = /^\d+$/.test(first) ? first : /(?:^|,)cpus=(\d+)/.exec(smp)?.[1];
  if (cpus !== undefined) return Math.max(1, Number(cpus));
  // Only topology given: QEMU multiplies it out.
  let n = 1;
  for (const k of ["sockets", "dies", "clusters", "cores", "threads"]) {
    const v = new RegExp(`(?:^|,)${k}=(\\d+)`).exec(smp)?.[1];
    if (v !== undefined) n *= Number(v);
  }
  return n;
}

export function placeLoaders(layout: Layout): { regions: Region[]; diagnostics: Diagnostic[] } {
  const regions: Region[] = [];
  const diagnostics: Diagnostic[] = [];
  const cpus = smpCpus(layout.machine.smp);
  const cpuExists = (id: string, cpuNum: number | undefined): boolean => {
    if (cpuNum === undefined || cpuNum < cpus) return true;
    diagnostics.push({
      severity: "error",
      code: "loader-cpu-missing",
      qemu: "refuses",
      message: `-device loader (${id}) names cpu-num=${cpuNum}, but the machine has ${cpus} cpu${cpus === 1 ? "" : "s"} (cpus are numbered from 0): QEMU refuses to start ("Specified boot CPU#${cpuNum} is nonexistent"). Use a cpu-num below ${cpus} or raise -smp.`,
      regions: [id],
    });
    return false;
  };

  for (const l of layout.loaders) {
    if (!cpuExists(l.id, l.cpuNum)) continue;
    if (l.cpuNum !== undefined)
      diagnostics.push(setsPc(layout, l.id, `file=${l.file.path}`, l.cpuNum, pcOf(l)));
    const f = l.file;
    if (f.size === undefined) continue;
    const space = loaderSpace(l.cpuNum);
    const base = { name: f.path, role: "loader" as const, space, mem: "ram" as const, file: f };
    if (!l.forceRaw) {
      const hdr = sniffHeader(f.head);
      // QEMU tries ELF (any machine), then uImage, then Intel HEX, and only then raw bytes.
      const elf = elfKernelRegions(f, hdr, undefined, space, { id: l.id, role: "loader" });
      if (elf) {
        regions.push(...elf.regions);
        continue;
      }
      // Only a `kernel` uImage: a script (U-Boot's boot.scr), ramdisk or kernel_noload one is
      // loaded raw at addr=, header and all (measured on 7.2 and 10.0.2).
      const u = uimageKernel(f, hdr, { id: l.id, what: `-device loader (${l.id})` }, diagnostics);
      if (u) {
        regions.push({
          ...base,
          id: l.id,
          addr: u.load,
          size: u.size,
          footprint: u.size,
          ...(u.approximate && { approximate: true }),
        });
        continue;
      }
      if (looksLikeIntelHex(f.head)) {
        // QEMU reads the whole text; guestmap has only the file's first bytes.
        const blocks = f.head && BigInt(f.head.length) >= f.size ? intelHexBlocks(latin1(f.head)) : undefined;
        if (blocks) {
          blocks.forEach((b, i) => {
            regions.push({ ...base, id: `${l.id}#${i}`, addr: b.addr, size: b.size, footprint: b.size });
          });
          continue;
        }
        if (BigInt(f.head?.length ?? 0) < f.size) {
          diagnostics.push({
            severity: "info",
            code: "size-unknown",
            message: `-device loader file=${f.path} (${l.id}) is Intel HEX: QEMU loads it at the addresses in its records, which guestmap reads only from files up to 64 KiB; this one is not on the map. Add force-raw=on to load the text itself, or load a binary instead.`,
            regions: [l.id],
          });
          continue;
        }
      }
    }
    // Raw: QEMU caps the file at the machine's RAM size.
    if (f.size > layout.machine.ram) {
      diagnostics.push({
        severity: "error",
        code: "too-large",
        qemu: "refuses",
        message: `-device loader file=${f.path} (${l.id}) is ${formatSize(f.size)}, more than the machine's ${formatSize(layout.machine.ram)} of RAM: QEMU refuses to start ("Cannot load specified image ${f.path}"). Give the machine more memory with -m, or split the file.`,
        regions: [l.id],
      });
      continue;
    }
    regions.push({ ...base, id: l.id, addr: l.addr, size: f.size, footprint: f.size });
  }

  for (const p of layout.loaderPcs ?? []) {
    if (cpuExists(p.id, p.cpuNum))
      diagnostics.push(setsPc(layout, p.id, `addr=${hex(p.addr)}`, p.cpuNum, hex(p.addr)));
  }

  for (const d of layout.loaderData ?? []) {
    if (!cpuExists(d.id, d.cpuNum)) continue;
    if (d.len < 1 || d.len > 8) {
      diagnostics.push({
        severity: "error",
        code: "loader-data-len",
        qemu: "refuses",
        message: `-device loader data=… (${d.id}) has data-len=${d.len}: QEMU refuses to start (${d.len === 0 ? `"Both data and data-len must be specified"` : `"data-len cannot be greater then 8 bytes"`}). Write 1 to 8 bytes per stanza; use a file for more.`,
        regions: [d.id],
      });
      continue;
    }
    const size = BigInt(d.len);
    regions.push({
      id: d.id,
      name: `data ${hex(d.data)}`,
      role: "loader-data",
      addr: d.addr,
      size,
      footprint: size,
      space: loaderSpace(d.cpuNum),
      mem: "ram",
    });
  }
  return { regions, diagnostics };
}

/**
 * `loader-sets-pc`: a file loaded with `cpu-num=` also sets that cpu's PC at reset, after the
 * machine's own boot code did (measured with `info registers` on 7.2 and 10.0.2): cpu 0 then
 * starts in the blob, not in ARM's boot stub (which hands the kernel its DTB) or RISC-V's MROM
 * reset vector (which starts the firmware).
 */
function setsPc(layout: Layout, id: string, what: string, cpuNum: number, pc: string): Diagnostic {
  const arm = layout.machine.arch === "aarch64" || layout.machine.arch === "arm";
  const bypassed =
    cpuNum !== 0
      ? undefined
      : arm
        ? layout.kernel
          ? "QEMU's boot stub at the base of RAM, which passes -kernel its DTB address and starts it"
          : layout.machine.bios.kind === "file"
            ? `the firmware ${layout.machine.bios.file.path} in flash`
            : undefined
        : "the MROM reset vector at 0x1000, which starts the firmware (OpenSBI) or -kernel with its DTB address";
  return {
    severity: bypassed ? "warning" : "info",
    code: "loader-sets-pc",
    qemu: "starts",
    message: bypassed
      ? `-device loader ${what},cpu-num=0 (${id}) sets cpu 0's PC to ${pc} at reset: cpu 0 starts there instead of in ${bypassed}. Drop it (or cpu-num=, to only load a file), or make sure that code is meant to run first.`
      : `-device loader ${what},cpu-num=${cpuNum} (${id}) sets cpu ${cpuNum}'s PC to ${pc} at reset.`,
    regions: [id],
  };
}

/** The PC a loader file with cpu-num= sets: its ELF entry, a kernel uImage's entry, else addr=. */
function pcOf(l: GenericLoaderBlob): string {
  const hdr = l.forceRaw ? undefined : sniffHeader(l.file.head);
  if (hdr?.format === "elf") return `${l.file.path}'s ELF entry point`;
  if (hdr?.format === "uimage" && hdr.uimage?.type === UIMAGE_TYPE_KERNEL) return hex(hdr.uimage.entry);
  return hex(l.addr);
}
