import { describe, expect, it } from "vitest";
import { decodeFdt, FDT_MAX_DEPTH, FdtError, type FdtErrorCode } from "../../src/fdt/index.js";
import { concat, rawBlob, tok } from "./blob.js";

/** The FdtError `fn` throws; fails the test if it throws anything else or nothing. */
function errorOf(fn: () => unknown): FdtError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FdtError);
    return e as FdtError;
  }
  throw new Error("expected an FdtError, nothing was thrown");
}

function expectCode(bytes: Uint8Array, code: FdtErrorCode, offset: number): void {
  const e = errorOf(() => decodeFdt(bytes));
  expect({ code: e.code, offset: e.offset }).toEqual({ code, offset });
  expect(e.message).toContain(`FDT_ERR_${code}`);
}

// strings "a\0bc\0": name "a" at 0, "bc" at 2, "c" (a suffix) at 3
const STRINGS = "a\0bc\0";

describe("decodeFdt: valid blobs", () => {
  it("reads nodes, properties, reservations, NOPs and the boot cpu", () => {
    const { bytes } = rawBlob({
      rsv: [
        [0x1000n, 0x2000n],
        [0xffff_ffff_0000_0000n, 1n],
      ],
      bootCpu: 3,
      strings: STRINGS,
      struct: [
        tok.nop(),
        tok.begin(""),
        tok.prop(0, [0, 0, 0, 1]),
        tok.nop(),
        tok.begin("child@1"),
        tok.prop(3, []),
        tok.prop(2, [0x78, 0]),
        tok.end(),
        tok.begin("x"),
        tok.end(),
        tok.end(),
        tok.nop(),
        tok.fin(),
      ],
    });
    const fdt = decodeFdt(bytes);
    expect(fdt.version).toBe(17);
    expect(fdt.bootCpuId).toBe(3);
    expect(fdt.memReserve).toEqual([
      { address: 0x1000n, size: 0x2000n },
      { address: 0xffff_ffff_0000_0000n, size: 1n },
    ]);
    expect(fdt.root).toEqual({
      name: "",
      props: [{ name: "a", value: Uint8Array.from([0, 0, 0, 1]) }],
      children: [
        {
          name: "child@1",
          props: [
            { name: "c", value: new Uint8Array(0) },
            { name: "bc", value: Uint8Array.from([0x78, 0]) },
          ],
          children: [],
        },
        { name: "x", props: [], children: [] },
      ],
    });
  });

  it("ends the reservation map at the first size-0 entry, as libfdt and dtc do", () => {
    const { bytes } = rawBlob({
      rsv: [
        [0x1000n, 0x10n],
        [0x2000n, 0n],
        [0x3000n, 0x10n],
      ],
      struct: [tok.begin(""), tok.end(), tok.fin()],
    });
    expect(decodeFdt(bytes).memReserve).toEqual([{ address: 0x1000n, size: 0x10n }]);
  });

  it("reads version 16 (no size_dt_struct) and a last_comp_version up to 17", () => {
    const { bytes } = rawBlob({
      version: 16,
      strings: STRINGS,
      struct: [tok.begin(""), tok.prop(0, [1]), tok.end(), tok.fin()],
    });
    expect(decodeFdt(bytes).root.props).toEqual([{ name: "a", value: Uint8Array.from([1]) }]);
    expect(decodeFdt(bytes).version).toBe(16);
    const v18 = rawBlob({ version: 18, lastComp: 17, struct: [tok.begin(""), tok.end(), tok.fin()] });
    expect(decodeFdt(v18.bytes).version).toBe(18);
  });

  it("keeps properties that follow subnodes with their node, as dtc and libfdt accept them", () => {
    const { bytes } = rawBlob({
      strings: STRINGS,
      struct: [tok.begin(""), tok.begin("s"), tok.end(), tok.prop(0, []), tok.end(), tok.fin()],
    });
    const root = decodeFdt(bytes).root;
    expect(root.props.map((p) => p.name)).toEqual(["a"]);
    expect(root.children.map((c) => c.name)).toEqual(["s"]);
  });

  it("ignores bytes after FDT_END and after totalsize, and does not alias the input", () => {
    const { bytes } = rawBlob({
      strings: STRINGS,
      struct: [tok.begin(""), tok.prop(0, [7]), tok.end(), tok.fin(), tok.raw(0xdead)],
    });
    const longer = concat(bytes, Uint8Array.from([1, 2, 3]));
    const fdt = decodeFdt(longer);
    longer.fill(0xff);
    expect(fdt.root.props[0]!.value).toEqual(Uint8Array.from([7]));
  });

  it("accepts a subarray view with a non-zero byteOffset", () => {
    const { bytes } = rawBlob({
      strings: STRINGS,
      struct: [tok.begin(""), tok.prop(0, [1, 2, 3, 4]), tok.end(), tok.fin()],
    });
    const view = concat(Uint8Array.from([9, 9, 9]), bytes).subarray(3);
    expect(decodeFdt(view).root.props[0]!.value).toEqual(Uint8Array.from([1, 2, 3, 4]));
  });

  it(`accepts ${FDT_MAX_DEPTH} nested nodes`, () => {
    const n = FDT_MAX_DEPTH;
    const begins = [tok.begin(""), ...Array.from({ length: n - 1 }, () => tok.begin("n"))];
    const { bytes } = rawBlob({
      struct: [...begins, ...Array.from({ length: n }, () => tok.end()), tok.fin()],
    });
    let node = decodeFdt(bytes).root;
    let depth = 1;
    while (node.children[0]) {
      node = node.children[0];
      depth++;
    }
    expect(depth).toBe(n);
  });
});

