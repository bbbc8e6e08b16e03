/**
 * Every file a layout names, with the option that names it: the one walk over `-bios`, `-kernel`,
 * `-initrd`, `-dtb`, each guest-loader `kernel=`/`initrd=` and each `-device loader,file=`. Front-
 * ends fill sizes, hash files, trim heads, list inputs and fill placeholders through it, so a new
 * file option is one edit here.
 */
import type { Blob, Layout } from "./types.js";

/** Which option of the command line names a file. */
export type LayoutFileKind =
  | "bios"
  | "kernel"
  | "initrd"
  | "dtb"
  | "module-kernel"
  | "module-initrd"
  | "loader";

/** One file reference: which option or stanza names it (for messages and edits) and the blob. */
export interface LayoutFile {
  readonly kind: LayoutFileKind;
  /** `-bios`, `-kernel`, `-initrd`, `-dtb`, `guest-loader #2 kernel=`, `loader #1 file=`. */
  readonly role: string;
  /** The module or loader id; absent for the machine-wide options. */
  readonly id?: string;
  /** Index of the stanza among `layout.modules` / `layout.loaders`. */
  readonly index?: number;
  readonly blob: Blob;
}

/** The files of `layout` in command-line order (a file named twice appears twice). */
export function layoutFiles(layout: Layout): LayoutFile[] {
  const out: LayoutFile[] = [];
  const m = layout.machine;
  if (m.bios.kind === "file") out.push({ kind: "bios", role: "-bios", blob: m.bios.file });
  if (layout.kernel) out.push({ kind: "kernel", role: "-kernel", blob: layout.kernel });
  if (layout.initrd) out.push({ kind: "initrd", role: "-initrd", blob: layout.initrd });
  if (layout.dtb) out.push({ kind: "dtb", role: "-dtb", blob: layout.dtb });
  layout.modules.forEach((mod, index) => {
    const at = `guest-loader #${index + 1}`;
    if (mod.kernel)
      out.push({ kind: "module-kernel", role: `${at} kernel=`, id: mod.id, index, blob: mod.kernel });
    if (mod.initrd)
      out.push({ kind: "module-initrd", role: `${at} initrd=`, id: mod.id, index, blob: mod.initrd });
  });
  layout.loaders.forEach((l, index) => {
    out.push({ kind: "loader", role: `loader #${index + 1} file=`, id: l.id, index, blob: l.file });
  });
  return out;
}

/**
 * The layout with each file replaced: `blobs[i]` for `layoutFiles(layout)[i]` (an array, e.g. the
 * result of reading each file), or `f(file)`. Nothing else changes.
 */
export function withLayoutFiles(
  layout: Layout,
  blobs: readonly Blob[] | ((file: LayoutFile) => Blob),
): Layout {
  const files = layoutFiles(layout);
  const next = typeof blobs === "function" ? files.map(blobs) : blobs;
  const at = (kind: LayoutFileKind, index?: number): Blob | undefined => {
    const i = files.findIndex((s) => s.kind === kind && s.index === index);
    return i < 0 ? undefined : next[i];
  };
  const m = layout.machine;
  const bios = at("bios");
  const kernel = at("kernel");
  const initrd = at("initrd");
  const dtb = at("dtb");
  return {
    ...layout,
    machine: bios && m.bios.kind === "file" ? { ...m, bios: { kind: "file", file: bios } } : m,
    ...(kernel && { kernel }),
    ...(initrd && { initrd }),
    ...(dtb && { dtb }),
    modules: layout.modules.map((mod, i) => {
      const k = mod.kernel && at("module-kernel", i);
      const r = mod.initrd && at("module-initrd", i);
      return { ...mod, ...(k && { kernel: k }), ...(r && { initrd: r }) };
    }),
    loaders: layout.loaders.map((l, i) => ({ ...l, file: at("loader", i) ?? l.file })),
  };
}
