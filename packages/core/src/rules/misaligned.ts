/** `misaligned`: guest-loader blobs whose address breaks their boot protocol's alignment. */
import type { Diagnostic } from "../diagnostics.js";
import { sniffHeader } from "../headers/sniff.js";
import { moduleFile, moduleKind } from "../model/types.js";
import { formatSize, hex } from "../util/bigint.js";
import { alignmentRule } from "./alignment.js";
import type { RuleContext } from "./context.js";

export function misalignedRule({ layout }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of layout.modules) {
    const kind = moduleKind(m);
    const file = moduleFile(m);
    if (!kind || !file || m.addr === 0n || (m.kernel && m.initrd)) continue;
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
