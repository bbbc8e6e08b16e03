import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cellsValue,
  emptyValue,
  FdtError,
  type FdtErrorCode,
  readCells,
  readString,
  readStringList,
  readU32,
  readU32s,
  readU64s,
  stringListValue,
  stringValue,
  u32Value,
  u64Value,
} from "../../src/fdt/index.js";

function codeOf(fn: () => unknown): FdtErrorCode {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FdtError);
    return (e as FdtError).code;
  }
  throw new Error("nothing thrown");
}

describe("property values", () => {
  it("encode big-endian cells and NUL-terminated strings per the devicetree spec", () => {
    expect(u32Value(1, 0xc4000003)).toEqual(Uint8Array.from([0, 0, 0, 1, 0xc4, 0, 0, 3]));
    expect(u64Value(0x42000000n, 0x64n)).toEqual(
      Uint8Array.from([0, 0, 0, 0, 0x42, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x64]),
    );
    expect(cellsValue(1, 0x9000000n)).toEqual(Uint8Array.from([0x09, 0, 0, 0]));
    expect(stringValue("x")).toEqual(Uint8Array.from([0x78, 0]));
    expect(stringListValue(["multiboot,module", "multiboot,kernel"])).toEqual(
      new TextEncoder().encode("multiboot,module\0multiboot,kernel\0"),
    );
    expect(emptyValue().length).toBe(0);
  });

  it("read back what they write", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffffffff })),
        fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
        fc.array(
          fc.string().filter((x) => !x.includes("\0")),
          { minLength: 1 },
        ),
        (u32s, u64s, strs) => {
          expect(readU32s(u32Value(...u32s))).toEqual(u32s);
          expect(readU64s(u64Value(...u64s))).toEqual(u64s);
          expect(readCells(cellsValue(2, ...u64s), 2)).toEqual(u64s);
          expect(readStringList(stringListValue(strs))).toEqual(strs);
        },
      ),
    );
    expect(readU32(u32Value(7))).toBe(7);
    expect(readString(stringValue("héllo"))).toBe("héllo");
  });

  it("reject values of the wrong shape with BADVALUE", () => {
    expect(codeOf(() => u32Value(-1))).toBe("BADVALUE");
    expect(codeOf(() => u32Value(2 ** 32))).toBe("BADVALUE");
    expect(codeOf(() => u32Value(1.5))).toBe("BADVALUE");
    expect(codeOf(() => u64Value(1n << 64n))).toBe("BADVALUE");
    expect(codeOf(() => cellsValue(1, 1n << 32n))).toBe("BADVALUE");
    expect(codeOf(() => stringValue("a\0b"))).toBe("BADVALUE");
    expect(codeOf(() => readU32(Uint8Array.from([1, 2])))).toBe("BADVALUE");
    expect(codeOf(() => readU32s(Uint8Array.from([1, 2, 3])))).toBe("BADVALUE");
    expect(codeOf(() => readU64s(new Uint8Array(4)))).toBe("BADVALUE");
    expect(codeOf(() => readString(Uint8Array.from([0x61])))).toBe("BADVALUE");
    expect(codeOf(() => readString(Uint8Array.from([0x61, 0, 0x62, 0])))).toBe("BADVALUE");
    expect(codeOf(() => readStringList(Uint8Array.from([0xff, 0])))).toBe("BADVALUE");
    expect(codeOf(() => readStringList(new Uint8Array(0)))).toBe("BADVALUE");
  });
});
