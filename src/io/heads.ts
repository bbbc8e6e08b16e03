/**
 * Layout files, share links and saved state carry no file contents, so a layout read from any of
 * them has no blob heads. The heads (what the header sniffer reads: kernel image_size, formats)
 * come back from the files this browser keeps, by SHA-256.
 */
import type { Layout, LayoutBlob } from "@guestmap/core";
import { loadHead } from "./file-store";

/** Every file of a layout through `f` (modules, loaders, -kernel, -initrd, -dtb, -bios). */
export function mapBlobs(layout: Layout, f: (b: LayoutBlob) => LayoutBlob): Layout {
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
  const heads = new Map<string, Uint8Array>();
  await Promise.all(
    [...wanted].map(async (sha256) => {
      const head = await loadHead({ path: "", sha256 }).catch(() => undefined);
      if (head) heads.set(sha256, head);
    }),
  );
  return layouts.map((l) =>
    mapBlobs(l, (b) => {
      const head = b.sha256 && !b.head ? heads.get(b.sha256) : undefined;
      return head ? { ...b, head } : b;
    }),
  );
}
