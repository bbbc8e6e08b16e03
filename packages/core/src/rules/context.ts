import type { Diagnostic } from "../diagnostics.js";
import type { Layout } from "../model/types.js";
import { isUserRole, type Placement, type Region } from "../qemu/region.js";
import { formatSize, hex } from "../util/bigint.js";

/** What every rule sees: the layout and where QEMU places it. */
export interface RuleContext {
  readonly layout: Layout;
  readonly placement: Placement;
  /** check's `trustExtraArgs`: the user vouches for the layout's extra QEMU arguments. */
  readonly trustExtraArgs?: boolean;
}

export type Rule = (ctx: RuleContext) => Diagnostic[];

/** `Image (module m1) [0x42000000, 0x42a00000)` — a region as messages name it. */
export function describeRegion(r: Region): string {
  const what =
    r.domain !== undefined
      ? `dom0less ${r.domain} ${r.role === "module-kernel" ? "kernel" : r.role === "module-initrd" ? "ramdisk" : "device tree"} ${r.name} (${r.id})`
      : r.role === "module-kernel" || r.role === "module-initrd"
        ? `guest-loader ${r.role === "module-kernel" ? "kernel" : "initrd"} ${r.name} (${r.id})`
        : r.role === "loader"
          ? `-device loader blob ${r.name} (${r.id.split("#")[0]})`
          : r.role === "loader-data"
            ? `-device loader ${r.name} (${r.id})`
            : r.role === "dtb"
              ? "QEMU's DTB"
              : r.role === "bootloader"
                ? `QEMU's boot stub ${r.name}`
                : r.role === "firmware"
                  ? `firmware ${r.name}`
                  : `-${r.role} ${r.name}`;
  return `${what} at [${hex(r.addr)}, ${hex(r.addr + r.size)}) (${formatSize(r.size)})`;
}

/** Regions the user placed (and can move): guest-loader and generic-loader blobs. */
export function isUserRegion(r: Region): boolean {
  return isUserRole(r.role);
}
