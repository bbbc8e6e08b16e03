/**
 * Property values: small pure builders and readers for the encodings the devicetree
 * specification defines (big-endian cells, NUL-terminated strings, string lists).
 * String contents are UTF-8; DTBs in the wild are ASCII.
 */
import { decodeUtf8Strict, encodeUtf8 } from "../util/text.js";
import { FdtError } from "./errors.js";

const U32_MAX = 0xffffffff;
const U64_MAX = (1n << 64n) - 1n;

/** An empty value: a boolean property such as `dma-coherent;`. */
export function emptyValue(): Uint8Array {
  return new Uint8Array(0);
}

/**
 * `<a b c>`: 32-bit big-endian cells.
 *
 * @throws FdtError BADVALUE for a value that is not an integer in [0, 2^32)
 */
export function u32Value(...cells: readonly number[]): Uint8Array {
  const out = new Uint8Array(cells.length * 4);
  const view = new DataView(out.buffer);
  cells.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0 || c > U32_MAX) {
      throw new FdtError("BADVALUE", `cell ${i} is ${c}, not a u32 (an integer from 0 to 0xffffffff)`);
    }
    view.setUint32(i * 4, c, false);
  });
  return out;
}

/**
 * `/bits/ 64 <a b>`, i.e. each value as two 32-bit cells, high first — the layout of `reg` with
 * #address-cells = #size-cells = 2.
 *
 * @throws FdtError BADVALUE for a value outside [0, 2^64)
 */
export function u64Value(...values: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(values.length * 8);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (v < 0n || v > U64_MAX) throw new FdtError("BADVALUE", `value ${i} (${v}) is not a u64`);
    view.setBigUint64(i * 8, v, false);
  });
  return out;
}

/**
 * Values as `cellsEach` 32-bit cells apiece (for `reg`/`ranges` under #address-cells and
 * #size-cells of 1 or 2, …).
 *
 * @throws FdtError BADVALUE if a value does not fit in `cellsEach` cells
 */
export function cellsValue(cellsEach: number, ...values: readonly bigint[]): Uint8Array {
  if (!Number.isInteger(cellsEach) || cellsEach < 1 || cellsEach > 4) {
    throw new FdtError("BADVALUE", `cellsEach is ${cellsEach}; use 1 to 4`);
  }
  const width = 4 * cellsEach;
  const out = new Uint8Array(values.length * width);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => {
    if (v < 0n || v >= 1n << BigInt(32 * cellsEach)) {
      throw new FdtError("BADVALUE", `value ${i} (0x${v.toString(16)}) does not fit in ${cellsEach} cell(s)`);
    }
    for (let c = 0; c < cellsEach; c++) {
      view.setUint32(i * width + c * 4, Number((v >> BigInt(32 * (cellsEach - 1 - c))) & 0xffffffffn), false);
    }
  });
  return out;
}

/**
 * `"text"`: UTF-8 plus a terminating NUL.
 *
 * @throws FdtError BADVALUE if `s` contains a NUL (it would end the string early)
 */
export function stringValue(s: string): Uint8Array {
  return stringListValue([s]);
}

/**
 * `"a", "b"`: each string NUL-terminated, concatenated (e.g. `compatible`).
 *
 * @throws FdtError BADVALUE if a string contains a NUL
 */
export function stringListValue(list: readonly string[]): Uint8Array {
  const parts = list.map((s, i) => {
    if (s.includes("\0"))
      throw new FdtError("BADVALUE", `string ${i} contains a NUL character; split it into a list`);
    return encodeUtf8(s);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length + 1;
  }
  return out;
}

/**
 * A value of 32-bit cells as numbers.
 *
 * @throws FdtError BADVALUE if the length is not a multiple of 4
 */
export function readU32s(value: Uint8Array): number[] {
  if (value.length % 4 !== 0)
    throw new FdtError("BADVALUE", `value of ${value.length} bytes is not a list of 32-bit cells`);
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const out: number[] = [];
  for (let i = 0; i < value.length; i += 4) out.push(view.getUint32(i, false));
  return out;
}

/** A single-cell value (`#address-cells`, `phandle`, …). @throws FdtError BADVALUE unless 4 bytes */
export function readU32(value: Uint8Array): number {
  if (value.length !== 4)
    throw new FdtError("BADVALUE", `value of ${value.length} bytes is not one 32-bit cell`);
  return new DataView(value.buffer, value.byteOffset, 4).getUint32(0, false);
}

/** A value of 64-bit numbers. @throws FdtError BADVALUE if the length is not a multiple of 8 */
export function readU64s(value: Uint8Array): bigint[] {
  return readCells(value, 2);
}

/**
 * A value of numbers `cellsEach` cells wide (e.g. `reg` with #address-cells/#size-cells).
 *
 * @throws FdtError BADVALUE if the length is not a multiple of 4 × cellsEach
 */
export function readCells(value: Uint8Array, cellsEach: number): bigint[] {
  const width = 4 * cellsEach;
  if (!Number.isInteger(cellsEach) || cellsEach < 1 || value.length % width !== 0) {
    throw new FdtError(
      "BADVALUE",
      `value of ${value.length} bytes is not a list of ${cellsEach}-cell numbers`,
    );
  }
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const out: bigint[] = [];
  for (let i = 0; i < value.length; i += width) {
    let v = 0n;
    for (let c = 0; c < width; c += 4) v = (v << 32n) | BigInt(view.getUint32(i + c, false));
    out.push(v);
  }
  return out;
}

/**
 * A string list (also a single string: a list of one).
 *
 * @throws FdtError BADVALUE if the value is empty, lacks the final NUL or is not UTF-8
 */
export function readStringList(value: Uint8Array): string[] {
  if (value.length === 0 || value[value.length - 1] !== 0) {
    throw new FdtError("BADVALUE", "value is not a NUL-terminated string list");
  }
  const text = decodeUtf8Strict(value.subarray(0, value.length - 1));
  if (text === undefined) throw new FdtError("BADVALUE", "string value is not valid UTF-8");
  return text.split("\0");
}

/**
 * A single string.
 *
 * @throws FdtError BADVALUE unless the value is exactly one NUL-terminated UTF-8 string
 */
export function readString(value: Uint8Array): string {
  const list = readStringList(value);
  if (list.length !== 1) throw new FdtError("BADVALUE", `value holds ${list.length} strings, expected one`);
  return list[0]!;
}
