/**
 * /chosen merged into a base DTB. With QEMU's own DTB of the same machine as the base (from
 * `-machine dumpdtb=` without the guest-loader devices, `-append` and `-initrd`) the result is
 * the DTB QEMU builds from the full command line, except the random seeds (rng-seed, kaslr-seed),
 * which stay the base's.
 */
import { decodeFdt } from "../fdt/decode.js";
import { applyFdtEdits } from "../fdt/edit.js";
import { encodeFdt } from "../fdt/encode.js";
import type { Layout } from "../model/types.js";
import type { QemuProfile } from "../qemu/profiles.js";
import { domainEdits } from "../xen/domains.js";
import { applyChosen, type ChosenOptions } from "./chosen.js";

/** Options of {@link mergeDtb}. */
export interface MergeOptions extends ChosenOptions {
  /**
   * Total size of the result: a number of bytes, `"base"` to keep the base blob's `totalsize`
   * when the result fits in it (QEMU's DTBs are padded to 1 MiB), or undefined for no padding.
   */
  readonly padTo?: number | "base";
}

/**
 * Decode `base`, apply QEMU's /chosen edits for `layout` (see applyChosen), encode.
 *
 * @throws FdtError for a malformed base (its code and byte offset), NOSPACE when a numeric
 *   `padTo` is too small; DtbError qemu-refuses, size-unknown, module-exists
 */
export function mergeDtb(
  base: Uint8Array,
  layout: Layout,
  profile: QemuProfile,
  opts: MergeOptions = {},
): Uint8Array {
  // Xen dom0less domains go in too: only a fixed DTB can carry them (guest-loader cannot).
  const fdt = applyFdtEdits(applyChosen(decodeFdt(base), layout, profile, opts), domainEdits(layout));
  if (opts.padTo !== "base") return encodeFdt(fdt, opts.padTo === undefined ? {} : { padTo: opts.padTo });
  const merged = encodeFdt(fdt);
  // decodeFdt has checked the header, so totalsize is there and within the buffer.
  const totalsize = new DataView(base.buffer, base.byteOffset, base.byteLength).getUint32(4, false);
  return totalsize > merged.length ? encodeFdt(fdt, { padTo: totalsize }) : merged;
}
