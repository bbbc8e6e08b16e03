/**
 * The size of the FDT QEMU's RISC-V `virt` places at the top of RAM. 7.2 reserves the 1 MiB the
 * tree was allocated with; from 8.0 QEMU packs the tree first, so the FDT's size in RAM is the
 * packed tree's: the machine's own nodes (which grow with every hart) plus what the command line
 * adds to /chosen. A module placed in the tail of a too-small estimate is refused by QEMU, so the
 * size must be exact.
 *
 * Measured on QEMU 10.0.2 (`-M virt -bios none`, `info roms`): the tree does not depend on -m
 * (the memory node has a fixed-size reg), it grows by exactly one hart's nodes per cpu
 * (-smp 1..32, with or without sockets=), and rv32's isa/mmu-type strings are 8 bytes longer.
 */
import { type Layout, type Machine, moduleFile } from "../model/types.js";
import { encodeUtf8 } from "../util/text.js";
import { moduleNodeName } from "./guest-loader.js";
import type { QemuProfile } from "./profiles.js";

/** 7.2 places the FDT at its allocated size. */
export const UNPACKED_FDT_SIZE = 0x100000n;

/** The packed tree of `-M virt -smp 1 -bios none` without -append/-initrd/modules, and each further hart. */
interface MachineTree {
  readonly base: bigint;
  readonly perHart: bigint;
}

/** QEMU 10.0.2 (verified by the conformance suites against the real binary). */
const TREE_10_0: Record<"riscv64" | "riscv32", MachineTree> = {
  riscv64: { base: 0x1384n, perHart: 0x3e8n },
  riscv32: { base: 0x138cn, perHart: 0x3f0n },
};
/**
 * QEMU 8.0–9.2: rv64 measured on 8.2.0 (`-m 2G`, one hart: 0x10f6); per hart and rv32 taken from
 * 10.0 (the hart nodes did not change shape). Not verified against a binary in CI.
 */
const TREE_8_0: Record<"riscv64" | "riscv32", MachineTree> = {
  riscv64: { base: 0x10f6n, perHart: 0x3e8n },
  riscv32: { base: 0x10fen, perHart: 0x3f0n },
};

/**
 * The number of harts `-smp` gives: `N`, `cpus=N`, or the product of the topology it names
 * (sockets × dies × clusters × cores × threads); 1 without -smp.
 */
export function smpCpus(smp: string | undefined): number {
  if (smp === undefined || smp.trim() === "") return 1;
  const parts = smp.split(",");
  const first = parts[0]!.trim();
  if (/^\d+$/.test(first)) return Math.max(1, Number(first));
  const kv = new Map(
    parts.map((p) => {
      const [k = "", v = ""] = p.split("=");
      return [k.trim(), v.trim()] as const;
    }),
  );
  const cpus = kv.get("cpus");
  if (cpus && /^\d+$/.test(cpus)) return Math.max(1, Number(cpus));
  let n = 1;
  for (const k of ["sockets", "dies", "clusters", "cores", "threads"]) {
    const v = kv.get(k);
    if (v && /^\d+$/.test(v)) n *= Number(v);
  }
  return Math.max(1, n);
}

const align4 = (n: number) => BigInt((n + 3) & ~3);
const utf8Length = (s: string) => encodeUtf8(s).length;
/** A property in the structure block: tag, len, nameoff, then the value padded to 4 bytes. */
const prop = (valueLen: number) => 12n + align4(valueLen);

/** Whether a guest-loader stanza becomes a /chosen node (QEMU refuses the others before the FDT). */
function makesNode(mod: Layout["modules"][number]): boolean {
  const file = moduleFile(mod);
  return mod.addr !== 0n && file !== undefined && !(mod.kernel && mod.initrd);
}

/** The size of the FDT QEMU places in RAM for this layout (a `-dtb` file: that file's size). */
export function riscvFdtSize(layout: Layout, profile: QemuProfile): bigint {
  if (layout.dtb?.size !== undefined) return layout.dtb.size;
  if (!profile.riscvFdtPacked) return UNPACKED_FDT_SIZE;
  const machine: Machine = layout.machine;
  const arch = machine.arch === "riscv32" ? "riscv32" : "riscv64";
  const tree = (profile.rv64FdtNoCap ? TREE_10_0 : TREE_8_0)[arch];
  let size = tree.base + BigInt(smpCpus(machine.smp) - 1) * tree.perHart;
  // New property names enter the strings block once, NUL-terminated.
  const names = new Set<string>();
  // riscv_load_kernel writes bootargs only with a -kernel and a non-empty -append.
  if (layout.kernel && layout.append !== undefined && layout.append !== "") {
    size += prop(utf8Length(layout.append) + 1);
    names.add("bootargs");
  }
  if (layout.kernel && layout.initrd) {
    const cell = profile.riscvInitrdU64 ? 8 : 4;
    size += 2n * prop(cell);
    names.add("linux,initrd-start");
    names.add("linux,initrd-end");
  }
  const seen = new Set<bigint>();
  for (const mod of layout.modules) {
    if (!makesNode(mod) || seen.has(mod.addr)) continue;
    seen.add(mod.addr);
    // FDT_BEGIN_NODE + name + FDT_END_NODE; reg <u64 addr, u64 size>; a two-string compatible.
    size += 8n + align4(utf8Length(moduleNodeName(mod.addr)) + 1);
    size += prop(16);
    size += prop(
      utf8Length(
        mod.kernel ? "multiboot,module\0multiboot,kernel\0" : "multiboot,module\0multiboot,ramdisk\0",
      ),
    );
    if (mod.kernel && mod.bootargs !== undefined) {
      size += prop(utf8Length(mod.bootargs) + 1);
      names.add("bootargs");
    }
  }
  for (const n of names) size += BigInt(utf8Length(n) + 1);
  return size;
}
