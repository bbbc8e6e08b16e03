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
import { applyFdtEdits } from "../fdt/edit.js";
import { encodeFdt } from "../fdt/encode.js";
import type { Fdt } from "../fdt/tree.js";
import { u32Value } from "../fdt/values.js";
import type { Layout } from "../model/types.js";
import type { QemuProfile } from "../qemu/profiles.js";
import { domainEdits } from "../xen/domains.js";
import { type ChosenOptions, chosenEdits } from "./chosen.js";

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
  const fdt: Fdt = {
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
  // One batch: applying 100k module edits one at a time copies /chosen's children each time.
  return applyFdtEdits(fdt, [
    ...chosenEdits(layout, profile, { ...opts, addressCells: VIRT_ROOT_CELLS }),
    ...domainEdits(layout),
  ]);
}

/** {@link standaloneFdt} encoded as a version 17 DTB. */
export function standaloneDtb(
  layout: Layout,
  profile: QemuProfile,
  opts: StandaloneOptions = {},
): Uint8Array {
  return encodeFdt(
    standaloneFdt(layout, profile, opts),
    opts.padTo === undefined ? {} : { padTo: opts.padTo },
  );
}
