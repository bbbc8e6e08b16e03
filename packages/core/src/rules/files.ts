/**
 * The files themselves: two different files under one name (QEMU opens files by name, so both
 * stanzas get the same bytes), and files that are not what their stanza expects.
 */
import type { Diagnostic } from "../diagnostics.js";
import { type BlobHeader, sniffHeader } from "../headers/sniff.js";
import { layoutFiles } from "../model/layout-files.js";
import { type LayoutBlob, moduleFile } from "../model/types.js";
import type { RuleContext } from "./context.js";

/** ELF e_machine values of the targets guestmap models and their usual neighbours (elf.h). */
const ELF_MACHINES: Readonly<Record<number, string>> = {
  3: "x86 (i386)",
  8: "MIPS",
  20: "PowerPC",
  21: "PowerPC64",
  22: "S/390",
  40: "ARM (32-bit)",
  62: "x86-64",
  183: "AArch64",
  243: "RISC-V",
  258: "LoongArch",
};

/** An ELF machine number as a name: `AArch64`, else `machine 1234`. */
export function elfMachineName(machine: number): string {
  return ELF_MACHINES[machine] ?? `machine ${machine}`;
}

/** File formats that are never a kernel or an initrd, by their magic bytes. */
const NOT_BOOT: readonly { magic: readonly number[]; name: string }[] = [
  { magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], name: "a PNG image" },
  { magic: [0xff, 0xd8, 0xff], name: "a JPEG image" },
  { magic: [0x47, 0x49, 0x46, 0x38], name: "a GIF image" },
  { magic: [0x25, 0x50, 0x44, 0x46, 0x2d], name: "a PDF document" },
  { magic: [0x50, 0x4b, 0x03, 0x04], name: "a ZIP archive" },
  { magic: [0xd0, 0x0d, 0xfe, 0xed], name: "a device tree blob (DTB)" },
  { magic: [0x51, 0x46, 0x49, 0xfb], name: "a qcow2 disk image" },
];

function notBoot(head: Uint8Array | undefined): string | undefined {
  if (!head) return undefined;
  return NOT_BOOT.find((f) => f.magic.every((b, i) => head[i] === b))?.name;
}

interface Named {
  readonly id: string;
  readonly what: string;
  readonly file: LayoutBlob;
}

interface Group {
  readonly first: Named;
  other?: Named;
  readonly ids: string[];
}

export function filesRule({ layout }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  // Every stanza's file, in the order the paths first appear.
  const each = (f: (id: string, what: string, file: LayoutBlob) => void) => {
    for (const m of layout.modules) {
      const file = moduleFile(m);
      if (file) f(m.id, m.kernel ? "guest-loader kernel" : "guest-loader initrd", file);
    }
    for (const l of layout.loaders) f(l.id, "-device loader", l.file);
    if (layout.kernel) f("kernel", "-kernel", layout.kernel);
    if (layout.initrd) f("initrd", "-initrd", layout.initrd);
  };
  // First the paths named more than once, with a set of names alone: in a layout of distinct
  // files (the usual case) that is the whole cost, with no object per stanza.
  const seen = new Set<string>();
  const repeated = new Set<string>();
  each((_id, _what, file) => {
    if (!seen.has(file.path)) seen.add(file.path);
    else repeated.add(file.path);
  });
  // Per repeated path: the first stanza naming it, the first that names a different file under
  // it, and the ids of all (a path named 1000 times is 1000 array slots, not 1000 objects).
  const byPath = new Map<string, Group>();
  if (repeated.size > 0)
    each((id, what, file) => {
      if (!repeated.has(file.path)) return;
      const group = byPath.get(file.path);
      if (group === undefined) {
        byPath.set(file.path, { first: { id, what, file }, ids: [id] });
        return;
      }
      group.ids.push(id);
      const a = group.first.file;
      if (
        group.other === undefined &&
        ((file.sha256 !== undefined && a.sha256 !== undefined && file.sha256 !== a.sha256) ||
          (file.size !== undefined && a.size !== undefined && file.size !== a.size))
      )
        group.other = { id, what, file };
    });
  for (const [path, { first, other, ids }] of byPath) {
    if (!other) continue;
    out.push({
      severity: "warning",
      code: "same-name-files",
      qemu: "starts",
      message: `${first.what} ${first.id} and ${other.what} ${other.id} both name ${path}, but they are different files (${first.file.size !== other.file.size ? "different sizes" : "different SHA-256"}). QEMU opens files by name, so both load whichever ${path} is next to the command line. Rename one of the files.`,
      regions: ids,
    });
  }
  // A name the browser (File.name) or a terminal decoded from bytes that are not UTF-8 holds
  // U+FFFD instead of them: the command line would name a file that is not there. Listing every
  // file with its role text costs an object and two strings per stanza: only a layout that has
  // such a name pays for it.
  if (layoutHasReplacementChar(layout))
    for (const f of layoutFiles(layout))
      if (f.blob.path.includes("\uFFFD"))
        out.push({
          severity: "warning",
          code: "file-name-encoding",
          message: `${f.role} ${f.blob.path}${f.id !== undefined ? ` (${f.id})` : ""}: the file's name has bytes that are not UTF-8, shown as U+FFFD; the command line and script name it with U+FFFD, so QEMU looks for a file that does not exist. Rename the file to a UTF-8 name and drop or choose it again.`,
          regions: f.id !== undefined ? [f.id] : [],
        });
  sniffedFormats(layout, out);
  return out;
}

