/**
 * Layout files, share links and saved state carry no file contents, so a layout read from any of
 * them has no blob heads. The heads (what the header sniffer reads: kernel image_size, formats)
 * come back from the files this browser keeps, by SHA-256.
 */
import {
  type Layout,
  type LayoutBlob,
  layoutFiles,
  sniffHeader,
  type Unpacked,
  unpackPlan,
  withLayoutFiles,
} from "@guestmap/core";
import { loadFile, loadHead, unpackedOf } from "./file-store";

/** Every file of a layout through `f`: the core's one walk over a layout's files (`withLayoutFiles`). */
export function mapBlobs(layout: Layout, f: (b: LayoutBlob) => LayoutBlob): Layout {
  return withLayoutFiles(layout, (slot) => f(slot.blob));
}

/** The layouts with the heads of every file this browser has (one read per distinct file). */
export async function withHeads(layouts: readonly Layout[]): Promise<Layout[]> {
  const wanted = new Set<string>();
  const sizes = new Map<string, bigint>();
  for (const l of layouts)
    for (const { blob: b } of layoutFiles(l)) {
      if (b.sha256 && !b.head) wanted.add(b.sha256);
      if (b.sha256 && b.size !== undefined) sizes.set(b.sha256, b.size);
    }
  const heads = new Map<string, { head: Uint8Array; unpacked?: Unpacked }>();
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
