/** ELF `-kernel`s: QEMU's ELF loader registers one ROM per PT_LOAD, at its physical address. */
import type { BlobHeader } from "../headers/sniff.js";
import type { LayoutBlob } from "../model/types.js";
import { maxBig, minBig } from "../util/bigint.js";
import type { AddressSpace, Region } from "./region.js";

export interface ElfKernel {
  readonly regions: Region[];
  /** Lowest and highest (exclusive) byte the segments occupy. */
  readonly low: bigint;
  readonly high: bigint;
}

/**
 * The kernel's regions when its header is an ELF of `machine` (undefined: any machine, as the
 * generic loader accepts) with readable program headers, as QEMU names them (`F ELF program
 * header segment N`, sized by p_memsz); otherwise undefined, and QEMU falls back to its other
 * formats. `id`/`role` name the regions (`kernel#N` by default).
 */
export function elfKernelRegions(
  kernel: LayoutBlob,
  hdr: BlobHeader,
  machine: number | undefined,
  space: AddressSpace,
  as: { readonly id: string; readonly role: Region["role"] } = { id: "kernel", role: "kernel" },
): ElfKernel | undefined {
  if (hdr.format !== "elf" || !hdr.elf?.segments) return undefined;
  if (machine !== undefined && hdr.elf.machine !== machine) return undefined;
  const segs = hdr.elf.segments.filter((sg) => sg.memsz > 0n);
  if (segs.length === 0) return undefined;
  const regions: Region[] = segs.map((sg) => ({
    id: `${as.id}#${sg.index}`,
    name: `${kernel.path} ELF program header segment ${sg.index}`,
    role: as.role,
    addr: sg.paddr,
    size: sg.memsz,
    footprint: sg.memsz,
    space,
    mem: "ram",
    file: kernel,
  }));
  const low = segs.reduce((m, sg) => minBig(m, sg.paddr), segs[0]!.paddr);
  const high = segs.reduce((m, sg) => maxBig(m, sg.paddr + sg.memsz), 0n);
  return { regions, low, high };
}
