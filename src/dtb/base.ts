/** Preparing a user's base DTB for the core's merge. Pure. */
import { type Fdt, findNode } from "@guestmap/core";

/**
 * Drops every `module@…` under /chosen: a base dumped with the guest-loader devices still on
 * QEMU's command line already has them, and the core's merge (like QEMU) refuses to add a node
 * that exists. The layout's modules replace them.
 */
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
