/**
 * An ELF image of the same memory as the raw image: one PT_LOAD per resolved blob slice, at its
 * guest-physical address (p_paddr = p_vaddr), with the gaps left out (they are zero in the raw
 * image and untouched by an ELF load). QEMU 7.2's `-device loader,file=x.elf` (load_elf with no
 * machine filter) loads it to the same RAM as the raw image; overlaps are already resolved, so
 * QEMU's ROM overlap check never sees two segments over one byte.
 */
import type { Arch } from "../model/types.js";
import { hex } from "../util/bigint.js";
import { resolveSlices, type Segment } from "./plan.js";
import { type AddressRange, ImageError, type ImageRegion } from "./source.js";

/** e_machine per arch: EM_AARCH64, EM_ARM, EM_RISCV. */
export const ELF_MACHINE: Record<Arch, number> = { aarch64: 183, arm: 40, riscv64: 243, riscv32: 243 };

/** ELF64 for 64-bit arches, ELF32 for arm and riscv32 (their toolchains' native class). */
export function defaultElfClass(arch: Arch): 32 | 64 {
  return arch === "aarch64" || arch === "riscv64" ? 64 : 32;
}

export interface ElfOptions {
  readonly arch: Arch;
  /** Override the class; ELF32 cannot hold addresses at or above 4 GiB. */
  readonly elfClass?: 32 | 64;
}

class Out {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  private p = 0;
  constructor(n: number) {
    this.bytes = new Uint8Array(n);
    this.view = new DataView(this.bytes.buffer);
  }
  u8(v: number) {
    this.view.setUint8(this.p, v);
    this.p += 1;
  }
  u16(v: number) {
    this.view.setUint16(this.p, v, true);
    this.p += 2;
  }
  u32(v: number | bigint) {
    this.view.setUint32(this.p, Number(v), true);
    this.p += 4;
  }
  u64(v: bigint) {
    this.view.setBigUint64(this.p, v, true);
    this.p += 8;
  }
  word(v: bigint, is64: boolean) {
    if (is64) this.u64(v);
    else this.u32(v);
  }
  pad(to: number) {
    this.p = to;
  }
}

/** The ELF image of `regions` clipped to `range` (default: their span), as a plan. */
export function planElf(regions: readonly ImageRegion[], opts: ElfOptions, range?: AddressRange): Segment[] {
  const is64 = (opts.elfClass ?? defaultElfClass(opts.arch)) === 64;
  const slices = resolveSlices(regions, range);
  if (slices.length > 0xfffe)
    throw new ImageError(
      "bad-range",
      `${slices.length} segments is more than an ELF header can count (65534)`,
    );
  if (!is64) {
    for (const s of slices)
      if (s.addr + s.length > 1n << 32n)
        throw new ImageError(
          "address-too-high",
          `ELF32 cannot hold bytes at ${hex(s.addr)}…${hex(s.addr + s.length - 1n)} (above 4 GiB); use ELF64 or a raw image`,
        );
  }
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const headerSize = ehsize + phentsize * slices.length;
  const o = new Out(headerSize);
  o.u8(0x7f);
  o.u8(0x45);
  o.u8(0x4c);
  o.u8(0x46);
  o.u8(is64 ? 2 : 1); // EI_CLASS
  o.u8(1); // EI_DATA: little endian, as all four targets
  o.u8(1); // EI_VERSION
  o.pad(16);
  o.u16(2); // ET_EXEC
  o.u16(ELF_MACHINE[opts.arch]);
  o.u32(1);
  o.word(slices[0]?.addr ?? 0n, is64); // e_entry: only used by QEMU when the loader sets a PC
  o.word(BigInt(ehsize), is64); // e_phoff
  o.word(0n, is64); // e_shoff: no sections
  o.u32(opts.arch === "arm" ? 0x05000000 : 0); // e_flags: EABI v5 on arm
  o.u16(ehsize);
  o.u16(phentsize);
  o.u16(slices.length);
  o.u16(0); // e_shentsize
  o.u16(0); // e_shnum
  o.u16(0); // e_shstrndx
  let offset = BigInt(headerSize);
  for (const s of slices) {
    if (is64) {
      o.u32(1); // PT_LOAD
      o.u32(7); // PF_R | PF_W | PF_X
      o.u64(offset);
      o.u64(s.addr);
      o.u64(s.addr);
      o.u64(s.length);
      o.u64(s.length);
      o.u64(1n);
    } else {
      o.u32(1);
      o.u32(offset);
      o.u32(s.addr);
      o.u32(s.addr);
      o.u32(s.length);
      o.u32(s.length);
      o.u32(7);
      o.u32(1);
    }
    offset += s.length;
  }
  if (!is64 && offset > 0xffffffffn)
    throw new ImageError("address-too-high", "the ELF32 file would exceed 4 GiB; use ELF64 or a raw image");
  return [
    { kind: "bytes", data: o.bytes },
    ...slices.map(
      (s): Segment => ({
        kind: "blob",
        source: s.source,
        region: s.region,
        offset: s.offset,
        length: s.length,
      }),
    ),
  ];
}
