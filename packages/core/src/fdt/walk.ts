/**
 * One linear pass over a DTB's reservation map and structure block with an explicit stack (no
 * recursion), every read bounds-checked by {@link ByteReader}, reporting each token to a visitor
 * as offsets into the input. {@link decodeFdt} builds a tree from it; {@link dtbToDts} prints
 * straight from it without building one (a 40k-node tree would otherwise cost 100k+ objects).
 */
import { checkDisjoint, checkHeader, type FdtHeader } from "./check-header.js";
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

/** What a walk reports; every offset is into the walked `bytes`, every range checked. */
export interface FdtVisitor {
  reserve(address: bigint, size: bigint): void;
  /** A node begins: its name is bytes [nameStart, nameEnd); `depth` 0 is the root. */
  begin(nameStart: number, nameEnd: number, depth: number): void;
  /**
   * A property of the innermost open node: its name is bytes [nameStart, nameEnd) of the strings
   * block (`nameoff` identifies it: equal offsets, equal names), its value [valueStart, valueEnd).
   */
  prop(nameoff: number, nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void;
  /** The innermost open node ends (`depth` as at its `begin`). */
  end(depth: number): void;
}

/**
 * Walks a flattened device tree (versions 16 and 17; NOPs are skipped). Properties that follow
 * subnodes are accepted, as libfdt and dtc do. Bytes after FDT_END and between blocks are ignored.
 *
 * @returns the validated header
 * @throws FdtError TRUNCATED, BADMAGIC, BADVERSION, ALIGNMENT, BADLAYOUT, BADOFFSET, BADSTRUCTURE,
 *   TOODEEP; `offset` points into `bytes`. The visitor may have seen part of the blob by then.
 */
export function walkFdt(bytes: Uint8Array, v: FdtVisitor): FdtHeader {
  const h = checkHeader(bytes);
  const r = new ByteReader(bytes, h.totalsize);

  let p = h.offMemRsvmap;
  for (;;) {
    const address = r.u64(p, "a memory reservation entry");
    const size = r.u64(p + 8, "a memory reservation entry");
    p += RESERVE_ENTRY_SIZE;
    // The spec ends the map with 0/0, but libfdt (fdt_num_mem_rsv) and dtc stop at the first
    // size 0 whatever its address; so do we, or we would see entries they do not.
    if (size === 0n) break;
    v.reserve(address, size);
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

  const names = new NameEnds(r, h.offDtStrings, h.sizeDtStrings);
  const structEnd = h.sizeDtStruct !== undefined ? h.offDtStruct + h.sizeDtStruct : h.totalsize;
  // Names of the open nodes, for error messages only: offsets, not strings.
  const open: number[] = [];
  let closedRoot = false;
  p = h.offDtStruct;
  for (;;) {
    const at = p;
    const tag = r.u32(p, "a structure block token", structEnd);
    p += TAG_SIZE;
    if (tag === FDT_PROP) {
      const len = r.u32(p, "a property's length", structEnd);
      const nameoff = r.u32(p + 4, "a property's name offset", structEnd);
      const valueStart = p + PROP_HEADER_SIZE;
      r.check(valueStart, len, "a property's value", structEnd);
      if (open.length === 0) throw bad(at, "FDT_PROP outside any node");
      const nameEnd = names.end(nameoff, p + 4);
      v.prop(nameoff, h.offDtStrings + nameoff, nameEnd, valueStart, valueStart + len);
      p = alignUp(valueStart + len, TAG_SIZE);
    } else if (tag === FDT_BEGIN_NODE) {
      if (closedRoot) throw bad(at, "a second root node follows the first; only one tree per blob");
      const nul = r.nul(p, "a node name", structEnd);
      if (open.length === 0 && nul !== p) {
        throw bad(
          at,
          `the root node is named '${r.latin1(p, nul, "a node name")}'; it must have an empty name`,
        );
      }
      if (open.length >= FDT_MAX_DEPTH) {
        throw new FdtError(
          "TOODEEP",
          `nodes nest deeper than ${FDT_MAX_DEPTH} levels; the blob is corrupt or hostile`,
          at,
        );
      }
      v.begin(p, nul, open.length);
      open.push(p);
      p = alignUp(nul + 1, TAG_SIZE);
    } else if (tag === FDT_END_NODE) {
      if (open.pop() === undefined) throw bad(at, "FDT_END_NODE without a matching FDT_BEGIN_NODE");
      v.end(open.length);
      if (open.length === 0) closedRoot = true;
    } else if (tag === FDT_NOP) {
      // skipped, as libfdt skips it
    } else if (tag === FDT_END) {
      if (open.length > 0) {
        const name = open[open.length - 1]!;
        throw bad(
          at,
          `FDT_END inside node '${r.latin1(name, r.nul(name, "a node name", structEnd), "a node name")}': ${open.length} node(s) not closed`,
        );
      }
      if (!closedRoot) throw bad(at, "FDT_END before any node: the blob has no root node");
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
  return h;
}

function bad(offset: number, message: string): FdtError {
  return new FdtError("BADSTRUCTURE", message, offset);
}

/** Where each property name ends in the strings block; the NUL table is built on first use. */
class NameEnds {
  private nul: Int32Array | undefined;

  constructor(
    private readonly r: ByteReader,
    private readonly start: number,
    private readonly size: number,
  ) {}

  /** The absolute offset of the NUL ending the name at `nameoff`. */
  end(nameoff: number, fieldAt: number): number {
    if (nameoff >= this.size) {
      throw new FdtError(
        "BADOFFSET",
        `a property name offset ${hex(nameoff)} lies outside the ${hex(this.size)}-byte strings block`,
        fieldAt,
      );
    }
    this.nul ??= nulTable(this.r, this.start, this.start + this.size);
    const end = this.nul[nameoff] ?? -1;
    if (end < 0) {
      throw new FdtError(
        "TRUNCATED",
        "a property name runs to the end of the strings block without a NUL",
        this.start + nameoff,
      );
    }
    return this.start + end;
  }
}
