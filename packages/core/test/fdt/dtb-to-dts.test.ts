/**
 * dtbToDts (the one-pass printer) against decode + printDts (the tree path) — which the
 * conformance suite holds to dtc byte for byte: the same text for every valid blob, the same
 * FdtError (code and offset) for every broken one.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFdt, dtbToDts, encodeFdt, type Fdt, FdtError, printDts } from "../../src/fdt/index.js";
import { fdtArb, rawBlob, tok } from "./blob.js";

function viaTree(bytes: Uint8Array): string | FdtError {
  try {
    return printDts(decodeFdt(bytes));
  } catch (e) {
    return e as FdtError;
  }
}

function direct(bytes: Uint8Array): string | FdtError {
  try {
    return Buffer.from(dtbToDts(bytes)).toString("latin1");
  } catch (e) {
    if (!(e instanceof FdtError)) throw e;
    return e;
  }
}

function expectSame(bytes: Uint8Array): void {
  const a = viaTree(bytes);
  const b = direct(bytes);
  if (typeof a === "string") expect(b).toBe(a);
  else {
    expect(b).toBeInstanceOf(FdtError);
    expect({ code: (b as FdtError).code, offset: (b as FdtError).offset }).toEqual({
      code: a.code,
      offset: a.offset,
    });
  }
}

const blobArb = fdtArb.map((f: Fdt) => encodeFdt(f));

describe("dtbToDts", () => {
  it("prints every generated tree exactly as printDts(decodeFdt()) does", () => {
    fc.assert(
      fc.property(blobArb, (blob) => expectSame(blob)),
      { numRuns: 300 },
    );
  });

  it("fails on broken blobs exactly as decodeFdt does (prefixes, bit flips)", () => {
    fc.assert(
      fc.property(blobArb, fc.nat(), fc.array(fc.nat(), { maxLength: 6 }), (blob, cut, flips) => {
        const b = blob.slice(0, 1 + (cut % blob.length));
        for (const f of flips) b[(f >>> 3) % b.length]! ^= 1 << (f & 7);
        expectSame(b);
      }),
      { numRuns: 1000 },
    );
  });

  it("keeps a property that follows a subnode among its node's properties, as dtc does", () => {
    const { bytes: blob } = rawBlob({
      struct: [
        tok.begin(""),
        tok.prop(0, [0, 0, 0, 1]),
        tok.begin("child"),
        tok.end(),
        tok.prop(2, [0x78, 0]),
        tok.end(),
        tok.fin(),
      ],
      strings: "a\0b\0",
    });
    const text = direct(blob);
    expect(text).toBe('/dts-v1/;\n\n/ {\n\ta = <0x01>;\n\tb = "x";\n\n\tchild {\n\t};\n};\n');
    expectSame(blob);
  });
});
