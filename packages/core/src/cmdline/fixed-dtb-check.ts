/**
 * What the fixed-DTB form (`export --fixed-dtb`: `-dtb` + each guest-loader blob as
 * `-device loader,force-raw=on`) changes about QEMU's verdict. A guest-loader blob goes through
 * the system address space, a loader blob through the cpu's — on ARM the space of the boot stub,
 * `-kernel`, `-initrd` and DTB — so an overlap QEMU silently let through becomes one it refuses.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { GenericLoaderBlob, Layout, LayoutBlob } from "../model/types.js";
import { moduleFile } from "../model/types.js";
import type { PlacementOptions } from "../qemu/placement.js";
import { check } from "../rules/check.js";

/**
 * The layout the fixed-DTB command line describes: `-dtb dtb` and each guest-loader stanza with a
 * file as a force-raw loader keeping the stanza's id (so diagnostics name the same blobs).
 */
export function fixedDtbLayout(layout: Layout, dtb: LayoutBlob): Layout {
  const converted: GenericLoaderBlob[] = [];
  for (const m of layout.modules) {
    const file = moduleFile(m);
    if (file) converted.push({ id: m.id, addr: m.addr, file, forceRaw: true });
  }
  return { ...layout, dtb, modules: [], loaders: [...converted, ...layout.loaders] };
}

const pairKey = (d: Diagnostic) => [...d.regions].sort().join("\u0000");

/**
 * `fixed-dtb-refused` for every overlap QEMU refuses with the fixed-DTB command line but not with
 * the layout's own (where it starts and one blob silently overwrites the other).
 */
export function fixedDtbDiagnostics(
  layout: Layout,
  dtb: LayoutBlob,
  opts: PlacementOptions = {},
): Diagnostic[] {
  const before = check(layout, opts).diagnostics.filter((d) => d.code === "overlap");
  const refusedBefore = new Set(before.filter((d) => d.qemu === "refuses").map(pairKey));
  const ids = new Set(layout.modules.map((m) => m.id));
  return check(fixedDtbLayout(layout, dtb), opts)
    .diagnostics.filter(
      (d) =>
        d.code === "overlap" &&
        d.qemu === "refuses" &&
        d.regions.some((id) => ids.has(id)) &&
        !refusedBefore.has(pairKey(d)),
    )
    .map((d) => ({
      ...d,
      severity: "warning" as const,
      code: "fixed-dtb-refused" as const,
      message: `With --fixed-dtb QEMU refuses to start where the guest-loader form starts: the guest-loader blob becomes a -device loader blob, which QEMU compares with its own boot blobs (same address space). ${d.message}`,
    }));
}
