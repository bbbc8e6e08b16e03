/**
 * Every failure of the FDT codec, lookups and edits is an {@link FdtError} with a code from
 * this set, modelled on libfdt's `FDT_ERR_*`.
 */

/**
 * - `TRUNCATED`    data runs past the end of the buffer, of `totalsize`, or of its block
 *                  (also: a header size that cannot hold the header). libfdt: FDT_ERR_TRUNCATED.
 * - `BADMAGIC`     the first word is not 0xd00dfeed: not a DTB. FDT_ERR_BADMAGIC.
 * - `BADVERSION`   version < 16 or last_comp_version > 17. FDT_ERR_BADVERSION.
 * - `ALIGNMENT`    the reservation map is not 8-byte or the structure block not 4-byte aligned.
 *                  FDT_ERR_ALIGNMENT.
 * - `BADLAYOUT`    two blocks (reservation map, structure, strings) overlap. FDT_ERR_BADLAYOUT.
 * - `BADOFFSET`    a property's name offset points outside the strings block. FDT_ERR_BADOFFSET.
 * - `BADSTRUCTURE` the token sequence is not a single well-formed tree: unknown token, END_NODE
 *                  without BEGIN_NODE, FDT_END inside a node, a property outside any node, a
 *                  second root, a root with a name. FDT_ERR_BADSTRUCTURE.
 * - `TOODEEP`      nodes nest deeper than FDT_MAX_DEPTH (guestmap's own; libfdt has no limit).
 * - `BADNAME`      a name the format cannot carry (a NUL byte, a character above U+00FF, a
 *                  named root) or, in edits, a node name containing '/'. FDT_ERR_BADNAME.
 * - `BADVALUE`     a number or property value of the wrong shape: not a u32/u64, a value whose
 *                  length is not a multiple of the cell size, a string without terminating NUL.
 *                  FDT_ERR_BADVALUE.
 * - `BADPATH`      a node path that is not absolute. FDT_ERR_BADPATH.
 * - `NOTFOUND`     the node or property named does not exist. FDT_ERR_NOTFOUND.
 * - `EXISTS`       the node to add already exists (libfdt's name match). FDT_ERR_EXISTS.
 * - `NOSPACE`      `padTo` is smaller than the encoded blob. FDT_ERR_NOSPACE.
 * - `INTERNAL`     a bug in guestmap: an unexpected exception inside the decoder.
 */
export type FdtErrorCode =
  | "TRUNCATED"
  | "BADMAGIC"
  | "BADVERSION"
  | "ALIGNMENT"
  | "BADLAYOUT"
  | "BADOFFSET"
  | "BADSTRUCTURE"
  | "TOODEEP"
  | "BADNAME"
  | "BADVALUE"
  | "BADPATH"
  | "NOTFOUND"
  | "EXISTS"
  | "NOSPACE"
  | "INTERNAL";

/** A failure of the FDT codec; `message` says what went wrong, where, and how to fix it. */
export class FdtError extends Error {
  override readonly name = "FdtError";
  /** What kind of failure; stable, switch on this rather than on the message. */
  readonly code: FdtErrorCode;
  /** Byte offset in the decoded input where the problem is; undefined for encode/edit errors. */
  readonly offset: number | undefined;

  constructor(code: FdtErrorCode, message: string, offset?: number) {
    super(
      offset === undefined
        ? `FDT_ERR_${code}: ${message}`
        : `FDT_ERR_${code} at byte ${hex(offset)}: ${message}`,
    );
    this.code = code;
    this.offset = offset;
  }
}

/** `0x` + lower-case hex, for messages. */
export function hex(n: number | bigint): string {
  return `0x${n.toString(16)}`;
}
