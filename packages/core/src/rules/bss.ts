/**
 * `bss-overlap`: a kernel occupies image_size bytes once running, more than the file QEMU loads.
 * QEMU cannot see this; the kernel clears its BSS over whatever lies there.
 */
import type { Diagnostic } from "../diagnostics.js";
import { hex } from "../util/bigint.js";
import { describeRegion, type RuleContext } from "./context.js";
import { intersections } from "./intervals.js";

export function bssRule({ placement }: RuleContext): Diagnostic[] {
  const tails = placement.regions
    .filter((r) => r.footprint > r.size)
    .map((r) => ({ start: r.addr + r.size, end: r.addr + r.footprint, item: { tail: true, r } }));
  if (tails.length === 0) return [];
  const loaded = placement.regions.map((r) => ({
    start: r.addr,
    end: r.addr + r.size,
    item: { tail: false, r },
  }));
  const out: Diagnostic[] = [];
  for (const { a, b, start, end } of intersections([...tails, ...loaded])) {
    if (a.item.tail === b.item.tail) continue;
    const kernel = a.item.tail ? a.item.r : b.item.r;
    const victim = a.item.tail ? b.item.r : a.item.r;
    if (kernel.id === victim.id) continue;
    out.push({
      severity: "warning",
      code: "bss-overlap",
      qemu: "starts",
      message: `${describeRegion(kernel)} needs ${hex(kernel.footprint)} bytes once running (image_size, including its BSS), so it reaches into ${describeRegion(victim)} in [${hex(start)}, ${hex(end)}). QEMU cannot see this; the kernel clears or overwrites those bytes when it starts. Move ${victim.name} above ${hex(kernel.addr + kernel.footprint)}.`,
      regions: [victim.id, kernel.id],
      start,
      end,
    });
  }
  return out;
}