/** `file-format`: module files that are ELF (loaded raw) or no kernel or ramdisk at all. */
function sniffedFormats(layout: RuleContext["layout"], out: Diagnostic[]): void {
  // Many stanzas share one file's head (100k modules over 100 files): each head sniffed once.
  const headers = new Map<Uint8Array, BlobHeader>();
  for (const m of layout.modules) {
    const f = moduleFile(m);
    if (!f?.head) continue;
    let hdr = headers.get(f.head);
    if (!hdr) {
      hdr = sniffHeader(f.head);
      headers.set(f.head, hdr);
    }
    const kind = m.kernel ? "kernel" : "initrd";
    if (hdr.format === "elf" && hdr.elf) {
      out.push({
        severity: "info",
        code: "file-format",
        message: `${f.path} (${m.id}) is an ELF${hdr.elf.bits} file for ${elfMachineName(hdr.elf.machine)}: guest-loader loads it as raw bytes at ${`0x${m.addr.toString(16)}`} (the whole file, not its segments), so the ${kind === "kernel" ? "hypervisor must accept an ELF image" : "guest sees the ELF file"}. For a Linux dom0 use the arch's Image instead.`,
        regions: [m.id],
      });
      continue;
    }
    const wrong = notBoot(f.head);
    if (wrong)
      out.push({
        severity: "warning",
        code: "file-format",
        qemu: "starts",
        message: `${f.path} (${m.id}) is ${wrong}, not a ${kind === "kernel" ? "kernel image" : "ramdisk (cpio, gzip, a filesystem image)"}: QEMU loads any bytes without a word. Check that you dropped the right file.`,
        regions: [m.id],
      });
  }
}

/** Whether any file the layout names has U+FFFD in its name (the same files as layoutFiles). */
function layoutHasReplacementChar(layout: RuleContext["layout"]): boolean {
  const bad = (b: LayoutBlob | undefined) => b?.path.includes("\uFFFD") === true;
  const m = layout.machine;
  if (
    (m.bios.kind === "file" && bad(m.bios.file)) ||
    bad(layout.kernel) ||
    bad(layout.initrd) ||
    bad(layout.dtb)
  )
    return true;
  for (const mod of layout.modules) if (bad(mod.kernel) || bad(mod.initrd)) return true;
  for (const l of layout.loaders) if (bad(l.file)) return true;
  for (const d of layout.domains ?? [])
    if (bad(d.kernel.file) || bad(d.ramdisk?.file) || bad(d.dtb?.file)) return true;
  return false;
}
