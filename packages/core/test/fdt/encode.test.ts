import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkHeader,
  decodeFdt,
  emptyFdt,
  encodeFdt,
  type Fdt,
  FdtError,
  type FdtErrorCode,
  stringValue,
  u32Value,
} from "../../src/fdt/index.js";
import { deepRoot, fdtArb, plain } from "./blob.js";

function codeOf(fn: () => unknown): FdtErrorCode {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FdtError);
    return (e as FdtError).code;
  }
  throw new Error("nothing thrown");
}

const small: Fdt = {
  version: 17,
  bootCpuId: 0,
  memReserve: [],
  root: {
    name: "",
    props: [
      { name: "abc-cells", value: u32Value(1) },
      { name: "cells", value: u32Value(2) },
    ],
    children: [
      {
        name: "n",
        props: [
          { name: "ells", value: u32Value(3) },
          { name: "xcells", value: u32Value(4) },
        ],
        children: [],
      },
    ],
  },
};

describe("encodeFdt", () => {
  it("decode(encode(tree)) is the tree", () => {
    fc.assert(
      fc.property(fdtArb, (fdt) => {
        expect(plain(decodeFdt(encodeFdt(fdt)))).toEqual(plain(fdt));
      }),
      { numRuns: 300 },
    );
  });

  it("lays blocks out as dtc does: map at 0x28, then structure, then strings, nothing after", () => {
    fc.assert(
      fc.property(fdtArb, (fdt) => {
        const bytes = encodeFdt(fdt);
        const h = checkHeader(bytes);
        expect(h.version).toBe(17);
        expect(h.lastCompVersion).toBe(16);
        expect(h.offMemRsvmap).toBe(0x28);
        expect(h.offDtStruct).toBe(0x28 + 16 * (fdt.memReserve.length + 1));
        expect(h.offDtStrings).toBe(h.offDtStruct + h.sizeDtStruct!);
        expect(h.totalsize).toBe(h.offDtStrings + h.sizeDtStrings);
        expect(bytes.length).toBe(h.totalsize);
      }),
      { numRuns: 100 },
    );
  });

  it("shares a name that is the tail of an earlier one, like dtc's stringtable_insert", () => {
    // dtc 1.6.1 compiles this tree (abc-cells, cells; n { ells; xcells }) to the strings
    // block "abc-cells\0xcells\0": "cells" and "ells" point into "abc-cells".
    const bytes = encodeFdt(small);
    const h = checkHeader(bytes);
    const strings = String.fromCharCode(...bytes.subarray(h.offDtStrings, h.offDtStrings + h.sizeDtStrings));
    expect(strings).toBe("abc-cells\0xcells\0");
  });

  it("shares suffixes of long names too", () => {
    const long = `${"x".repeat(100)}-tail`;
    const fdt: Fdt = {
      ...emptyFdt(),
      root: {
        name: "",
        props: [
          { name: long, value: new Uint8Array(0) },
          { name: long.slice(30), value: new Uint8Array(0) },
          { name: "-tail", value: new Uint8Array(0) },
        ],
        children: [],
      },
    };
    const h = checkHeader(encodeFdt(fdt));
    expect(h.sizeDtStrings).toBe(long.length + 1);
    expect(plain(decodeFdt(encodeFdt(fdt)))).toEqual(plain(fdt));
  });

  it("pads to padTo with zeros, as QEMU sizes its DTB to 0x100000", () => {
    const bytes = encodeFdt(small, { padTo: 0x100000 });
    expect(bytes.length).toBe(0x100000);
    expect(checkHeader(bytes).totalsize).toBe(0x100000);
    const used = encodeFdt(small).length;
    expect(bytes.subarray(used).every((b) => b === 0)).toBe(true);
    expect(plain(decodeFdt(bytes))).toEqual(plain(small));
    expect(encodeFdt(small, { padTo: used }).length).toBe(used);
    expect(codeOf(() => encodeFdt(small, { padTo: used - 1 }))).toBe("NOSPACE");
  });

  it("rejects what the format cannot carry", () => {
    const withRoot = (root: Fdt["root"]): Fdt => ({ ...emptyFdt(), root });
    expect(codeOf(() => encodeFdt(withRoot({ name: "x", props: [], children: [] })))).toBe("BADNAME");
    expect(
      codeOf(() =>
        encodeFdt(withRoot({ name: "", props: [{ name: "a\0b", value: new Uint8Array() }], children: [] })),
      ),
    ).toBe("BADNAME");
    expect(
      codeOf(() =>
        encodeFdt(withRoot({ name: "", props: [], children: [{ name: "é€", props: [], children: [] }] })),
      ),
    ).toBe("BADNAME");
    expect(codeOf(() => encodeFdt({ ...emptyFdt(), bootCpuId: -1 }))).toBe("BADVALUE");
    expect(codeOf(() => encodeFdt({ ...emptyFdt(), memReserve: [{ address: 1n, size: 0n }] }))).toBe(
      "BADVALUE",
    );
    expect(codeOf(() => encodeFdt({ ...emptyFdt(), memReserve: [{ address: 1n << 64n, size: 1n }] }))).toBe(
      "BADVALUE",
    );
    expect(codeOf(() => encodeFdt(withRoot(deepRoot(1024))))).toBe("TOODEEP");
    expect(plain(decodeFdt(encodeFdt(withRoot(deepRoot(1023)))))).toEqual(plain(withRoot(deepRoot(1023))));
  });

  it("round-trips Latin-1 names byte for byte", () => {
    const fdt: Fdt = {
      ...emptyFdt(),
      root: {
        name: "",
        props: [{ name: "\xff\x01", value: stringValue("v") }],
        children: [{ name: "\x80", props: [], children: [] }],
      },
    };
    expect(plain(decodeFdt(encodeFdt(fdt)))).toEqual(plain(fdt));
  });
});
