/**
 * One walk over every file a layout names: `-kernel`, `-initrd`, `-dtb`, `-bios`, each
 * guest-loader `kernel=`/`initrd=` and each `-device loader,file=`. Front-ends fill sizes, hash
 * files, trim heads or list inputs through these functions, so a new file option is one edit here.
 */
import type { Blob, Layout } from "../model/types.js";

/** Which option of the command line a file belongs to. */
export type FileSlotKind =
  | "kernel"
  | "initrd"
  | "dtb"
  | "bios"
  | "module-kernel"
  | "module-initrd"
  | "loader";

/** One file of a layout and where it sits. */
export interface FileSlot {
  readonly kind: FileSlotKind;
  /** The module or loader id; absent for the machine-wide options. */
  readonly id?: string;
  /** Index of the stanza among `layout.modules` / `layout.loaders`. */
  readonly index?: number;
  /** How messages name the slot: `-kernel`, `guest-loader #2 initrd=`, `loader #1 file=`. */
  readonly label: string;
  readonly blob: Blob;
}

/** Every file slot in command-line order: -bios, -kernel, -initrd, -dtb, guest-loaders, loaders. */
export function fileSlots(layout: Layout): FileSlot[] {
  const out: FileSlot[] = [];
  const bios = layout.machine.bios;
  if (bios.kind === "file") out.push({ kind: "bios", label: "-bios", blob: bios.file });
  if (layout.kernel) out.push({ kind: "kernel", label: "-kernel", blob: layout.kernel });
  if (layout.initrd) out.push({ kind: "initrd", label: "-initrd", blob: layout.initrd });
  if (layout.dtb) out.push({ kind: "dtb", label: "-dtb", blob: layout.dtb });
  layout.modules.forEach((m, index) => {
    const at = `guest-loader #${index + 1}`;
    if (m.kernel)
      out.push({ kind: "module-kernel", id: m.id, index, label: `${at} kernel=`, blob: m.kernel });
    if (m.initrd)
      out.push({ kind: "module-initrd", id: m.id, index, label: `${at} initrd=`, blob: m.initrd });
  });
  layout.loaders.forEach((l, index) => {
    out.push({ kind: "loader", id: l.id, index, label: `loader #${index + 1} file=`, blob: l.file });
  });
  return out;
}

/** The layout with each file replaced by `f(slot)` (same slots, same order). */
export function mapFiles(layout: Layout, f: (slot: FileSlot) => Blob): Layout {
  const slots = fileSlots(layout);
  const replaced = slots.map(f);
  return rebuild(layout, slots, replaced);
}

/**
 * {@link mapFiles} with an async mapper; the files are visited concurrently and the first
 * rejection rejects the whole (nothing is half-replaced: the input layout is never mutated).
 */
export async function mapFilesAsync(layout: Layout, f: (slot: FileSlot) => Promise<Blob>): Promise<Layout> {
  const slots = fileSlots(layout);
  const replaced = await Promise.all(slots.map(f));
  return rebuild(layout, slots, replaced);
}

function rebuild(layout: Layout, slots: readonly FileSlot[], blobs: readonly Blob[]): Layout {
  const at = (kind: FileSlotKind, index?: number): Blob | undefined => {
    const i = slots.findIndex((s) => s.kind === kind && s.index === index);
    return i < 0 ? undefined : blobs[i];
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
