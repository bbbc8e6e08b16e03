/**
 * /chosen exactly as QEMU builds it: the sequence of libfdt edits QEMU makes for a layout,
 * replayed with our libfdt-semantics edits so node and property order come out as QEMU's.
 *
 * What QEMU does, in time order (hw/core/guest-loader.c, hw/arm/boot.c, hw/riscv/{boot,virt}.c;
 * measured on 7.2 with `-machine dumpdtb`, read in 8.2's source):
 *   1. machine init (create_fdt): /chosen and the machine's own properties — stdout-path,
 *      rng-seed, kaslr-seed (ARM) — and on RISC-V 7.2 also `bootargs` from `-append`;
 *   2. `-device guest-loader` realize, in command-line order: `module@0x%08x` subnode, then
 *      `reg`, `compatible`, `bootargs`;
 *   3. machine-init-done: ARM `arm_load_dtb` sets `bootargs` then `linux,initrd-start/end`;
 *      RISC-V 7.2 sets `linux,initrd-start/end`; RISC-V 8.0+ sets the initrd pair then `bootargs`
 *      (moved into riscv_load_kernel).
 * libfdt puts each new property first in its node and each new subnode first among its siblings,
 * so the DTB lists everything in reverse order of these calls.
 */
import { applyFdtEdit, applyFdtEdits, delProp, type FdtEdit, setProp } from "../fdt/edit.js";
import { FdtError } from "../fdt/errors.js";
import { type Fdt, type FdtProperty, findNode, getProp } from "../fdt/tree.js";
import { cellsValue, readU32, stringListValue, stringValue } from "../fdt/values.js";
import type { Arch, GuestLoaderModule, Layout } from "../model/types.js";
import { moduleFile } from "../model/types.js";
import { moduleNodeName } from "../qemu/guest-loader.js";
import { placements } from "../qemu/placement.js";
import { atLeastVersion, type QemuProfile } from "../qemu/profiles.js";
import type { Placement, PlacementEnv } from "../qemu/region.js";
import { DtbError } from "./errors.js";

/** Options shared by every /chosen builder. */
export interface ChosenOptions {
  /**
   * The layout's placement, when the caller has it already (the UI does, every frame): it gives
   * the `-initrd` load address. Otherwise it is computed with `env`.
   */
  readonly placement?: Placement;
  /** Firmware facts for computing the placement (RISC-V: OpenSBI's size). */
  readonly env?: PlacementEnv;
}

/** Options of {@link chosenEdits}. */
export interface ChosenEditOptions extends ChosenOptions {
  /**
   * The root's `#address-cells` of the tree the edits go into: ARM from QEMU 8.0 writes
   * `linux,initrd-*` that many cells wide. QEMU virt's is 2 (the default here).
   */
  readonly addressCells?: number;
  /**
   * Leave out the module nodes' edits (every stanza is still checked, with the same errors at
   * the same turn): for a caller that writes the nodes itself (`standaloneDtb` at 100k modules).
   */
  readonly withoutModuleNodes?: boolean;
}

const isArm = (arch: Arch) => arch === "aarch64" || arch === "arm";

/**
 * The names of /chosen's own properties in the order QEMU SETS them for this arch and profile,
 * machine properties included: the merge inserts a new property where QEMU's sequence would put
 * it among the base DTB's (the DTB shows them in reverse).
 */
export function chosenSetOrder(arch: Arch, profile: QemuProfile): readonly string[] {
  if (isArm(arch))
    return ["kaslr-seed", "rng-seed", "stdout-path", "bootargs", "linux,initrd-start", "linux,initrd-end"];
  // RISC-V 7.2 sets bootargs in create_fdt, between the uart's stdout-path and rng-seed [V 7.2].
  if (!atLeastVersion(profile.version, "8.0"))
    return ["stdout-path", "bootargs", "rng-seed", "linux,initrd-start", "linux,initrd-end"];
  // 8.0+: stdout-path moved to finalize_fdt (machine done), bootargs after the initrd [S 8.2].
  return ["rng-seed", "stdout-path", "linux,initrd-start", "linux,initrd-end", "bootargs"];
}

/** The 32-bit cell count of QEMU's `linux,initrd-*` values for this arch and profile. */
export function initrdCells(arch: Arch, profile: QemuProfile, addressCells = 2): number {
  if (isArm(arch)) return profile.armInitrdCellsFromAddressCells ? addressCells : 1;
  return profile.riscvInitrdU64 ? 2 : 1;
}

/** `qemu_fdt_setprop_cell` takes a uint32_t: QEMU silently drops the high bits. */
function cellsOf(cells: number, v: bigint): Uint8Array {
  const mask = (1n << BigInt(32 * cells)) - 1n;
  return cellsValue(cells, v & mask);
}

