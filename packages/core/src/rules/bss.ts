/**
 * `bss-overlap`: a kernel occupies image_size bytes once running, more than the file QEMU loads.
 * QEMU cannot see this; a kernel that runs where it was loaded clears its BSS over whatever lies
 * there. The message says whose BSS it is, whether that kernel really runs in place, and what can
 * be moved (never QEMU's DTB or initrd, which QEMU places itself).
 */
import type { Diagnostic } from "../diagnostics.js";
import type { Region } from "../qemu/region.js";
import { hex } from "../util/bigint.js";
import { describeRegion, isUserRegion, type RuleContext } from "./context.js";
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
    const runEnd = kernel.addr + kernel.footprint;
    // guest-loader kernels are Xen boot modules: Xen copies each into its domain's memory before
    // running it, so the BSS is cleared there, not at the module's address.
    const copied = kernel.role === "module-kernel";
    const whose = `${describeRegion(kernel)} needs ${hex(kernel.footprint)} bytes once running (image_size, including its BSS), so its BSS [${hex(kernel.addr + kernel.size)}, ${hex(runEnd)}) reaches into ${describeRegion(victim)} in [${hex(start)}, ${hex(end)}). QEMU cannot see this.`;
    const what = copied
      ? `This kernel is a boot module: Xen copies it into its domain's memory before running it, so it never runs here and this is most likely harmless. It matters only if your hypervisor runs modules in place.`
      : `${kernel.role === "kernel" ? "QEMU starts the -kernel where it loaded it" : "This kernel runs where it is loaded"}, and clearing its BSS overwrites those bytes of ${victim.name} before anything reads them (Xen too clears its BSS before relocating itself).`;
    out.push({
      severity: copied ? "info" : "warning",
      code: "bss-overlap",
      qemu: "starts",
      message: `${whose} ${what} ${fixText(kernel, victim, runEnd)}`,
      regions: [victim.id, kernel.id],
      start,
      end,
    });
  }
  return out;
}

/** What the user can move: their own blob, else the kernel, else QEMU's placement via -m. */
function fixText(kernel: Region, victim: Region, runEnd: bigint): string {
  if (isUserRegion(victim)) return `Move ${victim.name} (${victim.id}) to ${hex(runEnd)} or above.`;
  if (isUserRegion(kernel))
    return `Move ${kernel.name} (${kernel.id}) so that its image_size ends below ${hex(victim.addr)}.`;
  return `QEMU places ${describeRegion(victim).split(" at ")[0]} itself and it cannot be moved: give the machine more memory with -m, or use a kernel with a smaller image_size.`;
}
