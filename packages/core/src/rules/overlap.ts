/**
 * `overlap`: any two loaded regions that share a byte, QEMU's own ones included. What QEMU does
 * about it depends on the address spaces: it compares only neighbours in the same space, so on
 * ARM a guest-loader blob under the boot stub, kernel, initrd or DTB is silently overwritten.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { Layout } from "../model/types.js";
import { type Region, spaceRank } from "../qemu/region.js";
import { hex } from "../util/bigint.js";
import { describeRegion, isUserRegion, type RuleContext } from "./context.js";
import { intersectionsBy } from "./intervals.js";

export function overlapRule({ layout, placement }: RuleContext): Diagnostic[] {
  // `data=` writes are not ROMs: the loader-data rule judges them.
  const hits = intersectionsBy(
    placement.regions.filter((r) => r.role !== "loader-data"),
    (r) => r.addr,
    (r) => r.addr + r.size,
  );
  return hits.map(({ a, b, start, end }) => {
    // Name the region to move first: a user blob rather than one of QEMU's own.
    const [mover, other] =
      isUserRegion(b.item) && !isUserRegion(a.item) ? [b.item, a.item] : [a.item, b.item];
    const range = `[${hex(start)}, ${hex(end)})`;
    let what: string;
    if (mover.space !== other.space) {
      const [winner, loser] = laterSpaceWins(mover, other);
      what = `QEMU starts without a word, and at reset writes ${shortName(winner)} over those bytes of ${shortName(loser)}: the two are loaded through different address spaces (${spaceName(winner)} and ${spaceName(loser)}), which QEMU never compares, so the guest silently gets corrupted data.`;
      if (coversDtb(mover, other)) what += ` ${DTB_COVERED}`;
    } else {
      what = `QEMU refuses to start ("Some ROM regions are overlapping").`;
    }
    let fix: string;
    if (isUserRegion(mover) && isMovable(layout, mover)) {
      // The address comes with the diagnostic's quick fix (ops/quick-fix.ts), like every rule's.
      fix = `Move ${mover.name} (${mover.id}) to a free, aligned place.`;
    } else if (isUserRegion(mover)) {
      fix = `${mover.name} is an ELF or uImage, loaded where its own headers say: relink it, or load it raw at a free address with force-raw=on.`;
    } else {
      fix = "Change -m, the kernel or the initrd so that QEMU places them apart.";
    }
    return {
      severity: "error",
      code: "overlap",
      qemu: mover.space !== other.space ? "starts" : "refuses",
      message: `${describeRegion(mover)} overlaps ${describeRegion(other)} in ${range}. ${what} ${fix}`,
      regions: [mover.id, other.id],
      start,
      end,
    } satisfies Diagnostic;
  });
}

/**
 * Measured on QEMU 7.2.22 and 10.0.2 (packages/cli/boot/xen-boot.test.ts): QEMU's reset handler
 * that refreshes the DTB's random seeds looks the DTB up by address in the ROM list without
 * regard to address space, so a device blob holding the DTB's whole range is found first and its
 * bytes are walked as a devicetree: random header words send libfdt's walk gigabytes past the
 * buffer (a crash in about half of runs with random bytes; every run when the words point far).
 */
const DTB_COVERED =
  "As this blob covers the DTB's whole range, QEMU's reset handler (qemu_fdt_randomize_seeds) takes the blob's bytes for its DTB and walks them as one: with compressed or random bytes there QEMU itself can die with a segmentation fault before the guest runs (measured on QEMU 7.2 and 10.0; an uncompressed cpio or a kernel does not crash it, and is overwritten all the same).";

function coversDtb(mover: Region, other: Region): boolean {
  return (
    other.role === "dtb" &&
    mover.space !== other.space &&
    mover.addr <= other.addr &&
    mover.addr + mover.size >= other.addr + other.size
  );
}

/** Whether moving the blob's `addr=` moves its bytes (not so for a loader's ELF/uImage). */
function isMovable(layout: Layout, r: Region): boolean {
  if (r.role !== "loader") return true;
  return layout.loaders.some((l) => l.id === r.id && l.addr === r.addr);
}

function shortName(r: Region): string {
  if (r.role === "dtb") return "its DTB";
  if (r.role === "bootloader") return "its boot stub";
  if (r.role === "kernel" || r.role === "initrd") return `the -${r.role} ${r.name}`;
  if (r.role === "firmware") return `the firmware ${r.name}`;
  if (r.role === "loader") return `the -device loader blob ${r.name}`;
  return r.name;
}

/**
 * At reset QEMU copies ROMs in list order — sorted by address space (see `spaceRank`) — so the
 * region of the later space is written last and wins (measured with pmemsave on 7.2 and 10.0.2).
 */
function laterSpaceWins(x: Region, y: Region): [winner: Region, loser: Region] {
  return spaceRank(x.space) > spaceRank(y.space) ? [x, y] : [y, x];
}

function spaceName(r: Region): string {
  if (r.space === "system") return "the system address space";
  if (r.space === "flash") return "the flash device itself";
  if (r.space === "cpu") return "cpu 0's address space";
  return `cpu ${r.space.slice(3)}'s address space`;
}
