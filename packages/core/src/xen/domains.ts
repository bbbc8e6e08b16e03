/**
 * Xen dom0less domains (docs/misc/arm/device-tree/booting.txt in Xen's tree): their modules as
 * plain data for placements and rules, and their /chosen nodes for a DTB.
 */
import type { FdtEdit } from "../fdt/edit.js";
import { cellsValue, emptyValue, stringListValue, stringValue, u32Value } from "../fdt/values.js";
import type { DomainModule, Layout, XenDomain } from "../model/types.js";

export type DomainModuleKind = "kernel" | "ramdisk" | "device-tree";

/** One domain module with what it is and whose. */
export interface DomainModuleRef {
  readonly domain: XenDomain;
  readonly kind: DomainModuleKind;
  readonly module: DomainModule;
}

/** Every domain module of a layout, domain by domain: kernel, ramdisk, device tree. */
export function domainModules(layout: Layout): DomainModuleRef[] {
  const out: DomainModuleRef[] = [];
  for (const domain of layout.domains ?? []) {
    out.push({ domain, kind: "kernel", module: domain.kernel });
    if (domain.ramdisk) out.push({ domain, kind: "ramdisk", module: domain.ramdisk });
    if (domain.dtb) out.push({ domain, kind: "device-tree", module: domain.dtb });
  }
  return out;
}

/** Xen's `memory` property is in KiB. */
export const DOMAIN_MEMORY_UNIT = 1024n;

interface NodeSpec {
  readonly parent: string;
  readonly name: string;
  readonly props: readonly (readonly [string, Uint8Array])[];
}

function domainNodes(d: XenDomain): NodeSpec[] {
  const path = `/chosen/${d.name}`;
  const nodes: NodeSpec[] = [
    {
      parent: "/chosen",
      name: d.name,
      props: [
        ["compatible", stringValue("xen,domain")],
        ["#address-cells", u32Value(2)],
        ["#size-cells", u32Value(2)],
        ["memory", cellsValue(2, d.memory / DOMAIN_MEMORY_UNIT)],
        ["cpus", u32Value(d.cpus)],
        ...(d.vpl011 ? [["vpl011", emptyValue()] as const] : []),
      ],
    },
  ];
  const refs: [DomainModuleKind, DomainModule | undefined][] = [
    ["kernel", d.kernel],
    ["ramdisk", d.ramdisk],
    ["device-tree", d.dtb],
  ];
  for (const [kind, m] of refs) {
    if (!m) continue;
    nodes.push({
      parent: path,
      name: `module@${m.addr.toString(16)}`,
      props: [
        ["compatible", stringListValue([`multiboot,${kind}`, "multiboot,module"])],
        ["reg", cellsValue(2, m.addr, m.file.size ?? 0n)],
        ...(kind === "kernel" && d.bootargs !== undefined
          ? [["bootargs", stringValue(d.bootargs)] as const]
          : []),
      ],
    });
  }
  return nodes;
}

/**
 * The FDT edits that write each domain under /chosen as booting.txt shows it: `compatible`,
 * `#address-cells`/`#size-cells` = 2/2 (any address and size fit), `memory` (64-bit, KiB),
 * `cpus`, `vpl011`, then `module@ADDR` per blob with `compatible`, `reg` and the kernel's
 * `bootargs`. Unit addresses are plain hex, as Xen's docs and ImageBuilder write them. libfdt puts
 * a new property or subnode first, so the edits go in reverse to print in this order.
 */
export function domainEdits(layout: Layout): FdtEdit[] {
  const edits: FdtEdit[] = [];
  const nodes = (layout.domains ?? []).map(domainNodes);
  for (const group of [...nodes].reverse()) {
    const [domain, ...modules] = group;
    for (const n of [domain!, ...[...modules].reverse()]) {
      edits.push({ type: "addSubnode", path: n.parent, name: n.name });
      const at = `${n.parent}/${n.name}`;
      for (const [name, value] of [...n.props].reverse())
        edits.push({ type: "setProp", path: at, name, value });
    }
  }
  return edits;
}

/** The domains with each module replaced by `f(module)`: for filling, rebasing or renaming files. */
export function mapDomainModules(
  domains: readonly XenDomain[],
  f: (m: DomainModule, kind: DomainModuleKind, domain: XenDomain) => DomainModule,
): XenDomain[] {
  return domains.map((d) => ({
    ...d,
    kernel: f(d.kernel, "kernel", d),
    ...(d.ramdisk && { ramdisk: f(d.ramdisk, "ramdisk", d) }),
    ...(d.dtb && { dtb: f(d.dtb, "device-tree", d) }),
  }));
}
