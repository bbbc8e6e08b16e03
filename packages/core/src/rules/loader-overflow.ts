/**
 * `-device loader` blobs past the 64-bit address space. QEMU parses `addr=` as a uint64, so only a
 * layout file can hold such an address; an image or script made from it would wrap silently.
 */
import type { Diagnostic } from "../diagnostics.js";
import { formatSize, hex } from "../util/bigint.js";
import type { RuleContext } from "./context.js";

const ADDRESS_SPACE_END = 1n << 64n;

export function loaderOverflowRule({ layout }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  layout.loaders.forEach((l, i) => {
    const size = l.file.size ?? 0n;
    if (l.addr + size <= ADDRESS_SPACE_END && l.addr < ADDRESS_SPACE_END) return;
    out.push({
      severity: "error",
      code: "address-overflow",
      qemu: "refuses",
      message: `-device loader #${i + 1} (${l.id}): ${l.file.path} at ${hex(l.addr)} + ${formatSize(size)} runs past the end of the 64-bit address space, which QEMU's addr= cannot express. Move it to a lower address inside RAM.`,
      regions: [l.id],
      start: l.addr < ADDRESS_SPACE_END ? l.addr : ADDRESS_SPACE_END - 1n,
      end: ADDRESS_SPACE_END,
    });
  });
  return out;
}
