/**
 * DTB bytes → {@link Fdt}: one linear pass over the structure block with an explicit stack
 * (no recursion), every read bounds-checked by {@link ByteReader}.
 */
import { checkDisjoint, checkHeader } from "./check-header.js";
import { FdtError, hex } from "./errors.js";
import {
  alignUp,
  FDT_BEGIN_NODE,
  FDT_END,
  FDT_END_NODE,
  FDT_MAX_DEPTH,
  FDT_NOP,
  FDT_PROP,
  PROP_HEADER_SIZE,
  RESERVE_ENTRY_SIZE,
  TAG_SIZE,
} from "./format.js";
import { ByteReader, nulTable } from "./reader.js";
import type { Fdt, FdtNode, FdtProperty, FdtReserveEntry } from "./tree.js";

interface OpenNode {
  readonly name: string;
  readonly props: FdtProperty[];
  readonly children: FdtNode[];
}

/**
 * Decode a flattened device tree (versions 16 and 17; NOPs are skipped). Properties that follow
 * subnodes are accepted, as libfdt and dtc do, and kept with their node's other properties.
 * Bytes after FDT_END and between blocks are ignored.
 *
 * @throws FdtError — and nothing else — TRUNCATED, BADMAGIC, BADVERSION, ALIGNMENT,
 *   BADLAYOUT, BADOFFSET, BADSTRUCTURE, TOODEEP; `offset` points into `bytes`.
 */
export function decodeFdt(bytes: Uint8Array): Fdt {
  try {
    return decode(bytes);
  } catch (e) {
    if (e instanceof FdtError) throw e;
    throw new FdtError("INTERNAL", `unexpected ${String(e)}; please report this DTB`, 0);
  }
}

function decode(bytes: Uint8Array): Fdt {
  const h = checkHeader(bytes);
  const r = new ByteReader(bytes, h.totalsize);

  const memReserve: FdtReserveEntry[] = [];
  let p = h.offMemRsvmap;
  for (;;) {
    const address = r.u64(p, "a memory reservation entry");
    const size = r.u64(p + 8, "a memory reservation entry");
    p += RESERVE_ENTRY_SIZE;
    // The spec ends the map with 0/0, but libfdt (fdt_num_mem_rsv) and dtc stop at the first
    // size 0 whatever its address; so do we, or we would see entries they do not.
    if (size === 0n) break;
    memReserve.push({ address, size });
  }
  const rsvmapSize = p - h.offMemRsvmap;
  checkDisjoint(
    "memory reservation map",
    h.offMemRsvmap,
    rsvmapSize,
    "strings block",
    h.offDtStrings,
    h.sizeDtStrings,
  );
  if (h.sizeDtStruct !== undefined) {
    checkDisjoint(
      "memory reservation map",
      h.offMemRsvmap,
      rsvmapSize,
      "structure block",
      h.offDtStruct,
      h.sizeDtStruct,
    );
  }

  const names = new PropNames(r, h.offDtStrings, h.sizeDtStrings);
  const structEnd = h.sizeDtStruct !== undefined ? h.offDtStruct + h.sizeDtStruct : h.totalsize;
  const stack: OpenNode[] = [];
  let root: FdtNode | undefined;
  p = h.offDtStruct;
  for (;;) {
    const at = p;
    const tag = r.u32(p, "a structure block token", structEnd);
    p += TAG_SIZE;
    if (tag === FDT_NOP) continue;
    if (tag === FDT_BEGIN_NODE) {
      if (root !== undefined) throw bad(at, "a second root node follows the first; only one tree per blob");
      const nul = r.nul(p, "a node name", structEnd);
      const name = r.latin1(p, nul, "a node name");
      if (stack.length === 0 && name !== "")
        throw bad(at, `the root node is named '${name}'; it must have an empty name`);
      if (stack.length >= FDT_MAX_DEPTH) {
        throw new FdtError(
          "TOODEEP",
          `nodes nest deeper than ${FDT_MAX_DEPTH} levels; the blob is corrupt or hostile`,
          at,
        );
      }
      stack.push({ name, props: [], children: [] });
      p = alignUp(nul + 1, TAG_SIZE);
    } else if (tag === FDT_END_NODE) {
      const node = stack.pop();
      if (!node) throw bad(at, "FDT_END_NODE without a matching FDT_BEGIN_NODE");
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(node);
      else root = node;
    } else if (tag === FDT_PROP) {
      const len = r.u32(p, "a property's length", structEnd);
      const nameoff = r.u32(p + 4, "a property's name offset", structEnd);
      const value = r.copy(p + PROP_HEADER_SIZE, len, "a property's value", structEnd);
      const node = stack[stack.length - 1];
      if (!node) throw bad(at, "FDT_PROP outside any node");
      node.props.push({ name: names.get(nameoff, p + 4), value });
      p = alignUp(p + PROP_HEADER_SIZE + len, TAG_SIZE);
    } else if (tag === FDT_END) {
      if (stack.length > 0)
        throw bad(
          at,
          `FDT_END inside node '${stack[stack.length - 1]!.name}': ${stack.length} node(s) not closed`,
        );
      if (!root) throw bad(at, "FDT_END before any node: the blob has no root node");
      break;
    } else {
      throw bad(at, `unknown token ${hex(tag)} (expected 1, 2, 3, 4 or 9)`);
    }
  }
  if (h.sizeDtStruct === undefined) {
    const size = p - h.offDtStruct;
    checkDisjoint("structure block", h.offDtStruct, size, "strings block", h.offDtStrings, h.sizeDtStrings);
    checkDisjoint(
      "memory reservation map",
      h.offMemRsvmap,
      rsvmapSize,
      "structure block",
      h.offDtStruct,
      size,
    );
  }
  return { version: h.version, bootCpuId: h.bootCpuidPhys, memReserve, root: root! };
}

function bad(offset: number, message: string): FdtError {
  return new FdtError("BADSTRUCTURE", message, offset);
}

/** Property names by string-block offset, each converted once; suffix offsets share storage. */
class PropNames {
  private readonly cache = new Map<number, string>();
  private text: string | undefined;
  private nul: Int32Array | undefined;

  constructor(
    private readonly r: ByteReader,
    private readonly start: number,
    private readonly size: number,
  ) {}

  get(nameoff: number, fieldAt: number): string {
    const hit = this.cache.get(nameoff);
    if (hit !== undefined) return hit;
    if (nameoff >= this.size) {
      throw new FdtError(
        "BADOFFSET",
        `a property name offset ${hex(nameoff)} lies outside the ${hex(this.size)}-byte strings block`,
        fieldAt,
      );
    }
    if (this.text === undefined || this.nul === undefined) {
      this.text = this.r.latin1(this.start, this.start + this.size, "the strings block");
      this.nul = nulTable(this.r, this.start, this.start + this.size);
    }
    const end = this.nul[nameoff] ?? -1;
    if (end < 0) {
      throw new FdtError(
        "TRUNCATED",
        "a property name runs to the end of the strings block without a NUL",
        this.start + nameoff,
      );
    }
    const name = this.text.slice(nameoff, end);
    this.cache.set(nameoff, name);
    return name;
  }
}
