/**
 * `size-unknown` for QEMU's own blobs: a `-kernel`, `-initrd`, `-dtb`, `-bios` or generic loader
 * whose file is not at hand yet (an imported command line). Everything QEMU places after them is
 * provisional until the size is known. (guest-loader stanzas: see modules.ts.)
 */
import type { Diagnostic } from "../diagnostics.js";
import type { LayoutBlob } from "../model/types.js";
import { domainModules } from "../xen/domains.js";
import type { RuleContext } from "./context.js";

export function placeholderRule({ layout }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const unknown = (what: string, b: LayoutBlob | undefined, region: string, why: string) => {
    if (b && b.size === undefined)
      out.push({
        severity: "warning",
        code: "size-unknown",
        message: `${what} ${b.path}: its size is not known yet, so ${why}. Open or drop the file, or type its size.`,
        regions: [region],
      });
  };
  unknown(
    "-kernel",
    layout.kernel,
    "kernel",
    "the kernel is left out, and the boot stub, initrd and DTB QEMU places after it are provisional",
  );
  unknown(
    "-initrd",
    layout.initrd,
    "initrd",
    "the initrd is left out and the DTB QEMU places after it is provisional",
  );
  unknown("-dtb", layout.dtb, "dtb", "the DTB's size in RAM (2 × (file size + 10000)) is provisional");
  if (layout.machine.bios.kind === "file")
    unknown(
      "-bios",
      layout.machine.bios.file,
      "firmware",
      "the firmware and everything placed after it are provisional",
    );
  for (const l of layout.loaders) unknown("-device loader", l.file, l.id, "it is left out of the checks");
  for (const d of domainModules(layout))
    unknown(`${d.domain.name} ${d.kind}`, d.module.file, d.module.id, "it is left out of the checks");
  return out;
}
