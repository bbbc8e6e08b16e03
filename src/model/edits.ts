/**
 * User actions as data. Every change the app makes to a layout is one `Edit`, applied by the pure
 * `applyEdit`; undo, persistence and tests share this vocabulary. A drag's intermediate frames are
 * not edits (see store/drag-slice.ts): pointer-up dispatches one `moveBlob`.
 */
import {
  type Address,
  type Bios,
  type GuestLoaderModule,
  type Layout,
  type LayoutBlob,
  type Machine,
  moduleFile,
  NEWEST_VERIFIED_VERSION,
  type QemuVersion,
} from "@guestmap/core";

export type BlobKind = "kernel" | "initrd";

export type Edit =
  | { readonly type: "moveBlob"; readonly id: string; readonly addr: Address }
  | { readonly type: "addBlob"; readonly module: GuestLoaderModule }
  | { readonly type: "removeBlob"; readonly id: string }
  | { readonly type: "setKind"; readonly id: string; readonly kind: BlobKind }
  | { readonly type: "setBootargs"; readonly id: string; readonly bootargs: string | undefined }
  | { readonly type: "setBlobFile"; readonly id: string; readonly file: LayoutBlob }
  | { readonly type: "setMachine"; readonly machine: Partial<Machine> }
  | { readonly type: "setQemu"; readonly qemu: QemuVersion | undefined }
  | { readonly type: "setKernel"; readonly kernel: LayoutBlob | undefined }
  | { readonly type: "setAppend"; readonly append: string | undefined }
  | { readonly type: "setInitrd"; readonly initrd: LayoutBlob | undefined }
  | { readonly type: "setDtb"; readonly dtb: LayoutBlob | undefined }
  | { readonly type: "setBios"; readonly bios: Bios }
  | { readonly type: "setExtraArgs"; readonly extraArgs: readonly (readonly string[])[] }
  | { readonly type: "replaceLayout"; readonly layout: Layout }
  /** Several edits as one user action (files dropped together): one undo step. */
  | { readonly type: "batch"; readonly edits: readonly Edit[] };

/** A module id not used in `layout`: `m1`, `m2`, … */
export function newModuleId(layout: Layout): string {
  const used = new Set([...layout.modules.map((m) => m.id), ...layout.loaders.map((l) => l.id)]);
  for (let i = 1; ; i++) if (!used.has(`m${i}`)) return `m${i}`;
}

function mapModule(layout: Layout, id: string, f: (m: GuestLoaderModule) => GuestLoaderModule): Layout {
  let changed = false;
  const modules = layout.modules.map((m) => {
    if (m.id !== id) return m;
    const next = f(m);
    if (next !== m) changed = true;
    return next;
  });
  return changed ? { ...layout, modules } : layout;
}

function without<T extends object, K extends keyof T>(o: T, key: K, keep: boolean): T {
  if (keep) return o;
  const { [key]: _dropped, ...rest } = o;
  return rest as T;
}

/**
 * Applies one edit. Pure: returns a new layout (or the same object when the edit changes nothing,
 * which the undo history uses to skip no-op steps). Unknown ids are no-ops.
 */
export function applyEdit(layout: Layout, edit: Edit): Layout {
  switch (edit.type) {
    case "moveBlob": {
      if (layout.modules.some((m) => m.id === edit.id)) {
        return mapModule(layout, edit.id, (m) => (m.addr === edit.addr ? m : { ...m, addr: edit.addr }));
      }
      if (!layout.loaders.some((l) => l.id === edit.id && l.addr !== edit.addr)) return layout;
      return {
        ...layout,
        loaders: layout.loaders.map((l) =>
          l.id === edit.id && l.addr !== edit.addr ? { ...l, addr: edit.addr } : l,
        ),
      };
    }
    case "addBlob": {
      const taken = [...layout.modules, ...layout.loaders].some((m) => m.id === edit.module.id);
      const module = taken ? { ...edit.module, id: newModuleId(layout) } : edit.module;
      return { ...layout, modules: [...layout.modules, module] };
    }
    case "removeBlob": {
      const modules = layout.modules.filter((m) => m.id !== edit.id);
      const loaders = layout.loaders.filter((l) => l.id !== edit.id);
      if (modules.length === layout.modules.length && loaders.length === layout.loaders.length) return layout;
      return { ...layout, modules, loaders };
    }
    case "setKind":
      return mapModule(layout, edit.id, (m) => {
        const file = moduleFile(m);
        if (!file || (edit.kind === "kernel" ? m.kernel && !m.initrd : m.initrd && !m.kernel)) return m;
        const { kernel: _k, initrd: _i, bootargs, ...rest } = m;
        return edit.kind === "kernel"
          ? { ...rest, kernel: file, ...(bootargs !== undefined && { bootargs }) }
          : { ...rest, initrd: file };
      });
    case "setBootargs":
      return mapModule(layout, edit.id, (m) =>
        m.bootargs === edit.bootargs
          ? m
          : without({ ...m, bootargs: edit.bootargs ?? "" }, "bootargs", edit.bootargs !== undefined),
      );
    case "setBlobFile":
      if (layout.loaders.some((l) => l.id === edit.id))
        return {
          ...layout,
          loaders: layout.loaders.map((l) => (l.id === edit.id ? { ...l, file: edit.file } : l)),
        };
      return mapModule(layout, edit.id, (m) =>
        m.kernel
          ? { ...m, kernel: edit.file }
          : m.initrd
            ? { ...m, initrd: edit.file }
            : { ...m, initrd: edit.file },
      );
    case "setMachine":
      return { ...layout, machine: { ...layout.machine, ...edit.machine } };
    case "setQemu":
      return without(
        { ...layout, qemu: edit.qemu ?? NEWEST_VERIFIED_VERSION },
        "qemu",
        edit.qemu !== undefined,
      );
    case "setKernel":
      return without({ ...layout, kernel: edit.kernel ?? { path: "" } }, "kernel", edit.kernel !== undefined);
    case "setAppend":
      return without({ ...layout, append: edit.append ?? "" }, "append", edit.append !== undefined);
    case "setInitrd":
      return without({ ...layout, initrd: edit.initrd ?? { path: "" } }, "initrd", edit.initrd !== undefined);
    case "setDtb":
      return without({ ...layout, dtb: edit.dtb ?? { path: "" } }, "dtb", edit.dtb !== undefined);
    case "setBios":
      return { ...layout, machine: { ...layout.machine, bios: edit.bios } };
    case "setExtraArgs":
      return { ...layout, extraArgs: edit.extraArgs };
    case "replaceLayout":
      return edit.layout;
    case "batch":
      return applyEdits(layout, edit.edits);
  }
}

/** Applies edits in order. */
export function applyEdits(layout: Layout, edits: readonly Edit[]): Layout {
  return edits.reduce(applyEdit, layout);
}
