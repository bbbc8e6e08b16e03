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
 *
 * Like dtc, the printer writes bytes: names go out byte for byte. {@link dtbToDts} prints straight
 * from the blob (no tree, no strings: one output buffer), {@link printDts} from a decoded tree;
 * both go through the one {@link DtsWriter}.
 */
import { decodeFdt } from "./decode.js";
import { FdtError } from "./errors.js";
import { FDT_MAX_DEPTH } from "./format.js";
import type { Fdt, FdtNode } from "./tree.js";
import { walkFdt } from "./walk.js";

/**
 * The tree as DTS source text, exactly as `dtc -I dtb -O dts` (1.6.1) prints the same blob.
 * Names are emitted one char per byte (see tree.ts).
 *
 * @throws FdtError TOODEEP for a tree nested deeper than FDT_MAX_DEPTH
 */
export function printDts(fdt: Fdt): string {
  const w = new DtsWriter(4096);
  for (const e of fdt.memReserve) w.reserve(e.address, e.size);
  printNode(w, fdt.root, 0);
  return w.latin1();
}

/**
 * A DTB as DTS text bytes, exactly as `dtc -I dtb -O dts` (1.6.1) prints it, without decoding
 * it into a tree first: the same checks as {@link decodeFdt}, a fraction of the time and memory.
 *
 * @throws FdtError as decodeFdt
 */
export function dtbToDts(bytes: Uint8Array): Uint8Array {
  try {
    return print(bytes);
  } catch (e) {
    if (e instanceof FdtError) throw e;
    throw new FdtError("INTERNAL", `unexpected ${String(e)}; please report this DTB`, 0);
  }
}

function print(bytes: Uint8Array): Uint8Array {
  // DTS text is about 1.5× the blob; start there and grow by doubling.
  const w = new DtsWriter(Math.max(4096, Math.ceil(bytes.length * 1.6)));
  // hasChild[d]: the open node at depth d has printed a subnode. A property after a subnode
  // (legal, rare) is printed by dtc among its node's other properties, which a one-pass printer
  // cannot do: such a blob takes the tree path.
  const hasChild = new Uint8Array(FDT_MAX_DEPTH + 1);
  let depth = -1;
  let propAfterNode = false;
  walkFdt(bytes, {
    reserve: (address, size) => w.reserve(address, size),
    begin: (start, end, d) => {
      if (d > 0) hasChild[d - 1] = 1;
      hasChild[d] = 0;
      depth = d;
      w.begin(bytes, start, end, d);
    },
    prop: (_nameoff, nameStart, nameEnd, valueStart, valueEnd) => {
      if (hasChild[depth]) propAfterNode = true;
      else w.prop(bytes, nameStart, nameEnd, bytes, valueStart, valueEnd);
    },
    end: (d) => {
      depth = d - 1;
      w.end(d);
    },
  });
  if (propAfterNode) return latin1Bytes(printDts(decodeFdt(bytes)));
  return w.bytes();
}

/** One property's value as dtc prints it after `name`: ` = <...>;` or `;` when empty. */
export function formatPropValue(value: Uint8Array): string {
  const w = new DtsWriter(value.length * 3 + 16, false);
  w.value(value, 0, value.length);
  return w.latin1();
}

