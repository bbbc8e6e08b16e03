/**
 * `overlap`: any two loaded regions that share a byte, QEMU's own ones included. What QEMU does
 * about it depends on the address spaces: it compares only neighbours in the same space, so on
 * ARM a guest-loader blob under the boot stub, kernel, initrd or DTB is silently overwritten.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { Region } from "../qemu/region.js";
import { hex } from "../util/bigint.js";
import { describeRegion, isUserRegion, type RuleContext } from "./context.js";
import { nextFreeSlot } from "./free-slot.js";
import { intersections } from "./intervals.js";

const KiB = 1n << 10n;

export function overlapRule({ placement }: RuleContext): Diagnostic[] {
  const hits = intersections(
    placement.regions.map((r) => ({ start: r.addr, end: r.addr + r.size, item: r })),
  );
  return hits.map(({ a, b, start, end }) => {
    // Name the region to move first: a user blob rather than one of QEMU's own.
    const [mover, other] =
      isUserRegion(b.item) && !isUserRegion(a.item) ? [b.item, a.item] : [a.item, b.item];
    const silent = mover.space !== other.space;
    const what = silent
      ? `QEMU starts without a word and, at reset, writes ${describeRegion(cpuFirst(mover, other)[0])} over bytes [${hex(start)}, ${hex(end)}) of ${describeRegion(cpuFirst(mover, other)[1])}: QEMU never compares its own boot blobs with device blobs, so the guest silently gets corrupted data.`
      : `QEMU refuses to start ("Some ROM regions are overlapping").`;
    const slot = isUserRegion(mover)
      ? nextFreeSlot(
          placement.regions,
          placement.ram,
          mover.size,
          4n * KiB,
          placement.ram[0]?.start ?? 0n,
          new Set([mover.id]),
        )
      : undefined;
    const fix = isUserRegion(mover)
      ? `Move ${mover.name} (${mover.id})${slot !== undefined ? ` to a free place such as ${hex(slot)}` : ""}.`
      : "Change -m, the kernel or the initrd so that QEMU places them apart.";
    return {
      severity: "error",
      code: "overlap",
      message: `${describeRegion(mover)} overlaps ${describeRegion(other)} in [${hex(start)}, ${hex(end)}). ${what} ${fix}`,
      regions: [mover.id, other.id],
      start,
      end,
    } satisfies Diagnostic;
  });
}

/**
 * At reset QEMU copies ROMs in list order — sorted by address space, and the cpu's space sorts
 * after the system space — so on ARM QEMU's own boot blobs are written last and win.
 */
function cpuFirst(x: Region, y: Region): [winner: Region, loser: Region] {
  return x.space === "cpu" ? [x, y] : [y, x];
}
