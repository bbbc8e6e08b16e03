/**
 * The decoder's contract on hostile input: an FdtError with a code and an offset inside the
 * buffer — never another exception, never a hang, never INTERNAL.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeFdt, encodeFdt, FDT_MAX_DEPTH, type Fdt, FdtError } from "../../src/fdt/index.js";
import { fdtArb, rawBlob, tok } from "./blob.js";

function outcome(bytes: Uint8Array): "ok" | FdtError {
  try {
    decodeFdt(bytes);
    return "ok";
  } catch (e) {
    if (!(e instanceof FdtError)) throw new Error(`decodeFdt threw a non-FdtError: ${String(e)}`);
    return e;
  }
}

function expectWellFormed(bytes: Uint8Array): void {
  const r = outcome(bytes);
  if (r === "ok") return;
  expect(r.code).not.toBe("INTERNAL");
  expect(r.offset).toBeTypeOf("number");
  expect(r.offset!).toBeGreaterThanOrEqual(0);
  expect(r.offset!).toBeLessThanOrEqual(bytes.length);
}

const blobArb = fdtArb.map((f: Fdt) => encodeFdt(f));

describe("decodeFdt under fuzzing", () => {
  it("every proper prefix of a valid blob is TRUNCATED", () => {
    fc.assert(
      fc.property(blobArb, fc.nat(), (blob, cut) => {
        const len = cut % blob.length;
        const r = outcome(blob.subarray(0, len));
        expect(r).not.toBe("ok");
        expect((r as FdtError).code).toBe("TRUNCATED");
        expectWellFormed(blob.subarray(0, len));
      }),
      { numRuns: 300 },
    );
  });

  it("bit flips anywhere give a tree or a well-formed FdtError", () => {
    fc.assert(
      fc.property(blobArb, fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (blob, flips) => {
        const b = blob.slice();
        for (const f of flips) b[(f >>> 3) % b.length]! ^= 1 << (f & 7);
        expectWellFormed(b);
      }),
      { numRuns: 1000 },
    );
  });

  it("overwritten header words and structure tokens give a tree or a well-formed FdtError", () => {
    const interesting = fc.constantFrom(
      0,
      1,
      2,
      3,
      4,
      9,
      0x7fffffff,
      0x80000000,
      0xffffffff,
      0xfffffff0,
      0x28,
      0x100000,
    );
    fc.assert(
      fc.property(
        blobArb,
        fc.array(fc.tuple(fc.nat(), fc.oneof(interesting, fc.nat())), { minLength: 1, maxLength: 4 }),
        (blob, writes) => {
          const b = blob.slice();
          const view = new DataView(b.buffer);
          for (const [at, word] of writes) view.setUint32(((at % (b.length >>> 2)) << 2) >>> 0, word >>> 0);
          expectWellFormed(b);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("random buffers, with and without a valid magic and header, give a well-formed FdtError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (bytes, magic) => {
        if (magic && bytes.length >= 40) {
          const view = new DataView(bytes.buffer, bytes.byteOffset);
          view.setUint32(0, 0xd00dfeed);
          view.setUint32(4, bytes.length);
          view.setUint32(0x14, 17);
          view.setUint32(0x18, 16);
        }
        expectWellFormed(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it("1 MiB of nested BEGIN_NODE tokens ends in TOODEEP, not a stack overflow", () => {
    const b = rawBlob({ struct: Array.from({ length: 0x20000 }, () => tok.begin("")) });
    const r = outcome(b.bytes);
    expect(r).toBeInstanceOf(FdtError);
    expect({ code: (r as FdtError).code, offset: (r as FdtError).offset }).toEqual({
      code: "TOODEEP",
      offset: b.layout.offStruct + 8 * FDT_MAX_DEPTH,
    });
  });
});
