/**
 * {@link Fdt} → DTB bytes, laid out the way `dtc -O dtb` lays them out, so that a tree decoded
 * from a dtc-made blob re-encodes to the same bytes:
 *   header (0x28) | reservation map at 0x28 | structure block | strings block [| zero padding]
 * The strings block holds each property name once, in order of first use, and reuses the tail
 * of an earlier name when the new name is a suffix of it ("cells" inside "#address-cells"),
 * exactly as dtc's `stringtable_insert` does.
 *
 * QEMU's blobs (built by libfdt's sequential writer) put the map at 0x30 and order strings
 * differently; decoding them and re-encoding gives the same tree, not the same bytes.
 */
import { FdtError, hex } from "./errors.js";
import {
  alignUp,
  FDT_BEGIN_NODE,
  FDT_ENCODE_LAST_COMP_VERSION,
  FDT_ENCODE_VERSION,
  FDT_END,
  FDT_END_NODE,
  FDT_MAGIC,
  FDT_MAX_DEPTH,
  FDT_PROP,
  HDR_BOOT_CPUID_PHYS,
  HDR_LAST_COMP_VERSION,
  HDR_MAGIC,
  HDR_OFF_DT_STRINGS,
  HDR_OFF_DT_STRUCT,
  HDR_OFF_MEM_RSVMAP,
  HDR_SIZE_DT_STRINGS,
  HDR_SIZE_DT_STRUCT,
  HDR_TOTALSIZE,
  HDR_VERSION,
  HEADER_SIZE_V17,
  PROP_HEADER_SIZE,
  RESERVE_ENTRY_SIZE,
  RSVMAP_ALIGN,
  TAG_SIZE,
} from "./format.js";
import type { Fdt, FdtNode } from "./tree.js";

/** Options of {@link encodeFdt}. */
export interface EncodeOptions {
  /**
   * Make the blob exactly this many bytes (header `totalsize` included), zero-filled after the
   * strings block — what QEMU does for its generated DTB (0x100000) so the guest can grow it.
   */
  readonly padTo?: number;
}

const U64_MAX = (1n << 64n) - 1n;
/** Suffixes up to this length are indexed; longer names fall back to a scan of long names. */
const SUFFIX_INDEX_MAX = 64;

/**
 * Encode a tree as a version 17 DTB (last_comp_version 16). Pure: `fdt` is not modified.
 *
 * @throws FdtError BADNAME (a NUL or a char above U+00FF in a name, a named root),
 *   BADVALUE (boot cpu not a u32, a reservation not u64 or of size 0),
 *   TOODEEP (deeper than FDT_MAX_DEPTH), NOSPACE (`padTo` smaller than the blob)
 */
export function encodeFdt(fdt: Fdt, opts: EncodeOptions = {}): Uint8Array {
  return encodeFdtWith(fdt, undefined, opts);
}

/**
 * More children of one node, made one at a time while encoding, after the node's own: a tree of
 * 100k module nodes held ~100 MiB to encode a 10 MB DTB, while a node made, measured and dropped
 * is young garbage.
 */
export interface ChildSource {
  /** The node (by identity, in the tree encoded) that gets the children, after its own. */
  readonly parent: FdtNode;
  readonly count: number;
  /** Child `i`; called twice per child (measure, then write), and must give the same node. */
  node(i: number): FdtNode;
}

/**
 * {@link encodeFdt} with `more` children made on demand: the same bytes as encoding the tree with
 * them in `more.parent`'s children.
 */
export function encodeFdtWith(fdt: Fdt, more: ChildSource | undefined, opts: EncodeOptions = {}): Uint8Array {
  if (!Number.isInteger(fdt.bootCpuId) || fdt.bootCpuId < 0 || fdt.bootCpuId > 0xffffffff) {
    throw new FdtError("BADVALUE", `bootCpuId ${fdt.bootCpuId} is not a u32`);
  }
  fdt.memReserve.forEach((e, i) => {
    if (e.address < 0n || e.address > U64_MAX || e.size < 0n || e.size > U64_MAX) {
      throw new FdtError(
        "BADVALUE",
        `memReserve[${i}] (${hex(e.address)}, ${hex(e.size)}) is not a pair of u64`,
      );
    }
    if (e.size === 0n) {
      throw new FdtError(
        "BADVALUE",
        `memReserve[${i}] has size 0, which libfdt and dtc read as the end of the map; remove the entry`,
      );
    }
  });
  if (fdt.root.name !== "")
    throw new FdtError("BADNAME", `the root node is named '${fdt.root.name}'; it must be ""`);

  // Pass 1: sizes and the strings block, in the order pass 2 will need the name offsets.
  const strings = new StringTable();
  const nameoffs: number[] = [];
  const structSize = measure(fdt.root, 1, strings, nameoffs, more) + TAG_SIZE;

  const offMemRsvmap = alignUp(HEADER_SIZE_V17, RSVMAP_ALIGN);
  const offDtStruct = offMemRsvmap + (fdt.memReserve.length + 1) * RESERVE_ENTRY_SIZE;
  const offDtStrings = offDtStruct + structSize;
  const used = offDtStrings + strings.size;
  const totalsize = opts.padTo ?? used;
  if (!Number.isInteger(totalsize) || totalsize < used) {
    throw new FdtError(
      "NOSPACE",
      `padTo ${opts.padTo} is smaller than the ${hex(used)} bytes the tree needs; pad to more`,
    );
  }
  if (totalsize > 0xffffffff)
    throw new FdtError("NOSPACE", `a ${hex(totalsize)}-byte blob exceeds the 4 GiB format limit`);

  const out = new Uint8Array(totalsize);
  const view = new DataView(out.buffer);
  view.setUint32(HDR_MAGIC, FDT_MAGIC);
  view.setUint32(HDR_TOTALSIZE, totalsize);
  view.setUint32(HDR_OFF_DT_STRUCT, offDtStruct);
  view.setUint32(HDR_OFF_DT_STRINGS, offDtStrings);
  view.setUint32(HDR_OFF_MEM_RSVMAP, offMemRsvmap);
  view.setUint32(HDR_VERSION, FDT_ENCODE_VERSION);
  view.setUint32(HDR_LAST_COMP_VERSION, FDT_ENCODE_LAST_COMP_VERSION);
  view.setUint32(HDR_BOOT_CPUID_PHYS, fdt.bootCpuId);
  view.setUint32(HDR_SIZE_DT_STRINGS, strings.size);
  view.setUint32(HDR_SIZE_DT_STRUCT, structSize);

  let p = offMemRsvmap;
  for (const e of fdt.memReserve) {
    view.setBigUint64(p, e.address);
    view.setBigUint64(p + 8, e.size);
    p += RESERVE_ENTRY_SIZE;
  }
  // The 0/0 terminator is already zero.

  const w = { out, view, p: offDtStruct, nameoffs, next: 0, more };
  writeNode(w, fdt.root);
  view.setUint32(w.p, FDT_END);
  writeLatin1(out, offDtStrings, strings.text());
  return out;
}

