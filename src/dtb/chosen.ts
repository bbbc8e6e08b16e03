/**
 * The /chosen QEMU writes for a layout, built with the core's libfdt-order edits by replaying
 * hw/core/guest-loader.c call for call (the same replay the core's conformance suite checks
 * against QEMU 7.2). Interim: replace with the core's `buildChosen` when it lands.
 */
import {
  addSubnode,
  emptyFdt,
  type Fdt,
  FdtError,
  findNode,
  type Layout,
  moduleNodeName,
  setProp,
  stringListValue,
  stringValue,
  u32Value,
  u64Value,
} from "@guestmap/core";

function ensureChosen(fdt: Fdt): Fdt {
  return findNode(fdt, "/chosen") ? fdt : addSubnode(fdt, "/", "chosen");
}

/** Applies the layout's /chosen to `base` (QEMU's DTB, or an empty tree for a standalone one). */
export function applyChosen(base: Fdt, layout: Layout, chosen = "/chosen"): Fdt {
  let fdt = chosen === "/chosen" ? ensureChosen(base) : base;
  if (layout.append !== undefined && layout.kernel)
    fdt = setProp(fdt, chosen, "bootargs", stringValue(layout.append));
  for (const m of layout.modules) {
    const file = m.kernel ?? m.initrd;
    if (!file || file.size === undefined || m.addr === 0n || (m.kernel && m.initrd)) continue;
    const name = moduleNodeName(m.addr);
    const path = `${chosen}/${name}`;
    try {
      fdt = addSubnode(fdt, chosen, name);
    } catch (e) {
      // Two stanzas at one address: QEMU aborts with FDT_ERR_EXISTS; the rules report it.
      if (e instanceof FdtError) continue;
      throw e;
    }
    fdt = setProp(fdt, path, "reg", u64Value(m.addr, file.size));
    fdt = setProp(
      fdt,
      path,
      "compatible",
      stringListValue(["multiboot,module", m.kernel ? "multiboot,kernel" : "multiboot,ramdisk"]),
    );
    if (m.kernel && m.bootargs !== undefined) fdt = setProp(fdt, path, "bootargs", stringValue(m.bootargs));
  }
  return fdt;
}

/** A standalone tree: the root's address/size cells (2/2, as on virt) and /chosen. */
export function standaloneChosen(layout: Layout): Fdt {
  let fdt = emptyFdt();
  fdt = setProp(fdt, "/", "#size-cells", u32Value(2));
  fdt = setProp(fdt, "/", "#address-cells", u32Value(2));
  return applyChosen(fdt, layout);
}

/** Drops every `module@…` under /chosen of a base DTB (a DTB dumped with modules already in it). */
export function withoutModules(fdt: Fdt): Fdt {
  const chosen = findNode(fdt, "/chosen");
  if (!chosen) return fdt;
  const children = chosen.children.filter((c) => !c.name.startsWith("module@"));
  if (children.length === chosen.children.length) return fdt;
  return {
    ...fdt,
    root: {
      ...fdt.root,
      children: fdt.root.children.map((c) => (c === chosen ? { ...chosen, children } : c)),
    },
  };
}
