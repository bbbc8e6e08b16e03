/**
 * Xen dom0less domains read back from a DTB's /chosen (booting.txt): every `xen,domain` node with
 * its memory, vcpus, vpl011 and module children, the blobs as placeholders sized by `reg`.
 * Lenient like the /chosen module import: what Xen allows but guestmap does not model is named in
 * a warning, never silently dropped.
 */
import { FdtError } from "../fdt/errors.js";
import { type FdtNode, getProp } from "../fdt/tree.js";
import { readCells, readString, readStringList, readU32 } from "../fdt/values.js";
import type { DomainModule, XenDomain } from "../model/types.js";
import { hex } from "../util/bigint.js";
import { DOMAIN_MEMORY_UNIT, type DomainModuleKind } from "./domains.js";

export interface DomainsImport {
  readonly domains: XenDomain[];
  readonly warnings: string[];
  /** Domains with properties or nodes guestmap does not model (a layout would lose them). */
  readonly partial: ReadonlySet<string>;
}

/** Properties of a domain node that become layout fields; any other is reported. */
const MODELLED = new Set(["compatible", "#address-cells", "#size-cells", "memory", "cpus", "vpl011"]);

function cells(node: FdtNode, name: string, where: string, warnings: string[], fallback: number): number {
  const p = getProp(node, name);
  if (!p) {
    warnings.push(
      `${where} has no ${name} (Xen requires it on a domain node); its modules' reg read with ${fallback}`,
    );
    return fallback;
  }
  const n = p.value.length === 4 ? readU32(p.value) : 0;
  if (n < 1 || n > 2)
    throw new FdtError("BADVALUE", `${where} ${name} must be one cell of 1 or 2; fix the DTB`);
  return n;
}

/**
 * @throws FdtError BADVALUE for a domain whose `memory`, `cpus`, `#*-cells` or a module's `reg`
 *   cannot be read, or without a kernel module (Xen cannot build it either)
 */
export function domainsFromChosen(chosen: FdtNode): DomainsImport {
  const domains: XenDomain[] = [];
  const warnings: string[] = [];
  const partial = new Set<string>();
  for (const node of chosen.children) {
    const compat = getProp(node, "compatible");
    if (!compat || !readStringList(compat.value).includes("xen,domain")) continue;
    const where = `/chosen/${node.name}`;
    const ac = cells(node, "#address-cells", where, warnings, 2);
    const sc = cells(node, "#size-cells", where, warnings, 1);
    const mem = getProp(node, "memory");
    if (!mem || (mem.value.length !== 4 && mem.value.length !== 8))
      throw new FdtError("BADVALUE", `${where} memory must be a 64-bit number of KiB (e.g. <0 131072>)`);
    const kib = readCells(mem.value, mem.value.length / 4)[0]!;
    const cpusProp = getProp(node, "cpus");
    if (cpusProp && cpusProp.value.length !== 4)
      throw new FdtError("BADVALUE", `${where} cpus must be one cell (the number of vcpus)`);
    const cpus = cpusProp ? readU32(cpusProp.value) : 1;
    if (!cpusProp) warnings.push(`${where} has no cpus; the layout gives it 1`);
    const other = node.props.map((p) => p.name).filter((n) => !MODELLED.has(n));
    if (other.length > 0) partial.add(node.name);
    if (other.length > 0)
      warnings.push(
        `${where}: ${other.join(", ")} not modelled by guestmap (kept out of the layout; add them to a base DTB)`,
      );
    const mods = new Map<DomainModuleKind, DomainModule & { bootargs?: string }>();
    for (const child of node.children) {
      const c = getProp(child, "compatible");
      const list = c ? readStringList(c.value) : [];
      const kind = (["kernel", "ramdisk", "device-tree"] as const).find((k) =>
        list.includes(`multiboot,${k}`),
      );
      const cw = `${where}/${child.name}`;
      if (!kind) {
        partial.add(node.name);
        warnings.push(
          `${cw} skipped: compatible ${JSON.stringify(list)} is no domain kernel, ramdisk or device tree`,
        );
        continue;
      }
      if (mods.has(kind)) {
        warnings.push(`${cw} skipped: ${where} already has a ${kind} (Xen uses the first)`);
        continue;
      }
      const reg = getProp(child, "reg");
      if (!reg || reg.value.length < 4 * (ac + sc))
        throw new FdtError("BADVALUE", `${cw} reg must hold <address size> in ${ac} + ${sc} cells`);
      const addr = readCells(reg.value.subarray(0, 4 * ac), ac)[0]!;
      const size = readCells(reg.value.subarray(4 * ac, 4 * (ac + sc)), sc)[0]!;
      const b = getProp(child, "bootargs");
      mods.set(kind, {
        id: `${node.name}.${kind === "device-tree" ? "dtb" : kind}`,
        addr,
        file: { path: `${node.name}-${kind}-${hex(addr)}.bin`, size },
        ...(b && { bootargs: readString(b.value) }),
      });
    }
    const kernel = mods.get("kernel");
    if (!kernel)
      throw new FdtError("BADVALUE", `${where} has no multiboot,kernel module; Xen cannot build it`);
    const strip = (m: DomainModule & { bootargs?: string }): DomainModule => ({
      id: m.id,
      addr: m.addr,
      file: m.file,
    });
    const ramdisk = mods.get("ramdisk");
    const dtb = mods.get("device-tree");
    domains.push({
      name: node.name,
      memory: kib * DOMAIN_MEMORY_UNIT,
      cpus,
      vpl011: getProp(node, "vpl011") !== undefined,
      ...(kernel.bootargs !== undefined && { bootargs: kernel.bootargs }),
      kernel: strip(kernel),
      ...(ramdisk && { ramdisk: strip(ramdisk) }),
      ...(dtb && { dtb: strip(dtb) }),
    });
  }
  return { domains, warnings, partial };
}
