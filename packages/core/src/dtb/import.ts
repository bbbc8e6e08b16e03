/**
 * Import: read any DTB and list its /chosen modules as guest-loader stanzas, plus /chosen's
 * `bootargs` and initrd range — the inverse of what QEMU's guest-loader writes, tolerant of DTBs
 * written by others (Xen's docs, U-Boot scripts, hand-written trees).
 */
import { decodeFdt } from "../fdt/decode.js";
import { FdtError, hex } from "../fdt/errors.js";
import { type FdtNode, findNode, getProp } from "../fdt/tree.js";
import { readCells, readString, readStringList, readU32 } from "../fdt/values.js";
import type { GuestLoaderModule } from "../model/types.js";

/** What a DTB's /chosen says about the boot. */
export interface DtbImport {
  /**
   * The modules as guest-loader stanzas in COMMAND-LINE order: QEMU adds each new node first,
   * so its DTB lists them in reverse and import reverses them back. Blobs are placeholders named
   * after the node (`kernel-0x42000000.bin`) with the size from `reg`.
   */
  readonly modules: GuestLoaderModule[];
  /** /chosen `bootargs` (QEMU's `-append`). */
  readonly bootargs?: string;
  /** `linux,initrd-start` / `linux,initrd-end` (end exclusive), each 1 or 2 cells. */
  readonly initrd?: { readonly start: bigint; readonly end: bigint };
  /** The `#address-cells`/`#size-cells` module `reg` values were read with. */
  readonly cells: { readonly address: number; readonly size: number };
  /** Nodes skipped or read leniently, one sentence each. */
  readonly warnings: string[];
}

const KERNEL = ["multiboot,kernel", "xen,linux-zimage"];
const RAMDISK = ["multiboot,ramdisk", "xen,linux-initrd"];

function cellsProp(node: FdtNode, name: string, where: string): number | undefined {
  const p = getProp(node, name);
  if (!p) return undefined;
  if (p.value.length !== 4)
    throw new FdtError("BADVALUE", `${where} ${name} is ${p.value.length} bytes, not one cell; fix the DTB`);
  const n = readU32(p.value);
  if (n < 1 || n > 2)
    throw new FdtError(
      "BADVALUE",
      `${where} ${name} = <${n}>: guestmap reads module addresses and sizes of 1 or 2 cells only`,
    );
  return n;
}

/** A 1- or 2-cell number (`linux,initrd-*` are either, depending on QEMU's version). */
function readNumber(value: Uint8Array, what: string): bigint {
  if (value.length !== 4 && value.length !== 8)
    throw new FdtError("BADVALUE", `${what} is ${value.length} bytes; expected 4 (u32) or 8 (u64)`);
  return readCells(value, value.length / 4)[0]!;
}

/**
 * The modules and boot properties of a DTB's /chosen.
 *
 * @throws FdtError any decode error (code and byte offset); NOTFOUND when the DTB has no
 *   /chosen; BADVALUE for a module `reg` that is not #address-cells + #size-cells wide (nor QEMU's
 *   2 + 2), a bad `#*-cells`, a non-UTF-8 `bootargs`, or an `linux,initrd-*` of odd width
 */
export function importDtb(bytes: Uint8Array): DtbImport {
  const fdt = decodeFdt(bytes);
  const chosen = findNode(fdt, "/chosen");
  if (!chosen)
    throw new FdtError(
      "NOTFOUND",
      "the DTB has no /chosen node, so it carries no guest-loader modules or boot arguments; was it dumped before QEMU added them (use -machine dumpdtb= on the full command line)?",
    );
  // Module regs are in /chosen's address space: its own #*-cells if present, else the root's
  // (devicetree spec defaults 2 and 1 when neither says).
  const address =
    cellsProp(chosen, "#address-cells", "/chosen") ?? cellsProp(fdt.root, "#address-cells", "/") ?? 2;
  const size = cellsProp(chosen, "#size-cells", "/chosen") ?? cellsProp(fdt.root, "#size-cells", "/") ?? 1;
  const warnings: string[] = [];
  const modules: GuestLoaderModule[] = [];
  const nodes = chosen.children.filter((c) => {
    const compat = getProp(c, "compatible");
    return compat ? readStringList(compat.value).includes("multiboot,module") : c.name.startsWith("module@");
  });
  for (const node of [...nodes].reverse()) {
    const where = `/chosen/${node.name}`;
    const compatProp = getProp(node, "compatible");
    const compat = compatProp ? readStringList(compatProp.value) : [];
    const kind = compat.some((c) => KERNEL.includes(c))
      ? "kernel"
      : compat.some((c) => RAMDISK.includes(c))
        ? "initrd"
        : undefined;
    if (!kind) {
      warnings.push(
        `${where} skipped: compatible ${JSON.stringify(compat)} names no kernel or ramdisk, and guest-loader loads only those`,
      );
      continue;
    }
    const regProp = getProp(node, "reg");
    if (!regProp) throw new FdtError("BADVALUE", `${where} has no reg; a module needs <address size>`);
    let ac = address;
    let sc = size;
    const width = 4 * (ac + sc);
    // QEMU writes two u64 whatever the tree's cell sizes: a 16-byte reg under other cell sizes
    // is read that way (rather than as two entries, which no module needs).
    if (regProp.value.length === 16 && ac + sc !== 4) {
      warnings.push(
        `${where} reg read as two u64 (QEMU's format), not #address-cells ${ac} + #size-cells ${sc}`,
      );
      ac = 2;
      sc = 2;
    } else if (regProp.value.length === 0 || regProp.value.length % width !== 0) {
      throw new FdtError(
        "BADVALUE",
        `${where} reg is ${regProp.value.length} bytes, not a multiple of ${width} (#address-cells ${ac} + #size-cells ${sc}); fix reg or the #*-cells of /chosen or /`,
      );
    } else if (regProp.value.length > width) {
      warnings.push(`${where} reg has ${regProp.value.length / width} entries; only the first is a module`);
    }
    const addr = readCells(regProp.value.subarray(0, 4 * ac), ac)[0]!;
    const len = readCells(regProp.value.subarray(4 * ac, 4 * (ac + sc)), sc)[0]!;
    const blob = { path: `${kind}-${hex(addr)}.bin`, size: len };
    const bootargsProp = getProp(node, "bootargs");
    const bootargs = bootargsProp ? readString(bootargsProp.value) : undefined;
    if (bootargs !== undefined && kind === "initrd")
      warnings.push(`${where}: bootargs on a ramdisk dropped (guest-loader takes them on kernels only)`);
    modules.push({
      id: `m${modules.length + 1}`,
      addr,
      ...(kind === "kernel" ? { kernel: blob } : { initrd: blob }),
      ...(bootargs !== undefined && kind === "kernel" && { bootargs }),
    });
  }
  const bootargs = getProp(chosen, "bootargs");
  const start = getProp(chosen, "linux,initrd-start");
  const end = getProp(chosen, "linux,initrd-end");
  if ((start === undefined) !== (end === undefined))
    warnings.push(
      "/chosen has only one of linux,initrd-start and linux,initrd-end; the initrd range is ignored",
    );
  return {
    modules,
    ...(bootargs && { bootargs: readString(bootargs.value) }),
    ...(start &&
      end && {
        initrd: {
          start: readNumber(start.value, "/chosen linux,initrd-start"),
          end: readNumber(end.value, "/chosen linux,initrd-end"),
        },
      }),
    cells: { address, size },
    warnings,
  };
}
