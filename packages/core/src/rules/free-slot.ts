/** Finds room for a blob: the quick fix for overlaps and the UI's "move to the next free slot". */
import type { RamRange } from "../qemu/machine.js";
import type { Region } from "../qemu/region.js";
import { alignUp } from "../util/bigint.js";

/**
 * The lowest `align`-aligned address at or above `from` where `size` bytes fit inside RAM without
 * touching any region's run-time footprint (regions whose id is in `ignore` are ignored).
 * `undefined` when there is no such place.
 */
export function nextFreeSlot(
  regions: readonly Region[],
  ram: readonly RamRange[],
  size: bigint,
  align: bigint,
  from: bigint,
  ignore: ReadonlySet<string> = new Set(),
): bigint | undefined {
  const busy = regions
    .filter((r) => !ignore.has(r.id) && r.footprint > 0n)
    .map((r) => [r.addr, r.addr + r.footprint] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const range of ram) {
    let cand = alignUp(from > range.start ? from : range.start, align);
    for (const [s, e] of busy) {
      if (e <= cand) continue;
      if (s >= cand + size) break;
      cand = alignUp(e, align);
    }
    if (cand + size <= range.end) return cand;
  }
  return undefined;
}
