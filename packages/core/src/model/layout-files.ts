/**
 * Every file a layout names, with the option that names it: the one walk over `-bios`, `-kernel`,
 * `-initrd`, `-dtb`, each guest-loader `kernel=`/`initrd=`, each `-device loader,file=` and each
 * dom0less domain's kernel, ramdisk and device tree. Front-
 * ends fill sizes, hash files, trim heads, list inputs and fill placeholders through it, so a new
 * file option is one edit here.
 */
import type { Layout, LayoutBlob } from "./types.js";

/** Which option of the command line names a file. */
export type LayoutFileKind =
  | "bios"
  | "kernel"
  | "initrd"
  | "dtb"
  | "module-kernel"
  | "module-initrd"
  | "loader"
  | "domain-kernel"
  | "domain-ramdisk"
  | "domain-dtb";

/** One file reference: which option or stanza names it (for messages and edits) and the blob. */
export interface LayoutFile {
  readonly kind: LayoutFileKind;
  /** `-bios`, `-kernel`, `-initrd`, `-dtb`, `guest-loader #2 kernel=`, `loader #1 file=`. */
  readonly role: string;
  /** The module, loader or domain-module id; absent for the machine-wide options. */
  readonly id?: string;
  /** Index of the stanza among `layout.modules` / `layout.loaders` / `layout.domains`. */
  readonly index?: number;
  readonly blob: LayoutBlob;
}

/**
 * A guest-loader or `-device loader` stanza's file. Its role text is made when read: a layout of
 * 100k stanzas is listed for every fill and export, and only a message reads a role.
 */
class StanzaFile implements LayoutFile {
  constructor(
    readonly kind: "module-kernel" | "module-initrd" | "loader",
    readonly id: string,
    readonly index: number,
    readonly blob: LayoutBlob,
  ) {}

  get role(): string {
    const n = this.index + 1;
    if (this.kind === "loader") return `loader #${n} file=`;
    return `guest-loader #${n} ${this.kind === "module-kernel" ? "kernel=" : "initrd="}`;
  }
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
    if (mod.kernel) out.push(new StanzaFile("module-kernel", mod.id, index, mod.kernel));
    if (mod.initrd) out.push(new StanzaFile("module-initrd", mod.id, index, mod.initrd));
  });
  layout.loaders.forEach((l, index) => {
    out.push(new StanzaFile("loader", l.id, index, l.file));
  });
  // Dom0less domain blobs (not on the command line: in the DTB, loaded by -device loader).
  (layout.domains ?? []).forEach((d, index) => {
    for (const [kind, what, m] of [
      ["domain-kernel", "kernel", d.kernel],
      ["domain-ramdisk", "ramdisk", d.ramdisk],
      ["domain-dtb", "device tree", d.dtb],
    ] as const)
      if (m) out.push({ kind, role: `${d.name} ${what}`, id: m.id, index, blob: m.file });
  });
  return out;
}

/**
 * The layout with each file replaced: `blobs[i]` for `layoutFiles(layout)[i]` (an array, e.g. the
 * result of reading each file), or `f(file)`. Nothing else changes.
 */
export function withLayoutFiles(
  layout: Layout,
  blobs: readonly LayoutBlob[] | ((file: LayoutFile) => LayoutBlob),
): Layout {
  const files = layoutFiles(layout);
  const next = typeof blobs === "function" ? files.map(blobs) : blobs;
  // The first file of each kind and stanza, by position: one slot per stanza and kind (a search
  // per stanza was quadratic, and a Map of "kind:index" keys was 100k strings at 100k modules).
  const slots: Record<LayoutFileKind, number[]> = {
    bios: [],
    kernel: [],
    initrd: [],
    dtb: [],
    "module-kernel": [],
    "module-initrd": [],
    loader: [],
    "domain-kernel": [],
    "domain-ramdisk": [],
    "domain-dtb": [],
  };
  files.forEach((s, i) => {
    const list = slots[s.kind];
    const at = s.index ?? 0;
    while (list.length <= at) list.push(-1);
    if (list[at] === -1) list[at] = i;
  });
  const at = (kind: LayoutFileKind, index?: number): LayoutBlob | undefined => {
    const i = slots[kind][index ?? 0];
    return i === undefined || i < 0 ? undefined : next[i];
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
    ...(layout.domains && {
      domains: layout.domains.map((d, i) => ({
        ...d,
        kernel: { ...d.kernel, file: at("domain-kernel", i) ?? d.kernel.file },
        ...(d.ramdisk && { ramdisk: { ...d.ramdisk, file: at("domain-ramdisk", i) ?? d.ramdisk.file } }),
        ...(d.dtb && { dtb: { ...d.dtb, file: at("domain-dtb", i) ?? d.dtb.file } }),
      })),
    }),
  };
}
