/**
 * A DT overlay (.dtbo) that adds QEMU's /chosen modules, for flows that apply overlays (U-Boot's
 * `fdt apply`, dtc's `fdtoverlay`). It is what dtc compiles from
 *
 *     /dts-v1/; /plugin/;
 *     / { fragment@0 { target-path = "/chosen"; __overlay__ { ... }; }; };
 *
 * libfdt's `fdt_overlay_apply` applies `__overlay__` with `fdt_setprop` and `fdt_add_subnode`,
 * each of which inserts first: so the overlay lists everything in QEMU's CALL order (modules in
 * command-line order, each `reg, compatible, bootargs`), and applying it reverses that into the
 * order QEMU's DTB has. Applied to QEMU's machine DTB it gives the merged DTB's /chosen — with one
 * exception an overlay cannot express: on RISC-V 7.2 QEMU sets `bootargs` before `rng-seed`, so
 * QEMU's DTB has it second, while an overlay can only put a new property first.
 */
import { encodeFdt } from "../fdt/encode.js";
import type { Fdt, FdtNode, FdtProperty } from "../fdt/tree.js";
import { stringValue } from "../fdt/values.js";
import type { Layout } from "../model/types.js";
import type { QemuProfile } from "../qemu/profiles.js";
import { type ChosenEditOptions, chosenEdits } from "./chosen.js";

/** Options of {@link chosenOverlayFdt}. */
export interface OverlayOptions extends ChosenEditOptions {
  /**
   * Also carry /chosen's `bootargs` (from `-append`) and `linux,initrd-start/end` (from
   * `-initrd`), as QEMU writes them; default true. Boot loaders that set those themselves
   * (U-Boot's bootm/booti do) want false.
   */
  readonly bootProps?: boolean;
}

interface MutableNode {
  name: string;
  props: FdtProperty[];
  children: MutableNode[];
}

/**
 * The overlay tree for `layout` (see the file comment).
 *
 * @throws DtbError qemu-refuses, size-unknown (see chosenEdits)
 */
export function chosenOverlayFdt(layout: Layout, profile: QemuProfile, opts: OverlayOptions = {}): Fdt {
  const overlay: MutableNode = { name: "__overlay__", props: [], children: [] };
  const byPath = new Map<string, MutableNode>([["/chosen", overlay]]);
  for (const e of chosenEdits(layout, profile, opts)) {
    if (e.type === "addSubnode") {
      const node: MutableNode = { name: e.name, props: [], children: [] };
      overlay.children.push(node);
      byPath.set(`${e.path}/${e.name}`, node);
    } else if (e.type === "setProp") {
      if (e.path === "/chosen" && opts.bootProps === false) continue;
      byPath.get(e.path)!.props.push({ name: e.name, value: e.value });
    }
  }
  const fragment: FdtNode = {
    name: "fragment@0",
    props: [{ name: "target-path", value: stringValue("/chosen") }],
    children: [overlay],
  };
  return { version: 17, bootCpuId: 0, memReserve: [], root: { name: "", props: [], children: [fragment] } };
}

/** {@link chosenOverlayFdt} encoded: the .dtbo file. */
export function chosenOverlayDtb(
  layout: Layout,
  profile: QemuProfile,
  opts: OverlayOptions = {},
): Uint8Array {
  return encodeFdt(chosenOverlayFdt(layout, profile, opts));
}
