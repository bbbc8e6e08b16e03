/**
 * The blobs a user places — guest-loader modules and `-device loader` blobs — with what placing
 * them needs: size, run-time footprint, alignment. Every operation that moves blobs (quick fixes,
 * fix all, pack, rebase) starts here.
 */
import { type BlobHeader, sniffHeader } from "../headers/sniff.js";
import type { Arch, Layout } from "../model/types.js";
import { moduleFile, moduleKind } from "../model/types.js";
import { alignmentRule } from "../rules/alignment.js";

const KiB = 1n << 10n;

/** A blob the user can move. */
export interface MovableBlob {
  /** The module or loader id (`Region.id`). */
  readonly id: string;
  /** The file name, as messages name the blob. */
  readonly name: string;
  readonly kind: "kernel" | "initrd" | "loader";
  readonly addr: bigint;
  /** Bytes QEMU loads. */
  readonly size: bigint;
  /** Bytes it occupies once running (a kernel's image_size covers its BSS). */
  readonly footprint: bigint;
  /** The address must be ≡ `offset` (mod `align`); `align` is a power of two ≥ 4 KiB. */
  readonly align: bigint;
  readonly offset: bigint;
}

/** A blob that cannot be placed, and why (QEMU rejects the stanza, or its size is unknown). */
export interface UnplaceableBlob {
  readonly id: string;
  readonly name: string;
  readonly reason: string;
}

export interface AlignOptions {
  /**
   * A minimum alignment (power of two), for every blob or per id, on top of the boot protocol's:
   * e.g. 2 MiB for a hypervisor that maps modules with 2 MiB pages.
   */
  readonly minAlign?: bigint | Readonly<Record<string, bigint>>;
}

function isPowerOfTwo(v: bigint): boolean {
  return v > 0n && (v & (v - 1n)) === 0n;
}

/** The alignment a blob of this kind and header needs on `arch`: at least a 4 KiB page. */
export function blobAlignment(
  arch: Arch,
  kind: MovableBlob["kind"],
  hdr: BlobHeader | undefined,
): { align: bigint; offset: bigint } {
  // A loader carrying a kernel Image (the -dtb + loader form of a guest-loader layout) needs the
  // kernel's alignment; any other loader blob is placed on pages.
  const asKind = kind === "loader" ? (hdr?.isKernel ? "kernel" : undefined) : kind;
  if (!asKind) return { align: 4n * KiB, offset: 0n };
  const rule = alignmentRule(arch, asKind, hdr);
  return { align: rule.align > 4n * KiB ? rule.align : 4n * KiB, offset: rule.offset };
}

/** Bytes a blob occupies once running: an initrd its size, a kernel up to its header's image_size (BSS). */
export function blobFootprint(kind: MovableBlob["kind"], size: bigint, hdr: BlobHeader | undefined): bigint {
  return kind !== "initrd" && hdr?.imageSize && hdr.imageSize > size ? hdr.imageSize : size;
}

/**
 * Every movable blob of the layout (modules, then loaders, in command-line order), and the ones
 * that cannot be placed. `minAlign` values that are not powers of two are ignored.
 */
export function movableBlobs(
  layout: Layout,
  opts: AlignOptions = {},
): { blobs: MovableBlob[]; unplaceable: UnplaceableBlob[] } {
  const arch = layout.machine.arch;
  const blobs: MovableBlob[] = [];
  const unplaceable: UnplaceableBlob[] = [];
  const minFor = (id: string): bigint => {
    const m = opts.minAlign;
    const v = typeof m === "bigint" ? m : m?.[id];
    return v !== undefined && isPowerOfTwo(v) ? v : 0n;
  };
  const push = (
    id: string,
    name: string,
    kind: MovableBlob["kind"],
    addr: bigint,
    size: bigint,
    hdr?: BlobHeader,
  ) => {
    const a = blobAlignment(arch, kind, hdr);
    const min = minFor(id);
    blobs.push({
      id,
      name,
      kind,
      addr,
      size,
      footprint: blobFootprint(kind, size, hdr),
      align: min > a.align ? min : a.align,
      offset: a.offset,
    });
  };
  for (const m of layout.modules) {
    const file = moduleFile(m);
    const name = file?.path ?? m.id;
    if (!file) unplaceable.push({ id: m.id, name, reason: "it loads no file (QEMU refuses the stanza)" });
    else if (m.kernel && m.initrd)
      unplaceable.push({
        id: m.id,
        name,
        reason: "it has both kernel= and initrd= (QEMU refuses the stanza)",
      });
    else if (file.size === undefined)
      unplaceable.push({ id: m.id, name, reason: "its size is not known: open the file or type its size" });
    else {
      const kind = moduleKind(m)!;
      push(m.id, name, kind, m.addr, file.size, kind === "kernel" ? sniffHeader(file.head) : undefined);
    }
  }
  for (const l of layout.loaders) {
    const hdr = sniffHeader(l.file.head);
    if (!l.forceRaw && (hdr.format === "elf" || hdr.format === "uimage"))
      unplaceable.push({
        id: l.id,
        name: l.file.path,
        reason: `QEMU loads this ${hdr.format === "elf" ? "ELF" : "uImage"} at the addresses in its own header (addr= only sets the PC); rebuild it for another address, or add force-raw=on`,
      });
    else if (l.file.size === undefined)
      unplaceable.push({
        id: l.id,
        name: l.file.path,
        reason: "its size is not known: open the file or type its size",
      });
    else push(l.id, l.file.path, "loader", l.addr, l.file.size, hdr);
  }
  return { blobs, unplaceable };
}

/** The layout with these blobs at these addresses (ids of modules or loaders). */
export function withAddresses(layout: Layout, addrs: ReadonlyMap<string, bigint>): Layout {
  if (addrs.size === 0) return layout;
  return {
    ...layout,
    modules: layout.modules.map((m) => (addrs.has(m.id) ? { ...m, addr: addrs.get(m.id)! } : m)),
    loaders: layout.loaders.map((l) => (addrs.has(l.id) ? { ...l, addr: addrs.get(l.id)! } : l)),
  };
}
