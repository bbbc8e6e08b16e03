/**
 * `dtb-module-stale`: a `-dtb` whose /chosen names modules (Xen's `multiboot,module` nodes, dom0's
 * and dom0less domains') is checked against what QEMU really loads at each `reg`. A kernel rebuilt
 * after the DTB was generated leaves a stale size behind — Xen then copies a truncated kernel, or
 * reads past the file — and nothing warns; QEMU never reads /chosen.
 */
import type { Diagnostic } from "../diagnostics.js";
import { type DtbModule, decodeDtbHead, dtbModules } from "../dtb/user-dtb.js";
import { sniffHeader } from "../headers/sniff.js";
import type { Region } from "../qemu/region.js";
import { formatSize, hex } from "../util/bigint.js";
import { describeRegion, type RuleContext } from "./context.js";

/** Regions a module node can describe: files QEMU loads (not its own stub, DTB or MROM). */
const LOADED: ReadonlySet<Region["role"]> = new Set([
  "kernel",
  "initrd",
  "module-kernel",
  "module-initrd",
  "loader",
  "firmware",
]);

export function dtbModuleRule({ layout, placement }: RuleContext): Diagnostic[] {
  const head = layout.dtb?.head;
  if (!layout.dtb || !head) return [];
  let modules: DtbModule[];
  try {
    modules = dtbModules(decodeDtbHead(head, layout.dtb.size));
  } catch {
    return []; // a malformed DTB is reported where it is decoded (chosen, export)
  }
  const dtbName = layout.dtb.path;
  const loaded = placement.regions.filter((r) => LOADED.has(r.role));
  const out: Diagnostic[] = [];
  for (const m of modules) {
    const node = `${dtbName}: ${m.path}`;
    const range = `[${hex(m.addr)}, ${hex(m.addr + m.size)})`;
    const exact = loaded.find((r) => r.addr === m.addr);
    if (exact) {
      const swapped = swappedKind(m, exact);
      if (swapped)
        out.push({
          severity: "warning",
          code: "dtb-module-stale",
          qemu: "starts",
          message: `${node} says a ${kindOf(m)} is at ${hex(m.addr)}, but ${describeRegion(exact)} there is ${swapped}: Xen would boot it as the wrong kind. Fix the node's compatible, or load the right file at ${hex(m.addr)}.`,
          regions: [exact.id.split("#")[0]!],
          start: m.addr,
          end: m.addr + m.size,
        });
      if (exact.size === m.size) continue;
      const fixReg = `Set its reg size to ${hex(exact.size)} (regenerate the DTB, e.g. with ImageBuilder, or: fdtput -t x ${dtbName} ${m.path} reg …).`;
      out.push({
        severity: exact.size > m.size ? "error" : "warning",
        code: "dtb-module-stale",
        qemu: "starts",
        message:
          exact.size > m.size
            ? `${node} says ${range} (${formatSize(m.size)}), but ${describeRegion(exact)} is loaded there: the DTB is stale (the file was rebuilt since). Xen takes the module's size from reg and uses only its first ${hex(m.size)} bytes, so the ${kindOf(m)} is cut short. ${fixReg}`
            : `${node} says ${range} (${formatSize(m.size)}), but ${describeRegion(exact)} is loaded there, smaller: Xen reads ${hex(m.size - exact.size)} bytes past the end of the file (whatever RAM holds there) as part of the ${kindOf(m)}. ${fixReg}`,
        regions: [exact.id.split("#")[0]!],
        start: m.addr,
        end: m.addr + (exact.size > m.size ? exact.size : m.size),
      });
      continue;
    }
    const inside = loaded.find((r) => r.addr < m.addr && m.addr < r.addr + r.size);
    out.push({
      severity: "error",
      code: "dtb-module-stale",
      qemu: "starts",
      message: inside
        ? `${node} says a ${kindOf(m)} starts at ${hex(m.addr)}, but that is inside ${describeRegion(inside)}: no file starts there, so Xen takes the middle of ${inside.name} as the ${kindOf(m)}. Load the ${kindOf(m)} at ${hex(m.addr)} (-device loader,file=…,addr=${hex(m.addr)},force-raw=on) or fix the node's reg.`
        : `${node} says a ${kindOf(m)} is at ${range}, but the command line loads nothing there: Xen takes whatever RAM holds (zeros) as the ${kindOf(m)}. Load it with -device loader,file=…,addr=${hex(m.addr)},force-raw=on, or fix the node's reg.`,
      regions: inside ? [inside.id.split("#")[0]!] : [],
      start: m.addr,
      end: m.addr + m.size,
    });
  }
  return out;
}

function kindOf(m: DtbModule): string {
  if (m.compatible.some((c) => c === "multiboot,kernel" || c === "xen,linux-zimage")) return "kernel";
  if (m.compatible.some((c) => c === "multiboot,ramdisk" || c === "xen,linux-initrd")) return "ramdisk";
  if (m.compatible.includes("multiboot,device-tree")) return "device tree";
  return "module";
}

/** What the file loaded under a kernel/ramdisk node really is, when its header says the other kind. */
function swappedKind(m: DtbModule, r: Region): string | undefined {
  if (!r.file?.head) return undefined;
  const hdr = sniffHeader(r.file.head);
  const kind = kindOf(m);
  if (kind === "kernel" && hdr.format === "cpio") return "a cpio archive (an initramfs)";
  if (kind === "ramdisk" && hdr.isKernel) return `a kernel (${hdr.description})`;
  return undefined;
}
