/**
 * A whole layout from a DTB (e.g. QEMU's `-machine dumpdtb=` of a command line someone ran): the
 * machine from /cpus and /memory, `-append` from /chosen/bootargs, and the /chosen modules as
 * guest-loader stanzas with placeholder blobs. What a DTB cannot say (file names, -kernel) is
 * noted, never invented.
 */
import { decodeFdt } from "../fdt/decode.js";
import { FdtError } from "../fdt/errors.js";
import type { FdtNode } from "../fdt/tree.js";
import { getProp } from "../fdt/tree.js";
import { readCells, readStringList } from "../fdt/values.js";
import { type Arch, emptyLayout, type Layout } from "../model/types.js";
import { AARCH64_CPUS } from "../qemu/machine.js";
import { hex } from "../util/bigint.js";
import { decodeLatin1 } from "../util/text.js";
import { importDtb } from "./import.js";

export interface DtbLayout {
  readonly layout: Layout;
  /** What was guessed or left out, one sentence each. */
  readonly notes: string[];
}

function firstCpu(root: FdtNode): FdtNode | undefined {
  return root.children.find((c) => c.name === "cpus")?.children.find((c) => c.name.startsWith("cpu@"));
}

function cells(node: FdtNode | undefined, name: string, fallback: number): number {
  const p = node && getProp(node, name);
  if (p?.value.length !== 4) return fallback;
  const n = new DataView(p.value.buffer, p.value.byteOffset).getUint32(0);
  // A root's cells are 1 or 2 on every machine guestmap models; <20000> is a corrupt tree, not
  // a 640 KB-wide number to read /memory with.
  if (n < 1 || n > 2)
    throw new FdtError(
      "BADVALUE",
      `/ ${name} = <${n}>: guestmap reads /memory with 1 or 2 cells only; fix the DTB`,
    );
  return n;
}

/** Throws FdtError for a malformed DTB or one without /chosen (see importDtb). */
export function layoutFromDtb(bytes: Uint8Array): DtbLayout {
  const imported = importDtb(bytes);
  const fdt = decodeFdt(bytes);
  const notes = [...imported.warnings];
  const cpu = firstCpu(fdt.root);
  const compat = cpu ? readStringList(getProp(cpu, "compatible")?.value ?? new Uint8Array()) : [];
  let arch: Arch = "aarch64";
  let cpuModel: string | undefined;
  const isa = cpu && getProp(cpu, "riscv,isa");
  if (isa || compat.includes("riscv")) {
    const text = isa ? decodeLatin1(isa.value) : "";
    arch = text.startsWith("rv32") ? "riscv32" : "riscv64";
  } else {
    const model = compat.find((c) => c.startsWith("arm,"))?.slice(4);
    if (model && AARCH64_CPUS.has(model)) cpuModel = model;
    else if (model) {
      arch = "arm";
      cpuModel = model;
      notes.push(
        `the cpu is ${model}, a 32-bit cpu: the layout uses qemu-system-arm (use qemu-system-aarch64 -cpu ${model} if that is what ran)`,
      );
    } else notes.push("the DTB names no ARM or RISC-V cpu: the layout assumes aarch64");
  }
  let ram = emptyLayout(arch).machine.ram;
  const memory = fdt.root.children.find((c) => c.name === "memory" || c.name.startsWith("memory@"));
  const reg = memory && getProp(memory, "reg");
  const ac = cells(fdt.root, "#address-cells", 2);
  const sc = cells(fdt.root, "#size-cells", 1);
  if (reg && reg.value.length > 0 && reg.value.length % (4 * (ac + sc)) === 0) {
    const v = readCells(reg.value, 1);
    const words = (from: number, n: number) => v.slice(from, from + n).reduce((a, w) => (a << 32n) | w, 0n);
    ram = 0n;
    for (let i = 0; i < v.length; i += ac + sc) ram += words(i + ac, sc);
  } else
    notes.push(
      `the DTB has no readable /memory node: the layout keeps QEMU's default ${hex(ram)} bytes of RAM`,
    );
  if (imported.initrd)
    notes.push(
      `/chosen has an initrd at [${hex(imported.initrd.start)}, ${hex(imported.initrd.end)}): QEMU placed it from -initrd, whose file the DTB does not name; add it with -initrd`,
    );
  if (imported.modules.length > 0)
    notes.push(
      "module files are placeholders named after their nodes, with the sizes from reg: open or drop the real files",
    );
  const base = emptyLayout(arch);
  const layout: Layout = {
    ...base,
    machine: { ...base.machine, ram, ...(cpuModel && { cpu: cpuModel }) },
    ...(imported.bootargs !== undefined && { append: imported.bootargs }),
    modules: imported.modules,
  };
  if (imported.bootargs !== undefined)
    notes.push(
      "/chosen/bootargs became -append, which QEMU takes only with -kernel: add the -kernel that ran",
    );
  return { layout, notes };
}
