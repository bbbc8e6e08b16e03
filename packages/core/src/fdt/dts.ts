/**
 * DTS printing, byte-identical to `dtc -I dtb -O dts` of dtc 1.6.1 (Debian 12), whose
 * treesource.c guesses each value's type from its bytes alone:
 *   - a string if it ends in NUL, every byte is printable ASCII, NUL or one of \a\b\t\n\v\f\r,
 *     and NULs are no more than half the bytes — printed as ONE string with `\0` separators
 *     (1.6.1 prints `"a\0b"`; dtc ≥ 1.7 prints `"a", "b"`);
 *   - else 32-bit cells `<0x..>` (`%02x`, so zero is `0x00`) if the length is a multiple of 4;
 *   - else bytes `[0a 0b]`.
 * A DTB carries no labels or phandle references, so dtc prints `phandle = <0x8001>;` and
 * `interrupt-parent = <0x8001>;` as plain cells; so do we.
 */
import { FdtError } from "./errors.js";
import { FDT_MAX_DEPTH } from "./format.js";
import type { Fdt, FdtNode } from "./tree.js";

/**
 * The tree as DTS source text, exactly as `dtc -I dtb -O dts` (1.6.1) prints the same blob.
 * Names are emitted one char per byte (see tree.ts).
 *
 * @throws FdtError TOODEEP for a tree nested deeper than FDT_MAX_DEPTH
 */
export function printDts(fdt: Fdt): string {
  const out: string[] = ["/dts-v1/;\n\n"];
  for (const e of fdt.memReserve) out.push(`/memreserve/\t0x${hex16(e.address)} 0x${hex16(e.size)};\n`);
  printNode(out, fdt.root, 0);
  return out.join("");
}

/** One property's value as dtc prints it after `name`: ` = <...>;` or `;` when empty. */
export function formatPropValue(value: Uint8Array): string {
  if (value.length === 0) return ";";
  switch (guessType(value)) {
    case "string":
      return ` = ${quote(value)};`;
    case "cells":
      return ` = <${cells(value)}>;`;
    default:
      return ` = [${bytes(value)}];`;
  }
}

function printNode(out: string[], node: FdtNode, level: number): void {
  if (level >= FDT_MAX_DEPTH) throw new FdtError("TOODEEP", `nodes nest deeper than ${FDT_MAX_DEPTH} levels`);
  const indent = "\t".repeat(level);
  out.push(`${indent}${node.name === "" ? "/" : node.name} {\n`);
  for (const prop of node.props) out.push(`${indent}\t${prop.name}${formatPropValue(prop.value)}\n`);
  for (const child of node.children) {
    out.push("\n");
    printNode(out, child, level + 1);
  }
  out.push(`${indent}};\n`);
}

/** C `isprint` in the C locale. */
function isPrint(c: number): boolean {
  return c >= 0x20 && c <= 0x7e;
}

/** dtc's `isstring`: printable, NUL, or one of \a \b \t \n \v \f \r (7–13). */
function isStringByte(c: number): boolean {
  return isPrint(c) || c === 0 || (c >= 7 && c <= 13);
}

function guessType(v: Uint8Array): "string" | "cells" | "bytes" {
  let nul = 0;
  let notString = 0;
  for (const c of v) {
    if (c === 0) nul++;
    if (!isStringByte(c)) notString++;
  }
  if (v[v.length - 1] === 0 && notString === 0 && nul <= v.length - nul) return "string";
  return v.length % 4 === 0 ? "cells" : "bytes";
}

const ESCAPES: Record<number, string> = {
  7: "\\a",
  8: "\\b",
  9: "\\t",
  10: "\\n",
  11: "\\v",
  12: "\\f",
  13: "\\r",
  92: "\\\\",
  34: '\\"',
  0: "\\0",
};

function quote(v: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < v.length - 1; i++) {
    const c = v[i]!;
    // guessType admits only printable bytes and the escapes, so no \x.. case arises.
    s += ESCAPES[c] ?? String.fromCharCode(c);
  }
  return `${s}"`;
}

function cells(v: Uint8Array): string {
  const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
  const parts: string[] = [];
  for (let i = 0; i < v.length; i += 4)
    parts.push(`0x${view.getUint32(i, false).toString(16).padStart(2, "0")}`);
  return parts.join(" ");
}

function bytes(v: Uint8Array): string {
  const parts: string[] = [];
  for (const c of v) parts.push(c.toString(16).padStart(2, "0"));
  return parts.join(" ");
}

function hex16(n: bigint): string {
  return n.toString(16).padStart(16, "0");
}