function refuse(message: string, moduleId?: string): never {
  throw new DtbError("qemu-refuses", message, moduleId);
}

/** Whether QEMU writes guest-loader module nodes for this layout: not on ARM with a `-dtb`. */
export function writesModuleNodes(layout: Layout): boolean {
  return !(isArm(layout.machine.arch) && layout.dtb !== undefined);
}

/**
 * A guest-loader module node's properties in the order QEMU sets them (`reg`, `compatible`,
 * then `bootargs` if given); the node lists them in reverse (libfdt prepends).
 *
 * @throws FdtError BADVALUE (an address or size past 64 bits, a NUL in bootargs)
 */
export function moduleNodeProps(m: GuestLoaderModule, size: bigint): FdtProperty[] {
  const props: FdtProperty[] = [
    { name: "reg", value: cellsValue(2, m.addr, size) },
    { name: "compatible", value: m.kernel ? COMPATIBLE_KERNEL : COMPATIBLE_RAMDISK },
  ];
  if (m.bootargs !== undefined) props.push({ name: "bootargs", value: stringValue(m.bootargs) });
  return props;
}

/** The two module `compatible` values, encoded once: trees share values and never mutate them. */
const COMPATIBLE_KERNEL = stringListValue(["multiboot,module", "multiboot,kernel"]);
const COMPATIBLE_RAMDISK = stringListValue(["multiboot,module", "multiboot,ramdisk"]);

/**
 * The libfdt edits QEMU makes to /chosen for `layout`, in QEMU's call order (see the file
 * comment). Apply them in order with `applyFdtEdit` to a tree that has /chosen; a new property
 * lands first in /chosen, so apply them to QEMU's machine DTB with {@link applyChosen} instead,
 * which places each property where QEMU's own sequence would.
 *
 * @throws DtbError qemu-refuses (QEMU exits before building its DTB: the message is QEMU's),
 *   size-unknown (a module whose file size is unknown)
 */
export function chosenEdits(layout: Layout, profile: QemuProfile, opts: ChosenEditOptions = {}): FdtEdit[] {
  const arch = layout.machine.arch;
  const append = layout.append ?? "";
  if (append !== "" && !layout.kernel)
    refuse("-append only allowed with -kernel option; add a -kernel or drop -append");
  if (layout.initrd && !layout.kernel)
    refuse("-initrd only allowed with -kernel option; add a -kernel or drop -initrd");

  // QEMU skips an empty -append (`*cmdline` tested) but writes an empty guest-loader bootargs=.
  const bootargs: FdtEdit[] =
    append === "" ? [] : [{ type: "setProp", path: "/chosen", name: "bootargs", value: stringValue(append) }];

  const initrd: FdtEdit[] = [];
  if (layout.initrd) {
    const placement = opts.placement ?? placements(layout, { qemu: profile.version, ...opts.env });
    // RISC-V writes an empty -initrd's (equal) start and end; ARM writes nothing for size 0.
    const region =
      placement.regions.find((r) => r.id === "initrd") ??
      (isArm(arch) ? undefined : placement.empty.find((r) => r.id === "initrd"));
    // No region: QEMU did not load it to RAM (an ELF kernel on ARM, firmware boot via fw_cfg).
    if (region) {
      const cells = initrdCells(arch, profile, opts.addressCells ?? 2);
      initrd.push(
        { type: "setProp", path: "/chosen", name: "linux,initrd-start", value: cellsOf(cells, region.addr) },
        {
          type: "setProp",
          path: "/chosen",
          name: "linux,initrd-end",
          value: cellsOf(cells, region.addr + region.size),
        },
      );
    }
  }

  const modules: FdtEdit[] = [];
  // On ARM a -dtb replaces the machine FDT before the devices write to it: QEMU loads the blobs
  // but their /chosen nodes are lost (the rule dtb-drops-modules says so).
  const dropsModules = !writesModuleNodes(layout);
  layout.modules.forEach((m, i) => {
    const where = `guest-loader #${i + 1} (${m.id})`;
    // Realize checks, in QEMU's order, with QEMU's messages.
    if (m.kernel && m.initrd) refuse(`${where}: Cannot specify a kernel and initrd in same stanza`, m.id);
    const file = moduleFile(m);
    if (!file) refuse(`${where}: Need to specify a kernel or initrd image`, m.id);
    if (m.addr === 0n) refuse(`${where}: Need to specify the address of guest blob (addr=)`, m.id);
    if (m.bootargs !== undefined && m.initrd)
      refuse(`${where}: Boot args only relevant to kernel blobs; move bootargs= to a kernel stanza`, m.id);
    if (file.size === undefined)
      throw new DtbError(
        "size-unknown",
        `${where}: the size of ${file.path} is unknown, and reg needs it; open the file or give its size`,
        m.id,
      );
    if (file.size === 0n && profile.guestLoaderEmptyFileError)
      refuse(
        `${where}: Cannot load specified image ${file.path} (QEMU ${profile.version} rejects empty files)`,
        m.id,
      );
    if (dropsModules) return;
    // The values are made (and any bad one thrown) here either way, at this stanza's turn.
    const props = moduleNodeProps(m, file.size);
    if (opts.withoutModuleNodes) return;
    const name = moduleNodeName(m.addr);
    const path = `/chosen/${name}`;
    modules.push({ type: "addSubnode", path: "/chosen", name });
    for (const p of props) modules.push({ type: "setProp", path, name: p.name, value: p.value });
  });

  if (isArm(arch)) return [...modules, ...bootargs, ...initrd];
  if (!atLeastVersion(profile.version, "8.0")) return [...bootargs, ...modules, ...initrd];
  return [...modules, ...initrd, ...bootargs];
}

