/**
 * Dropped or opened files: one named like a placeholder (a file slot whose size is unknown) fills
 * it — the slot keeps its path, which the command line names — and every other file becomes a new
 * guest-loader blob, a kernel or an initrd as its header says, placed in the nearest free place at
 * its alignment: the first from the drop address snapped to it, the rest from there on (never on
 * QEMU's own regions or another blob, through the same slot search as the quick fixes).
 */
import { sniffHeader } from "../headers/sniff.js";
import { type LayoutFile, layoutFiles, withLayoutFiles } from "../model/layout-files.js";
import type { GuestLoaderModule, Layout, LayoutBlob } from "../model/types.js";
import { type PlacementOptions, placements } from "../qemu/placement.js";
import { snapToAlignment } from "../util/bigint.js";
import { takenIn } from "./free-space.js";
import { blobAlignment, blobFootprint, type MovableBlob } from "./movable.js";
import { needsLowMemory, slotFor } from "./quick-fix.js";

export interface AddFilesOptions extends PlacementOptions {
  /** Where the files were dropped: the first new blob goes here, snapped to its alignment. */
  readonly at?: bigint;
  /** A slot dropped onto (module or loader id): one file fills it whatever its name, if it is a placeholder. */
  readonly onto?: string;
}

export interface AddFilesResult {
  readonly layout: Layout;
  /** Placeholders filled, with the file that filled each. */
  readonly filled: readonly { readonly slot: LayoutFile; readonly file: LayoutBlob }[];
  /** The new guest-loader stanzas, in the files' order. */
  readonly added: readonly GuestLoaderModule[];
}

const baseName = (p: string) => p.split("/").pop() ?? p;

/** Adds `files` (each with its size and head) to `layout`; see the file comment. Pure. */
export function addFiles(
  layout: Layout,
  files: readonly LayoutBlob[],
  opts: AddFilesOptions = {},
): AddFilesResult {
  const holes = layoutFiles(layout).filter((s) => s.blob.size === undefined);
  const fills = new Map<LayoutFile, LayoutBlob>();
  const rest: LayoutBlob[] = [];
  const onto = opts.onto === undefined ? undefined : holes.find((s) => s.id === opts.onto);
  if (onto && files.length === 1) fills.set(onto, files[0]!);
  else
    for (const f of files) {
      const hole = holes.find((s) => !fills.has(s) && baseName(s.blob.path) === baseName(f.path));
      if (hole) fills.set(hole, f);
      else rest.push(f);
    }
  let working =
    fills.size === 0
      ? layout
      : withLayoutFiles(layout, (s) => {
          const hole = holes.find((h) => h.kind === s.kind && h.index === s.index);
          const f = hole && fills.get(hole);
          return f ? { ...f, path: s.blob.path } : s.blob;
        });

  const used = new Set([...layout.modules.map((m) => m.id), ...layout.loaders.map((l) => l.id)]);
  const added: GuestLoaderModule[] = [];
  rest.forEach((file, i) => {
    let n = 1;
    while (used.has(`m${n}`)) n++;
    const id = `m${n}`;
    used.add(id);
    const hdr = sniffHeader(file.head);
    const kind = hdr.isKernel ? "kernel" : "initrd";
    const { align, offset } = blobAlignment(working.machine.arch, kind, hdr);
    const p = placements(working, opts);
    const ramStart = p.ram[0]?.start ?? 0n;
    const from =
      i === 0 && opts.at !== undefined ? snapToAlignment(opts.at, align, offset) : (opts.at ?? ramStart);
    const size = file.size ?? 0n;
    const footprint = blobFootprint(kind, size, hdr);
    const b: MovableBlob = { id, name: file.path, kind, addr: from, size, footprint, align, offset };
    const addr =
      slotFor(b, { taken: takenIn(p) }, p, from, needsLowMemory(working, p)) ??
      snapToAlignment(from, align, offset);
    const mod: GuestLoaderModule =
      kind === "kernel" ? { id, addr, kernel: file } : { id, addr, initrd: file };
    added.push(mod);
    working = { ...working, modules: [...working.modules, mod] };
  });
  return { layout: working, filled: [...fills].map(([slot, file]) => ({ slot, file })), added };
}
