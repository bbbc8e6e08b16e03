/** `misaligned`: guest-loader blobs whose address breaks their boot protocol's alignment. */
import type { Diagnostic } from "../diagnostics.js";
import { sniffHeader } from "../headers/sniff.js";
import { moduleFile, moduleKind } from "../model/types.js";
import { formatSize, hex } from "../util/bigint.js";
import { domainModules } from "../xen/domains.js";
import { alignmentRule } from "./alignment.js";
import type { RuleContext } from "./context.js";

export function misalignedRule({ layout }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const blobs = [
    ...layout.modules.map((m) => ({
      m,
      kind: moduleKind(m),
      file: moduleFile(m),
      both: !!(m.kernel && m.initrd),
    })),
    // Dom0less domain kernels and ramdisks are read by Xen the same way as dom0's.
    ...domainModules(layout)
      .filter((d) => d.kind !== "device-tree")
      .map((d) => ({
        m: d.module,
        kind: d.kind === "kernel" ? ("kernel" as const) : ("initrd" as const),
        file: d.module.file,
        both: false,
      })),
  ];
  for (const { m, kind, file, both } of blobs) {
    if (!kind || !file || m.addr === 0n || both) continue;
    const hdr = kind === "kernel" ? sniffHeader(file.head) : undefined;
    const rule = alignmentRule(layout.machine.arch, kind, hdr);
    if (m.addr % rule.align === rule.offset) continue;
    // Past 2^64 the address-overflow rule speaks; alignment advice there means nothing.
    if (m.addr + (file.size ?? 0n) > 1n << 64n) continue;
    const below = m.addr - ((((m.addr - rule.offset) % rule.align) + rule.align) % rule.align);
    const above = below + rule.align;
    out.push({
      severity: "warning",
      code: "misaligned",
      qemu: "starts",
      message: `${kind} ${file.path} (${m.id}) at ${hex(m.addr)} is not ${formatSize(rule.align)}-aligned${rule.offset ? ` + ${hex(rule.offset)}` : ""}: ${rule.why}. QEMU loads it anyway. Move it to ${hex(below)}${above + (file.size ?? 0n) <= 1n << 64n ? ` or ${hex(above)}` : ""}.`,
      regions: [m.id],
      start: m.addr,
      end: m.addr + (file.size ?? 0n),
    });
  }
  return out;
}
