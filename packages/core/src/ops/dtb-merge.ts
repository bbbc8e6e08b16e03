/**
 * The DTB merge policy: a layout's /chosen merged into a base DTB the user supplies — the same
 * choice in the CLI (`export --dtb --base-dtb`) and the app. Bases are usually QEMU's own
 * (`-machine dumpdtb=`), often dumped with the guest-loader devices still on the command line,
 * so they already carry module nodes: by default those are replaced by the layout's.
 */
import { mergeDtb } from "../dtb/merge.js";
import { decodeFdt } from "../fdt/decode.js";
import { encodeFdt } from "../fdt/encode.js";
import { type Fdt, findNode } from "../fdt/tree.js";
import type { Layout } from "../model/types.js";
import { moduleNodeName } from "../qemu/guest-loader.js";
import type { QemuProfile } from "../qemu/profiles.js";
import type { Placement, PlacementEnv } from "../qemu/region.js";

export interface MergePolicy {
  /**
   * Module nodes (`/chosen/module@…`) already in the base: `replace` (default) drops them all and
   * writes the layout's (the layout says what is loaded; a stale node would point Xen at bytes
   * nobody loads); `merge` keeps the base's nodes at other addresses (modules loaded by other
   * means) and replaces those at the layout's; `refuse` keeps libfdt's rule and fails with
   * DtbError module-exists on any clash.
   */
  readonly existingModules?: "replace" | "merge" | "refuse";
  /**
   * `base` (default): keep the base's total size when the result fits, as QEMU pads its own DTB
   * (1 MiB on virt) — the merged DTB then replaces QEMU's byte count for byte count. `none`: as
   * small as possible (a DTB given to QEMU with -dtb: QEMU reserves room from the file's size).
   */
  readonly pad?: "base" | "none";
  readonly placement?: Placement;
  readonly env?: PlacementEnv;
}

export interface DtbMergeResult {
  readonly bytes: Uint8Array;
  /** Names of the base's module nodes that were replaced (empty when there were none). */
  readonly replaced: readonly string[];
}

/** `fdt` without `/chosen/module@…` nodes (only those named in `only`, when given), and their names. */
export function withoutModuleNodes(fdt: Fdt, only?: ReadonlySet<string>): { fdt: Fdt; removed: string[] } {
  const chosen = findNode(fdt, "/chosen");
  if (!chosen) return { fdt, removed: [] };
  const drop = (name: string) => name.startsWith("module@") && (only === undefined || only.has(name));
  const removed = chosen.children.filter((c) => drop(c.name)).map((c) => c.name);
  if (removed.length === 0) return { fdt, removed };
  const children = chosen.children.filter((c) => !drop(c.name));
  return {
    fdt: {
      ...fdt,
      root: {
        ...fdt.root,
        children: fdt.root.children.map((c) => (c === chosen ? { ...chosen, children } : c)),
      },
    },
    removed,
  };
}

/**
 * Merges `layout`'s /chosen (QEMU's edits) into `base` under the policy.
 *
 * @throws FdtError a malformed base; DtbError qemu-refuses, size-unknown, and module-exists under
 *   `existingModules: "refuse"` (or for two blobs of the layout at one address)
 */
export function mergeIntoBase(
  base: Uint8Array,
  layout: Layout,
  profile: QemuProfile,
  policy: MergePolicy = {},
): DtbMergeResult {
  const opts = {
    ...(policy.placement && { placement: policy.placement }),
    ...(policy.env && { env: policy.env }),
    ...(policy.pad !== "none" && { padTo: "base" as const }),
  };
  if (policy.existingModules === "refuse")
    return { bytes: mergeDtb(base, layout, profile, opts), replaced: [] };
  const only =
    policy.existingModules === "merge"
      ? new Set(layout.modules.map((m) => moduleNodeName(m.addr)))
      : undefined;
  const { fdt, removed } = withoutModuleNodes(decodeFdt(base), only);
  if (removed.length === 0) return { bytes: mergeDtb(base, layout, profile, opts), replaced: [] };
  // Re-encode the stripped base keeping its header's totalsize, so padding still follows the base.
  const totalsize = new DataView(base.buffer, base.byteOffset, base.byteLength).getUint32(4, false);
  const stripped = encodeFdt(fdt);
  const strippedBase = totalsize > stripped.length ? encodeFdt(fdt, { padTo: totalsize }) : stripped;
  return { bytes: mergeDtb(strippedBase, layout, profile, opts), replaced: removed };
}