function measure(
  node: FdtNode,
  depth: number,
  strings: StringTable,
  nameoffs: number[],
  more: ChildSource | undefined,
): number {
  if (depth > FDT_MAX_DEPTH) throw new FdtError("TOODEEP", `nodes nest deeper than ${FDT_MAX_DEPTH} levels`);
  checkName(node.name, "node");
  let size = TAG_SIZE + alignUp(node.name.length + 1, TAG_SIZE) + TAG_SIZE;
  for (const prop of node.props) {
    checkName(prop.name, "property");
    nameoffs.push(strings.add(prop.name));
    size += TAG_SIZE + PROP_HEADER_SIZE + alignUp(prop.value.length, TAG_SIZE);
  }
  for (const child of node.children) size += measure(child, depth + 1, strings, nameoffs, more);
  if (more?.parent === node)
    for (let i = 0; i < more.count; i++) size += measure(more.node(i), depth + 1, strings, nameoffs, more);
  return size;
}

function checkName(name: string, kind: string): void {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0 || c > 0xff) {
      throw new FdtError(
        "BADNAME",
        `${kind} name '${name}' has ${c === 0 ? "a NUL" : `U+${c.toString(16).padStart(4, "0")}`} at index ${i}; DTB names are bytes 1–255 (ASCII in practice)`,
      );
    }
  }
}

interface Writer {
  readonly out: Uint8Array;
  readonly view: DataView;
  p: number;
  readonly nameoffs: readonly number[];
  next: number;
  readonly more: ChildSource | undefined;
}

function writeNode(w: Writer, node: FdtNode): void {
  w.view.setUint32(w.p, FDT_BEGIN_NODE);
  writeLatin1(w.out, w.p + TAG_SIZE, node.name);
  w.p += TAG_SIZE + alignUp(node.name.length + 1, TAG_SIZE);
  for (const prop of node.props) {
    w.view.setUint32(w.p, FDT_PROP);
    w.view.setUint32(w.p + 4, prop.value.length);
    w.view.setUint32(w.p + 8, w.nameoffs[w.next++]!);
    w.out.set(prop.value, w.p + TAG_SIZE + PROP_HEADER_SIZE);
    w.p += TAG_SIZE + PROP_HEADER_SIZE + alignUp(prop.value.length, TAG_SIZE);
  }
  for (const child of node.children) writeNode(w, child);
  const more = w.more;
  if (more?.parent === node) for (let i = 0; i < more.count; i++) writeNode(w, more.node(i));
  w.view.setUint32(w.p, FDT_END_NODE);
  w.p += TAG_SIZE;
}

/** Names were checked to be U+0001–U+00FF; the byte after each stays zero as its NUL. */
function writeLatin1(out: Uint8Array, at: number, s: string): void {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
}

/** dtc's strings block: append-only, a name reuses the first earlier string it is a suffix of. */
class StringTable {
  private readonly index = new Map<string, number>();
  private readonly long: { s: string; off: number }[] = [];
  private readonly parts: string[] = [];
  size = 0;

  add(s: string): number {
    let off = this.index.get(s);
    if (s.length > SUFFIX_INDEX_MAX) {
      for (const l of this.long) {
        const cand = l.off + l.s.length - s.length;
        if ((off === undefined || cand < off) && l.s.endsWith(s)) off = cand;
      }
    }
    if (off !== undefined) return off;
    off = this.size;
    this.parts.push(s, "\0");
    this.size += s.length + 1;
    for (let k = Math.max(0, s.length - SUFFIX_INDEX_MAX); k <= s.length; k++) {
      const suffix = s.slice(k);
      if (!this.index.has(suffix)) this.index.set(suffix, off + k);
    }
    if (s.length > SUFFIX_INDEX_MAX) {
      this.index.set(s, off);
      this.long.push({ s, off });
    }
    return off;
  }

  text(): string {
    return this.parts.join("");
  }
}