function printNode(w: DtsWriter, node: FdtNode, level: number): void {
  if (level >= FDT_MAX_DEPTH) throw new FdtError("TOODEEP", `nodes nest deeper than ${FDT_MAX_DEPTH} levels`);
  const name = latin1Bytes(node.name);
  w.begin(name, 0, name.length, level);
  for (const prop of node.props) {
    const n = latin1Bytes(prop.name);
    w.prop(n, 0, n.length, prop.value, 0, prop.value.length);
  }
  for (const child of node.children) printNode(w, child, level + 1);
  w.end(level);
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const TAB = 0x09;
const NL = 0x0a;
const SP = 0x20;
const HEX = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/**
 * Per byte of a string value: 0 = not a string byte, 1 = itself, else the escape letter written
 * after a backslash. dtc's `isstring`: printable, NUL, or one of \a \b \t \n \v \f \r (7–13).
 */
const STRING_BYTE = (() => {
  const t = new Uint8Array(256);
  for (let c = 0x20; c <= 0x7e; c++) t[c] = 1;
  const esc: [number, string][] = [
    [7, "a"],
    [8, "b"],
    [9, "t"],
    [10, "n"],
    [11, "v"],
    [12, "f"],
    [13, "r"],
    [92, "\\"],
    [34, '"'],
    [0, "0"],
  ];
  for (const [c, e] of esc) t[c] = e.charCodeAt(0);
  return t;
})();

/** Appends DTS text to one growing byte buffer, tracking the open nodes' indentation. */
class DtsWriter {
  private buf: Uint8Array;
  private n = 0;
  /** Depth of the innermost open node (-1: none). */
  private level = -1;

  constructor(capacity: number, header = true) {
    this.buf = new Uint8Array(capacity);
    if (header) this.ascii("/dts-v1/;\n\n");
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }

  latin1(): string {
    const parts: string[] = [];
    for (let p = 0; p < this.n; p += 0x2000) {
      parts.push(
        String.fromCharCode.apply(
          null,
          this.buf.subarray(p, Math.min(this.n, p + 0x2000)) as unknown as number[],
        ),
      );
    }
    return parts.join("");
  }

  reserve(address: bigint, size: bigint): void {
    this.ascii(
      `/memreserve/\t0x${address.toString(16).padStart(16, "0")} 0x${size.toString(16).padStart(16, "0")};\n`,
    );
  }

  begin(src: Uint8Array, start: number, end: number, depth: number): void {
    // dtc separates a node from whatever precedes it in its parent with a blank line.
    if (depth > 0) this.need(1)[this.n++] = NL;
    const b = this.need(depth + (end - start) + 3);
    let n = this.n;
    for (let i = 0; i < depth; i++) b[n++] = TAB;
    if (start === end)
      b[n++] = 0x2f; // the root prints as "/"
    else for (let i = start; i < end; i++) b[n++] = src[i]!;
    b[n++] = SP;
    b[n++] = 0x7b; // {
    b[n++] = NL;
    this.n = n;
    this.level = depth;
  }

  end(depth: number): void {
    const b = this.need(depth + 3);
    let n = this.n;
    for (let i = 0; i < depth; i++) b[n++] = TAB;
    b[n++] = 0x7d; // }
    b[n++] = 0x3b; // ;
    b[n++] = NL;
    this.n = n;
    this.level = depth - 1;
  }

  /** A property line of the innermost open node. */
  prop(
    names: Uint8Array,
    nameStart: number,
    nameEnd: number,
    src: Uint8Array,
    start: number,
    end: number,
  ): void {
    const depth = this.level + 1;
    const b = this.need(depth + (nameEnd - nameStart));
    let n = this.n;
    for (let i = 0; i < depth; i++) b[n++] = TAB;
    for (let i = nameStart; i < nameEnd; i++) b[n++] = names[i]!;
    this.n = n;
    this.value(src, start, end);
    this.need(1)[this.n++] = NL;
  }

  /** ` = <...>;`, ` = "...";`, ` = [...];` or `;`. */
  value(src: Uint8Array, start: number, end: number): void {
    const len = end - start;
    if (len === 0) {
      this.need(1)[this.n++] = 0x3b;
      return;
    }
    // The widest form: bytes, 3 output bytes per input byte, plus ` = [` and `];`.
    const b = this.need(3 * len + 8);
    let n = this.n;
    b[n++] = SP;
    b[n++] = 0x3d; // =
    b[n++] = SP;
    let nul = 0;
    let string = src[end - 1] === 0;
    for (let i = start; string && i < end; i++) {
      const c = src[i]!;
      if (c === 0) nul++;
      else if (STRING_BYTE[c] === 0) string = false;
    }
    if (string && nul <= len - nul) {
      b[n++] = 0x22; // "
      for (let i = start; i < end - 1; i++) {
        const c = src[i]!;
        const t = STRING_BYTE[c]!;
        if (t === 1) b[n++] = c;
        else {
          b[n++] = 0x5c; // backslash
          b[n++] = t;
        }
      }
      b[n++] = 0x22;
    } else if (len % 4 === 0) {
      b[n++] = 0x3c; // <
      for (let i = start; i < end; i += 4) {
        if (i > start) b[n++] = SP;
        const w = ((src[i]! << 24) | (src[i + 1]! << 16) | (src[i + 2]! << 8) | src[i + 3]!) >>> 0;
        b[n++] = 0x30; // 0
        b[n++] = 0x78; // x
        // `%02x`: no leading zeros beyond two digits.
        let shift = 28;
        while (shift > 4 && w >>> shift === 0) shift -= 4;
        for (; shift >= 0; shift -= 4) b[n++] = HEX[(w >>> shift) & 0xf]!;
      }
      b[n++] = 0x3e; // >
    } else {
      b[n++] = 0x5b; // [
      for (let i = start; i < end; i++) {
        if (i > start) b[n++] = SP;
        const c = src[i]!;
        b[n++] = HEX[c >>> 4]!;
        b[n++] = HEX[c & 0xf]!;
      }
      b[n++] = 0x5d; // ]
    }
    b[n++] = 0x3b; // ;
    this.n = n;
  }

  private ascii(s: string): void {
    const b = this.need(s.length);
    for (let i = 0; i < s.length; i++) b[this.n++] = s.charCodeAt(i);
  }

  /** The buffer, with room for `k` more bytes. */
  private need(k: number): Uint8Array {
    if (this.n + k > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
      grown.set(this.buf.subarray(0, this.n));
      this.buf = grown;
    }
    return this.buf;
  }
}
