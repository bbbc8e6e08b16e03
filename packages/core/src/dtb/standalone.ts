/**
 * A standalone DTB: just enough tree for /chosen to mean what QEMU's does — a root with QEMU
 * virt's `#address-cells = <2>` and `#size-cells = <2>` (module `reg` values are two u64 because
 * of them) and /chosen as QEMU builds it, without the machine's own /chosen properties
 * (stdout-path, rng-seed, kaslr-seed): those describe QEMU's devices, which this tree has not.
 *
 * Order, as a user reading it expects: the root's two cell sizes (dtc's usual order), then
 * /chosen with its properties and module nodes in the same relative order as in QEMU's DTB
 * (modules in reverse command-line order, each `bootargs, compatible, reg`).
 */
import { applyFdtEdits, subnodeExists } from "../fdt/edit.js";
import { encodeFdt, encodeFdtWith } from "../fdt/encode.js";
import type { Fdt } from "../fdt/tree.js";
import { u32Value } from "../fdt/values.js";
import { type Layout, moduleFile } from "../model/types.js";
import { moduleNodeName } from "../qemu/guest-loader.js";
import type { QemuProfile } from "../qemu/profiles.js";
import { domainEdits } from "../xen/domains.js";
import { type ChosenOptions, chosenEdits, moduleNodeProps, writesModuleNodes } from "./chosen.js";

/** QEMU virt's root `#address-cells` and `#size-cells` on every arch guestmap models. */
export const VIRT_ROOT_CELLS = 2;

/** QEMU pads the DTB it generates to this many bytes (`-machine dumpdtb` shows it). */
export const QEMU_DTB_SIZE = 0x100000;

/** Options of {@link standaloneDtb}. */
export interface StandaloneOptions extends ChosenOptions {
  /** Pad the blob to this total size (e.g. {@link QEMU_DTB_SIZE}); default: no padding. */
  readonly padTo?: number;
}

/**
 * The standalone tree for `layout` (see the file comment).
 *
 * @throws DtbError qemu-refuses, size-unknown (see chosenEdits); FdtError EXISTS (two modules
 *   at one address, as QEMU)
 */
export function standaloneFdt(layout: Layout, profile: QemuProfile, opts: ChosenOptions = {}): Fdt {
  // One batch: applying 100k module edits one at a time copies /chosen's children each time.
  return applyFdtEdits(rootOnly(), [
    ...chosenEdits(layout, profile, { ...opts, addressCells: VIRT_ROOT_CELLS }),
    ...domainEdits(layout),
  ]);
}

/** The root with virt's two cell sizes and an empty /chosen. */
function rootOnly(): Fdt {
  return {
    version: 17,
    bootCpuId: 0,
    memReserve: [],
    root: {
      name: "",
      props: [
        { name: "#address-cells", value: u32Value(VIRT_ROOT_CELLS) },
        { name: "#size-cells", value: u32Value(VIRT_ROOT_CELLS) },
      ],
      children: [{ name: "chosen", props: [], children: [] }],
    },
  };
}

/** {@link standaloneFdt} encoded as a version 17 DTB. */
export function standaloneDtb(
  layout: Layout,
  profile: QemuProfile,
  opts: StandaloneOptions = {},
): Uint8Array {
  const encodeOpts = opts.padTo === undefined ? {} : { padTo: opts.padTo };
  // Dom0less domains add their own nodes under /chosen (and can clash with module names): built
  // as a tree. Without them, /chosen's children are exactly the module nodes, and those are
  // written straight from the layout: the same bytes and errors (property-tested against the
  // tree), without a tree of 100k nodes.
  if ((layout.domains ?? []).length > 0) return encodeFdt(standaloneFdt(layout, profile, opts), encodeOpts);
  const fdt = applyFdtEdits(
    rootOnly(),
    chosenEdits(layout, profile, { ...opts, addressCells: VIRT_ROOT_CELLS, withoutModuleNodes: true }),
  );
  const modules = writesModuleNodes(layout) ? layout.modules : [];
  // The edits' addSubnode fails on the first module at an address taken before it (none can be
  // when the stanzas come in rising address order, as generated layouts do: no set of 100k).
  let rising = true;
  for (let i = 1; i < modules.length && rising; i++) rising = modules[i]!.addr > modules[i - 1]!.addr;
  const seen = new Set<bigint>();
  for (const m of rising ? [] : modules) {
    if (seen.has(m.addr)) throw subnodeExists("/chosen", moduleNodeName(m.addr), moduleNodeName(m.addr));
    seen.add(m.addr);
  }
  const chosen = fdt.root.children[0]!;
  const last = modules.length - 1;
  return encodeFdtWith(
    fdt,
    {
      parent: chosen,
      count: modules.length,
      // libfdt puts each new node and property first: modules in reverse, their properties too.
      node: (i) => {
        const m = modules[last - i]!;
        return {
          name: moduleNodeName(m.addr),
          props: moduleNodeProps(m, moduleFile(m)!.size!).reverse(),
          children: [],
        };
      },
    },
    encodeOpts,
  );
}
