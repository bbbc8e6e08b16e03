/**
 * Imports: a pasted QEMU command line, a layout JSON, a DTB. Parsing is the core's; this module
 * only fills placeholders from files this browser already has and turns a DTB's /chosen into
 * guest-loader stanzas.
 */
import {
  decodeFdt,
  type Fdt,
  type Blob as FileRef,
  findNode,
  type GuestLoaderModule,
  getProp,
  type ImportIssue,
  importShellCommand,
  type Layout,
  readString,
  readStringList,
  readU64s,
} from "@guestmap/core";
import { fileByName, fileRef } from "./file-store";

async function fill(ref: FileRef | undefined): Promise<FileRef | undefined> {
  if (!ref || ref.size !== undefined) return ref;
  const file = await fileByName(ref.path);
  return file ? fileRef(file) : ref;
}

/** Gives placeholders (blobs without a size) the bytes of a same-named file kept in this browser. */
export async function fillPlaceholders(layout: Layout): Promise<Layout> {
  const modules = await Promise.all(
    layout.modules.map(async (m) =>
      m.kernel
        ? { ...m, kernel: (await fill(m.kernel))! }
        : m.initrd
          ? { ...m, initrd: (await fill(m.initrd))! }
          : m,
    ),
  );
  const kernel = await fill(layout.kernel);
  const initrd = await fill(layout.initrd);
  return { ...layout, modules, ...(kernel && { kernel }), ...(initrd && { initrd }) };
}

export async function importCommand(text: string): Promise<{ layout: Layout; issues: ImportIssue[] }> {
  const r = importShellCommand(text);
  return { layout: await fillPlaceholders(r.layout), issues: r.diagnostics };
}

/**
 * A DTB's /chosen modules as guest-loader stanzas (address and size from `reg`, kind from
 * `compatible`, bootargs), in command-line order (QEMU's DTB lists them reversed).
 */
export function modulesFromDtb(fdt: Fdt): { modules: GuestLoaderModule[]; bootargs?: string } {
  const chosen = findNode(fdt, "/chosen");
  if (!chosen) return { modules: [] };
  const modules: GuestLoaderModule[] = [];
  for (const node of [...chosen.children].reverse()) {
    const reg = getProp(node, "reg");
    if (!node.name.startsWith("module@") || !reg || reg.value.length !== 16) continue;
    const [addr, size] = readU64s(reg.value) as [bigint, bigint];
    const compat = getProp(node, "compatible");
    const kernel = compat ? readStringList(compat.value).includes("multiboot,kernel") : false;
    const file: FileRef = { path: node.name, size };
    const bootargs = getProp(node, "bootargs");
    const id = `m${modules.length + 1}`;
    modules.push(
      kernel
        ? { id, addr, kernel: file, ...(bootargs && { bootargs: readString(bootargs.value) }) }
        : { id, addr, initrd: file },
    );
  }
  const b = getProp(chosen, "bootargs");
  return { modules, ...(b && { bootargs: readString(b.value) }) };
}

export async function readDtb(file: File): Promise<Fdt> {
  return decodeFdt(new Uint8Array(await file.arrayBuffer()));
}
