/** `misaligned`: guest-loader blobs whose address breaks their boot protocol's alignment. */
import type { Diagnostic } from "../diagnostics.js";
import { sniffHeader } from "../headers/sniff.js";
import { type LayoutBlob, moduleFile, moduleKind } from "../model/types.js";
import { formatSize, hex } from "../util/bigint.js";
import { domainModules } from "../xen/domains.js";
import { type AlignmentRule, alignmentRule } from "./alignment.js";
import type { RuleContext } from "./context.js";

export function misalignedRule({ layout }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const arch = layout.machine.arch;
  // One rule per header: 100k initrds share one, and kernels sharing a file share its header.
  const initrdRule = alignmentRule(arch, "initrd", undefined);
  const kernelRules = new Map<Uint8Array | undefined, AlignmentRule>();
  const check = (m: { id: string; addr: bigint }, kind: "kernel" | "initrd", file: LayoutBlob) => {
    if (m.addr === 0n) return;
    let rule = initrdRule;
    if (kind === "kernel") {
      const cached = kernelRules.get(file.head);
      rule = cached ?? alignmentRule(arch, kind, sniffHeader(file.head));
      if (!cached) kernelRules.set(file.head, rule);
    }
    if (m.addr % rule.align === rule.offset) return;
    // Past 2^64 the address-overflow rule speaks; alignment advice there means nothing.
    if (m.addr + (file.size ?? 0n) > 1n << 64n) return;
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
  };
  for (const m of layout.modules) {
    // A stanza with both files is refused by QEMU (the modules rule says so).
    if (m.kernel && m.initrd) continue;
    const kind = moduleKind(m);
    const file = moduleFile(m);
    if (kind && file) check(m, kind, file);
  }
  // Dom0less domain kernels and ramdisks are read by Xen the same way as dom0's.
  for (const d of domainModules(layout))
    if (d.kind !== "device-tree") check(d.module, d.kind === "kernel" ? "kernel" : "initrd", d.module.file);
  return out;
}