describe("decodeFdt: one malformed blob per error code", () => {
  const ok = () => [tok.begin(""), tok.prop(0, [1]), tok.end(), tok.fin()];

  it("BADMAGIC: not d00dfeed", () => {
    expectCode(rawBlob({ struct: ok(), strings: STRINGS, patch: { 0: 0xedfe0dd0 } }).bytes, "BADMAGIC", 0);
  });

  it("BADVERSION: version 15, or last_comp_version 18", () => {
    expectCode(rawBlob({ struct: ok(), strings: STRINGS, patch: { 20: 15 } }).bytes, "BADVERSION", 0x14);
    expectCode(
      rawBlob({ struct: ok(), strings: STRINGS, lastComp: 18, version: 18 }).bytes,
      "BADVERSION",
      0x18,
    );
  });

  it("TRUNCATED: short buffer, totalsize past the end, blocks past totalsize, unterminated data", () => {
    expectCode(new Uint8Array([0xd0, 0x0d]), "TRUNCATED", 0);
    const { bytes, layout } = rawBlob({ struct: ok(), strings: STRINGS });
    expectCode(bytes.subarray(0, 0x20), "TRUNCATED", 0);
    expectCode(bytes.subarray(0, bytes.length - 1), "TRUNCATED", 0x04);
    expectCode(rawBlob({ struct: ok(), strings: STRINGS, patch: { 4: 0x20 } }).bytes, "TRUNCATED", 0x04);
    expectCode(rawBlob({ struct: ok(), strings: STRINGS, patch: { 32: 0x1000 } }).bytes, "TRUNCATED", 0x0c);
    expectCode(rawBlob({ struct: ok(), strings: STRINGS, patch: { 36: 0x1000 } }).bytes, "TRUNCATED", 0x08);
    // struct without FDT_END: the next token would lie past size_dt_struct
    const noEnd = rawBlob({ struct: [tok.begin(""), tok.end()], strings: STRINGS });
    expectCode(noEnd.bytes, "TRUNCATED", noEnd.layout.offStrings);
    // a property whose length runs past the structure block
    const longProp = rawBlob({
      struct: [tok.begin(""), tok.raw(3, 0x100, 0), tok.end(), tok.fin()],
      strings: STRINGS,
    });
    expectCode(longProp.bytes, "TRUNCATED", longProp.layout.offStruct + 8 + 12);
    // a node name without NUL before the end of the block
    const name = rawBlob({ struct: [tok.raw(1, 0x61616161)], strings: STRINGS });
    expectCode(name.bytes, "TRUNCATED", name.layout.offStruct + 4);
    // a property name without NUL before the end of the strings block
    const pname = rawBlob({ struct: ok(), strings: "abc" });
    expectCode(pname.bytes, "TRUNCATED", pname.layout.offStrings);
    // a reservation map with no terminator before totalsize
    const off = (layout.total - 4) & ~7;
    const rsv = rawBlob({ struct: ok(), strings: STRINGS, patch: { 16: off } });
    expectCode(rsv.bytes, "TRUNCATED", layout.total - off >= 8 ? off + 8 : off);
  });

  it("ALIGNMENT: misaligned reservation map or structure block", () => {
    const { layout } = rawBlob({ struct: ok(), strings: STRINGS });
    expectCode(rawBlob({ struct: ok(), strings: STRINGS, patch: { 16: 0x2c } }).bytes, "ALIGNMENT", 0x10);
    expectCode(
      rawBlob({ struct: ok(), strings: STRINGS, patch: { 8: layout.offStruct + 2 } }).bytes,
      "ALIGNMENT",
      0x08,
    );
  });

  it("BADLAYOUT: overlapping blocks", () => {
    const { layout } = rawBlob({ struct: ok(), strings: STRINGS });
    // strings block moved into the structure block
    expectCode(
      rawBlob({ struct: ok(), strings: STRINGS, patch: { 12: layout.offStruct + 4 } }).bytes,
      "BADLAYOUT",
      layout.offStruct + 4,
    );
    // a reservation entry where the structure block starts
    const rsv = rawBlob({ struct: ok(), strings: STRINGS, patch: { 8: layout.offRsv + 8 } });
    expectCode(rsv.bytes, "BADLAYOUT", layout.offRsv + 8);
    // version 16: the walked structure block runs into the strings block
    const v16 = rawBlob({ version: 16, struct: ok(), strings: STRINGS });
    const bytes = v16.bytes.slice();
    // strings now start at the FDT_END token (00 00 00 09): property name 0 is "", still valid
    new DataView(bytes.buffer).setUint32(0x0c, v16.layout.offStruct + 28);
    new DataView(bytes.buffer).setUint32(0x20, 4);
    expectCode(bytes, "BADLAYOUT", v16.layout.offStruct + 28);
  });

  it("BADOFFSET: a property name offset outside the strings block", () => {
    const b = rawBlob({ struct: [tok.begin(""), tok.prop(5, [1]), tok.end(), tok.fin()], strings: STRINGS });
    expectCode(b.bytes, "BADOFFSET", b.layout.offStruct + 8 + 8);
  });

  it("BADSTRUCTURE: bad tokens and shapes", () => {
    const at = (struct: Uint8Array[], offsetInStruct: number) => {
      const b = rawBlob({ struct, strings: STRINGS });
      expectCode(b.bytes, "BADSTRUCTURE", b.layout.offStruct + offsetInStruct);
    };
    at([tok.begin(""), tok.raw(5), tok.end(), tok.fin()], 8);
    at([tok.end(), tok.fin()], 0);
    at([tok.begin(""), tok.end(), tok.begin(""), tok.end(), tok.fin()], 12);
    at([tok.begin("root"), tok.end(), tok.fin()], 0);
    at([tok.prop(0, []), tok.begin(""), tok.end(), tok.fin()], 0);
    at([tok.begin(""), tok.begin("a"), tok.end(), tok.fin()], 20);
    at([tok.nop(), tok.fin()], 4);
  });

  it("TOODEEP: one level more than FDT_MAX_DEPTH", () => {
    const n = FDT_MAX_DEPTH + 1;
    const begins = [tok.begin(""), ...Array.from({ length: n - 1 }, () => tok.begin("n"))];
    const b = rawBlob({ struct: [...begins, ...Array.from({ length: n }, () => tok.end()), tok.fin()] });
    expectCode(b.bytes, "TOODEEP", b.layout.offStruct + 8 * (n - 1));
  });
});
