/** Every file a layout names, with the option that names it: for reading, checking and exporting. */
import type { Blob, Layout } from "./types.js";

/** One file reference: which option or stanza names it (for messages) and the blob. */
export interface LayoutFile {
  /** `-bios`, `-kernel`, `-initrd`, `-dtb`, `guest-loader #2 kernel=`, `loader #1 file=`. */
  readonly role: string;
  readonly blob: Blob;
}

/** The files of `layout` in command-line order (a file named twice appears twice). */
export function layoutFiles(layout: Layout): LayoutFile[] {
  const out: LayoutFile[] = [];
  const m = layout.machine;
  if (m.bios.kind === "file") out.push({ role: "-bios", blob: m.bios.file });
  if (layout.kernel) out.push({ role: "-kernel", blob: layout.kernel });
  if (layout.initrd) out.push({ role: "-initrd", blob: layout.initrd });
  if (layout.dtb) out.push({ role: "-dtb", blob: layout.dtb });
  layout.modules.forEach((mod, i) => {
    if (mod.kernel) out.push({ role: `guest-loader #${i + 1} kernel=`, blob: mod.kernel });
    if (mod.initrd) out.push({ role: `guest-loader #${i + 1} initrd=`, blob: mod.initrd });
  });
  layout.loaders.forEach((l, i) => {
    out.push({ role: `loader #${i + 1} file=`, blob: l.file });
  });
  // Dom0less domain blobs (not on the command line: in the DTB, loaded by -device loader).
  for (const d of layout.domains ?? []) {
    for (const [kind, m] of [
      ["kernel", d.kernel],
      ["ramdisk", d.ramdisk],
      ["device tree", d.dtb],
    ] as const)
      if (m) out.push({ role: `${d.name} ${kind}`, blob: m.file });
  }
  return out;
}
