/**
 * Dropped or opened files as the store's edits. The core's `addFiles` decides everything — which
 * placeholder a file fills, where each new blob goes — and this turns its answer into edits (one
 * batch: one undo step, one message to other tabs) and the line the message bar shows. Pure, so
 * the CLI-vs-app conformance test runs it as the app does.
 */
import { addFiles, type Layout, type LayoutBlob, type LayoutFile, moduleFile } from "@guestmap/core";
import { addr } from "../ui/format";
import type { Edit } from "./edits";

export interface FileEdits {
  readonly edits: readonly Edit[];
  /** What happened, for the message line ("rootfs.cpio went to 0x48100000 …"). */
  readonly said: readonly string[];
  /** The blob to select afterwards. */
  readonly select?: string;
}

/** The edit that puts `file` in `slot`, or undefined where the vocabulary has none (dom0less blobs). */
function fillEdit(slot: LayoutFile, file: LayoutBlob): Edit | undefined {
  switch (slot.kind) {
    case "bios":
      return { type: "setBios", bios: { kind: "file", file } };
    case "kernel":
      return { type: "setKernel", kernel: file };
    case "initrd":
      return { type: "setInitrd", initrd: file };
    case "dtb":
      return { type: "setDtb", dtb: file };
    case "module-kernel":
    case "module-initrd":
    case "loader":
      return slot.id === undefined ? undefined : { type: "setBlobFile", id: slot.id, file };
    default:
      return undefined;
  }
}

/** Adds `files` (read and hashed) to `layout` as the core places them; `at` is the drop address. */
export function addFileEdits(layout: Layout, files: readonly LayoutBlob[], at?: bigint): FileEdits {
  const r = addFiles(layout, files, at === undefined ? {} : { at });
  const fills = r.filled.map((f) => fillEdit(f.slot, { ...f.file, path: f.slot.blob.path }));
  const edits: Edit[] = fills.every((e) => e !== undefined)
    ? [...fills, ...r.added.map((module): Edit => ({ type: "addBlob", module }))]
    : // A slot no single edit reaches: the core's whole answer, still one undo step.
      [{ type: "replaceLayout", layout: r.layout }];
  const placed = r.added.map((m) => `${moduleFile(m)?.path} went to ${addr(m.addr)}`);
  const select = r.added.at(-1)?.id ?? r.filled.at(-1)?.slot.id;
  return {
    edits,
    said: placed.length ? [`${placed.join(", ")} (the nearest free aligned slot).`] : [],
    ...(select !== undefined && { select }),
  };
}
