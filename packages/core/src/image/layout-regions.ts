/**
 * What a layout puts in guest RAM at reset, as image regions: the guest-loader and generic-loader
 * blobs, and QEMU's own file-backed loads (`-kernel`, `-initrd`, `-bios` on RISC-V). The regions
 * QEMU generates itself (boot stub, MROM, DTB with its random seeds) are reported as `generated`
 * so exports can say what the image leaves as zeros.
 */
import { sniffHeader, UIMAGE_TYPE_KERNEL } from "../headers/sniff.js";
import type { LayoutBlob } from "../model/types.js";
import { isUserRole, type Placement, type Region, spaceRank } from "../qemu/region.js";
import type { BlobSource, ImageRegion } from "./source.js";

export interface LayoutImage {
  /** In QEMU's reset order: where two overlap, the later one is what RAM holds. */
  readonly regions: ImageRegion[];
  /** The guest-loader and generic-loader blobs alone (their span is the default image range). */
  readonly user: ImageRegion[];
  /** Regions QEMU fills with bytes of its own making, which an image cannot reproduce. */
  readonly generated: Region[];
}

/** `source` seen from `offset` on, `size` bytes long (a uImage's payload after its header). */
export function sliceSource(source: BlobSource, offset: bigint, size: bigint): BlobSource {
  return { size, read: (o, length) => source.read(offset + o, length) };
}

/**
 * The image regions of a placement. `open` gives the bytes of a blob (a file handle in the CLI,
 * a File in the browser). `qemuFiles: false` keeps only the user's blobs.
 */
export function layoutImageRegions(
  placement: Placement,
  open: (blob: LayoutBlob) => BlobSource,
  opts: { qemuFiles?: boolean } = {},
): LayoutImage {
  const withQemu = opts.qemuFiles ?? true;
  const generated: Region[] = [];
  const user: ImageRegion[] = [];
  const all: ImageRegion[] = [];
  // Reset order: space by space (see spaceRank), so a later space's bytes win where two overlap.
  const ordered = [...placement.regions].sort((a, b) => spaceRank(a.space) - spaceRank(b.space));
  for (const r of ordered) {
    if (r.role === "loader-data") {
      generated.push(r);
      continue;
    }
    if (isUserRole(r.role)) {
      const hdr = r.role === "loader" && r.file ? sniffHeader(r.file.head) : undefined;
      // A loader's ELF segments need their file offsets, a gzip uImage its decompressed bytes;
      // a raw or uncompressed uImage blob is a plain slice.
      if (!r.file || r.id.includes("#") || (hdr?.format === "uimage" && hdr.uimage?.comp !== 0)) {
        generated.push(r);
        continue;
      }
      const payload =
        hdr?.format === "uimage" &&
        hdr.uimage?.type === UIMAGE_TYPE_KERNEL &&
        hdr.uimage.comp === 0 &&
        r.size === hdr.uimage.size &&
        r.addr === hdr.uimage.load;
      const source = payload ? sliceSource(open(r.file), 64n, r.size) : open(r.file);
      const region = { addr: r.addr, size: r.size, source, name: r.name };
      user.push(region);
      all.push(region);
      continue;
    }
    // Loaded decompressed (a gzip uImage, or on AArch64 an Image.gz or zboot image); elsewhere
    // QEMU loads the same file raw, which the image can copy.
    const unpacked =
      r.role === "kernel" &&
      (sniffHeader(r.file?.head).uimage?.comp || (r.file?.unpacked && r.size !== r.file.size));
    if (!r.file || r.id.includes("#") || unpacked) {
      // ELF segments (kernel#N) would need their file offsets, a compressed kernel (gzip, gzip
      // uImage, EFI zboot) its decompressed bytes; the stub, MROM and DTB are QEMU's.
      generated.push(r);
      continue;
    }
    if (!withQemu) continue;
    const src = open(r.file);
    const hdr = r.role === "kernel" || r.role === "initrd" ? sniffHeader(r.file.head) : undefined;
    // A uImage's payload follows its 64-byte header (an -initrd uImage ramdisk too: see initrd-file.ts).
    const source =
      hdr?.format === "uimage" && (r.role === "kernel" || r.size === hdr.uimage?.size)
        ? sliceSource(src, 64n, r.size)
        : src;
    all.push({ addr: r.addr, size: r.size, source, name: r.name });
  }
  return { regions: all, user, generated };
}
