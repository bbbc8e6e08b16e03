/**
 * Layout files, share links and saved state carry no file contents, so a layout read from any of
 * them has no blob heads. The heads (what the header sniffer reads: kernel image_size, formats)
 * come back from the files this browser keeps, by SHA-256.
 */
import { type Blob as FileRef, type Layout, sniffHeader, type Unpacked, unpackPlan } from "@guestmap/core";
import { loadFile, loadHead, unpackedOf } from "./file-store";

/** Every file of a layout through `f` (modules, loaders, -kernel, -initrd, -dtb, -bios). */
export function mapBlobs(layout: Layout, f: (b: FileRef) => FileRef): Layout {
  const bios = layout.machine.bios;
  return {
    ...layout,
    modules: layout.modules.map((m) =>
      m.kernel ? { ...m, kernel: f(m.kernel) } : m.initrd ? { ...m, initrd: f(m.initrd) } : m,
    ),
    loaders: layout.loaders.map((l) => ({ ...l, file: f(l.file) })),
    ...(layout.kernel && { kernel: f(layout.kernel) }),
    ...(layout.initrd && { initrd: f(layout.initrd) }),
    ...(layout.dtb && { dtb: f(layout.dtb) }),
    machine:
      bios.kind === "file"
        ? { ...layout.machine, bios: { kind: "file", file: f(bios.file) } }
        : layout.machine,
  };
}

/** The layouts with the heads of every file this browser has (one read per distinct file). */
export async function withHeads(layouts: readonly Layout[]): Promise<Layout[]> {
  const wanted = new Set<string>();
  for (const l of layouts)
    mapBlobs(l, (b) => {
      if (b.sha256 && !b.head) wanted.add(b.sha256);
      return b;
    });
  const heads = new Map<string, { head: Uint8Array; unpacked?: Unpacked }>();
  const sizes = new Map<string, bigint>();
  for (const l of layouts)
    mapBlobs(l, (b) => {
      if (b.sha256 && b.size !== undefined) sizes.set(b.sha256, b.size);
      return b;
    });
  await Promise.all(
    [...wanted].map(async (sha256) => {
      const head = await loadHead({ path: "", sha256 }).catch(() => undefined);
      if (!head) return;
      // A compressed kernel's unpacked size is measured again from the kept file (rarely needed).
      const size = sizes.get(sha256);
      const file =
        size !== undefined && unpackPlan(sniffHeader(head), size)
          ? await loadFile({ path: "", sha256, size }).catch(() => undefined)
          : undefined;
      const unpacked = file && (await unpackedOf(file, head).catch(() => undefined));
      heads.set(sha256, { head, ...(unpacked && { unpacked }) });
    }),
  );
  return layouts.map((l) =>
    mapBlobs(l, (b) => {
      const got = b.sha256 && !b.head ? heads.get(b.sha256) : undefined;
      return got ? { ...b, ...got } : b;
    }),
  );
}