/**
 * `base` (QEMU's DTB of the same machine without guest-loader devices, `-append` and `-initrd`,
 * or any DTB) with QEMU's /chosen edits for `layout` applied. On QEMU's own machine DTB the
 * result is the DTB QEMU builds from the full command line, random seeds aside: each new /chosen
 * property goes where QEMU's call sequence puts it relative to the machine's own (see
 * {@link chosenSetOrder}); existing properties are replaced in place, as `fdt_setprop` does.
 * A base without /chosen gets one, first among the root's subnodes.
 *
 * @throws DtbError qemu-refuses, size-unknown, module-exists (the base already has one of the
 *   module nodes); FdtError BADVALUE (a root `#address-cells` that is not one cell)
 */
export function applyChosen(base: Fdt, layout: Layout, profile: QemuProfile, opts: ChosenOptions = {}): Fdt {
  const acells = getProp(base.root, "#address-cells");
  const addressCells = acells ? readU32(acells.value) : 2;
  const edits = chosenEdits(layout, profile, { ...opts, addressCells });
  let fdt = findNode(base, "/chosen")
    ? base
    : applyFdtEdit(base, { type: "addSubnode", path: "/", name: "chosen" });
  const rank = new Map(chosenSetOrder(layout.machine.arch, profile).map((n, i) => [n, i]));
  // Runs of plain edits (the module nodes) go in one batch; /chosen's own properties one by one.
  let run: FdtEdit[] = [];
  const flush = () => {
    if (run.length === 0) return;
    try {
      fdt = applyFdtEdits(fdt, run);
    } catch (err) {
      if (err instanceof FdtError && err.code === "EXISTS") {
        const name = /matching '([^']*)'/.exec(err.message)?.[1] ?? "";
        throw new DtbError(
          "module-exists",
          `/chosen already has a node '${name}': two guest-loader blobs at one address, or a base DTB dumped with the guest-loader devices still on QEMU's command line (dump it without them)`,
        );
      }
      throw err;
    }
    run = [];
  };
  for (const e of edits) {
    if (e.type === "setProp" && e.path === "/chosen") {
      flush();
      fdt = setPropRanked(fdt, e.name, e.value, rank);
    } else run.push(e);
  }
  flush();
  return fdt;
}

/**
 * `fdt_setprop` on /chosen, except that a NEW property goes where QEMU's call sequence would have
 * put it among the properties already there: before the first one QEMU sets earlier, else after
 * the last one QEMU sets later, else first (libfdt's own rule). Done with libfdt edits only: the
 * properties ahead of the slot are taken off and set again after it, which restores their order.
 */
function setPropRanked(fdt: Fdt, name: string, value: Uint8Array, rank: ReadonlyMap<string, number>): Fdt {
  const props = findNode(fdt, "/chosen")!.props;
  const mine = rank.get(name);
  if (mine === undefined || props.some((p) => p.name === name)) return setProp(fdt, "/chosen", name, value);
  let slot = props.findIndex((p) => (rank.get(p.name) ?? Number.POSITIVE_INFINITY) < mine);
  if (slot < 0) {
    slot = 0;
    props.forEach((p, i) => {
      if ((rank.get(p.name) ?? -1) > mine) slot = i + 1;
    });
  }
  const ahead = props.slice(0, slot);
  let out = fdt;
  for (const p of ahead) out = delProp(out, "/chosen", p.name);
  out = setProp(out, "/chosen", name, value);
  for (let i = ahead.length - 1; i >= 0; i--) out = setProp(out, "/chosen", ahead[i]!.name, ahead[i]!.value);
  return out;
}
