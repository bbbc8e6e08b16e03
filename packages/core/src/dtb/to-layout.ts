/**
 * A whole layout from a DTB (e.g. QEMU's `-machine dumpdtb=` of a command line someone ran): the
 * machine from /cpus and /memory, `-append` from /chosen/bootargs, and the /chosen modules as
 * guest-loader stanzas with placeholder blobs. What a DTB cannot say (file names, -kernel) is
 * noted, never invented.
 */
import { decodeFdt } from "../fdt/decode.js";
import { FdtError } from "../fdt/errors.js";
import { type FdtNode, findNode, getProp } from "../fdt/tree.js";
import { readCells, readStringList } from "../fdt/values.js";
import { type Arch, emptyLayout, type GenericLoaderBlob, type Layout } from "../model/types.js";
import { AARCH64_CPUS } from "../qemu/machine.js";
import { hex } from "../util/bigint.js";
import { decodeLatin1 } from "../util/text.js";
import { domainsFromChosen } from "../xen/from-dtb.js";
import { importDtb } from "./import.js";
import { dtbModules } from "./user-dtb.js";

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

/** /chosen properties QEMU itself writes (or the machine's): the rest is the user's. */
const QEMU_CHOSEN_PROPS = new Set([
  "bootargs",
  "linux,initrd-start",
  "linux,initrd-end",
  "stdout-path",
  "rng-seed",
  "kaslr-seed",
  "#address-cells",
  "#size-cells",
]);

/** What a DTB's /chosen holds that guest-loader cannot write: Xen's own properties, dom0less domains… */
function beyondGuestLoader(chosen: FdtNode): { props: string[]; nodes: string[] } {
  const isModule = (c: FdtNode) => {
    const compat = getProp(c, "compatible");
    return compat ? readStringList(compat.value).includes("multiboot,module") : c.name.startsWith("module@");
  };
  return {
    props: chosen.props.map((p) => p.name).filter((n) => !QEMU_CHOSEN_PROPS.has(n)),
    nodes: chosen.children.filter((c) => !isModule(c)).map((c) => c.name),
  };
}

export interface DtbLayoutOptions {
  /**
   * The DTB's file name as the layout should refer to it. With it, a /chosen that guest-loader
   * cannot write (Xen bootargs, dom0less domains) is kept by booting this DTB itself (`-dtb`),
   * its modules loaded by `-device loader`; without it, what is left out is listed in the notes.
   */
  readonly path?: string;
  /**
   * Model Xen's command lines and the dom0less domains as layout fields (editable, checked rule by
   * rule, exported in the fixed-DTB form) even when `path` is given; a /chosen with anything else
   * the layout cannot hold is still kept whole. Without `path` they are always modelled.
   */
  readonly editDomains?: boolean;
}

/** Throws FdtError for a malformed DTB or one without /chosen (see importDtb). */
export function layoutFromDtb(bytes: Uint8Array, opts: DtbLayoutOptions = {}): DtbLayout {
  const imported = importDtb(bytes);
  const fdt = decodeFdt(bytes);
  const notes = [...imported.warnings];
  const chosen = findNode(fdt, "/chosen")!;
  const beyond = beyondGuestLoader(chosen);
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
  const machine = { ...base.machine, ram, ...(cpuModel && { cpu: cpuModel }) };
  // Xen's command lines and dom0less domains are modelled; only the rest needs the DTB kept.
  const dom0less = domainsFromChosen(chosen);
  const model = opts.path === undefined || opts.editDomains === true;
  const modelled = (n: string) =>
    model && dom0less.domains.some((d) => d.name === n) && !dom0less.partial.has(n);
  const extra = [
    ...beyond.props.filter((p) => !(model && (p === "xen,xen-bootargs" || p === "xen,dom0-bootargs"))),
    ...beyond.nodes.filter((n) => !modelled(n)).map((n) => `${n} { … }`),
  ];
  if (extra.length > 0 && opts.path !== undefined) {
    // Keep the user's /chosen whole: boot this DTB, and load every module (dom0's and the
    // domains') raw at its reg, as `export --fixed-dtb` does.
    const mods = dtbModules(fdt);
    const loaders: GenericLoaderBlob[] = mods.map((m, i) => ({
      id: `l${i + 1}`,
      addr: m.addr,
      file: { path: `${m.path.slice("/chosen/".length).replaceAll("/", "-")}.bin`, size: m.size },
      forceRaw: true,
    }));
    notes.push(
      `kept ${opts.path} as -dtb: its /chosen has ${extra.join(", ")}, which guest-loader cannot write. Its ${mods.length} module node(s) became -device loader,force-raw=on at their reg addresses (placeholders named after the nodes, sized from reg: open the real files); QEMU adds only -append and -initrd to this DTB`,
    );
    return { layout: { ...base, machine, dtb: { path: opts.path }, modules: [], loaders }, notes };
  }
  // Without the file's name, domains are kept as well as the model can (their notes say what not).
  const dropped = extra.filter((e) => !dom0less.domains.some((d) => e === `${d.name} { … }`));
  if (dropped.length > 0)
    notes.push(
      `dropped from /chosen (guest-loader cannot write them): ${dropped.join(", ")}; to keep them, boot this DTB with -dtb and load the modules with -device loader (guestmap import --from-dtb FILE does so when it knows the file's name)`,
    );
  notes.push(...dom0less.warnings);
  // Xen's own command lines (booting.txt, "Command lines"): xen,xen-bootargs is Xen's (-append),
  // xen,dom0-bootargs dom0's when its kernel module has none.
  const xenArgs = getProp(chosen, "xen,xen-bootargs");
  const dom0Args = getProp(chosen, "xen,dom0-bootargs");
  const append = xenArgs ? decodeLatin1(xenArgs.value).replace(/\0$/, "") : imported.bootargs;
  let modules = imported.modules;
  if (dom0Args) {
    const text = decodeLatin1(dom0Args.value).replace(/\0$/, "");
    const k = modules.findIndex((m) => m.kernel);
    if (k >= 0 && modules[k]!.bootargs === undefined)
      modules = modules.map((m, i) => (i === k ? { ...m, bootargs: text } : m));
    else
      notes.push(
        `/chosen xen,dom0-bootargs "${text}" not used: ${k < 0 ? "there is no dom0 kernel module" : "the dom0 kernel module has its own bootargs, which Xen prefers"}`,
      );
  }
  if (xenArgs && imported.bootargs !== undefined)
    notes.push(
      `/chosen has xen,xen-bootargs (Xen's command line, now -append) and bootargs "${imported.bootargs}", which Xen then gives dom0: dropped`,
    );
  const layout: Layout = {
    ...base,
    machine,
    ...(append !== undefined && { append }),
    modules,
    ...(dom0less.domains.length > 0 && { domains: dom0less.domains }),
  };
  if (append !== undefined)
    notes.push(
      `/chosen/${xenArgs ? "xen,xen-bootargs" : "bootargs"} became -append, which QEMU takes only with -kernel: add the -kernel that ran`,
    );
  if (dom0less.domains.length > 0)
    notes.push(
      "dom0less domain files are placeholders named after their domain and address, with the sizes from reg: open or drop the real files",
    );
  return { layout, notes };
}
