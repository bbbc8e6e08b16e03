/**
 * applyFdtEdits (one pass over a batch) against applyFdtEdit repeated — the libfdt-ordered
 * edits the conformance suites hold to QEMU's DTBs: the same tree, or the same error, for random
 * edit sequences over small name pools (so names clash, match by base name and get deleted).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyFdtEdit,
  applyFdtEdits,
  emptyFdt,
  type Fdt,
  type FdtEdit,
  FdtError,
  type FdtNode,
  u32Value,
} from "../../src/fdt/index.js";
import { fdtArb, plain } from "./blob.js";

const nodeName = fc.constantFrom("a", "a@1", "a@2", "b", "b@1", "chosen", "module@0x1000", "x@");
// Mostly short paths, so that most sequences build on what earlier edits made.
const path = fc.oneof(
  { weight: 4, arbitrary: fc.constant("/") },
  { weight: 4, arbitrary: fc.constantFrom("/a", "/chosen", "/b@1") },
  { weight: 2, arbitrary: fc.constantFrom("/chosen/module@0x1000", "/a/b", "/a@2", "/chosen/a") },
);
const edit: fc.Arbitrary<FdtEdit> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("setProp" as const),
      path,
      name: fc.constantFrom("reg", "compatible", "bootargs"),
      value: fc.nat(9).map((v) => u32Value(v)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant("delProp" as const),
      path,
      name: fc.constantFrom("reg", "bootargs"),
    }),
  },
  { weight: 6, arbitrary: fc.record({ type: fc.constant("addSubnode" as const), path, name: nodeName }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("delNode" as const), path }) },
);

function sequential(fdt: Fdt, edits: readonly FdtEdit[]): unknown {
  try {
    return plain(edits.reduce(applyFdtEdit, fdt));
  } catch (e) {
    return { code: (e as FdtError).code, message: (e as FdtError).message };
  }
}

function batched(fdt: Fdt, edits: readonly FdtEdit[]): unknown {
  try {
    return plain(applyFdtEdits(fdt, edits));
  } catch (e) {
    expect(e).toBeInstanceOf(FdtError);
    return { code: (e as FdtError).code, message: (e as FdtError).message };
  }
}

describe("applyFdtEdits", () => {
  it("gives exactly what applyFdtEdit one by one gives: tree or error", () => {
    // A tree where the paths above mostly exist, with a random tree's nodes after them.
    const leaf = (name: string, children: FdtNode[] = []): FdtNode => ({ name, props: [], children });
    const start = fc.oneof(fc.constant(emptyFdt()), fdtArb).map(
      (f): Fdt => ({
        ...f,
        root: {
          ...f.root,
          children: [
            leaf("chosen", [leaf("module@0x1000"), leaf("a")]),
            leaf("a", [leaf("b")]),
            leaf("a@2"),
            leaf("b@1"),
            ...f.root.children,
          ],
        },
      }),
    );
    let applied = 0;
    fc.assert(
      fc.property(start, fc.array(edit, { maxLength: 25 }), (fdt, edits) => {
        const want = sequential(fdt, edits);
        expect(batched(fdt, edits)).toEqual(want);
        // Also batches that stop at an error: count the edits applied before it.
        let t = fdt;
        for (const e of edits) {
          try {
            t = applyFdtEdit(t, e);
            applied++;
          } catch {
            break;
          }
        }
      }),
      { numRuns: 1500 },
    );
    // Not only failures: about two edits per batch apply before any error.
    expect(applied).toBeGreaterThan(2000);
  }, 60_000);

  it("adds 50,000 module nodes under /chosen in one pass, newest first, as libfdt orders them", () => {
    const edits: FdtEdit[] = [{ type: "addSubnode", path: "/", name: "chosen" }];
    for (let i = 0; i < 50_000; i++) {
      const name = `module@0x${(0x1000 * (i + 1)).toString(16)}`;
      edits.push({ type: "addSubnode", path: "/chosen", name });
      edits.push({ type: "setProp", path: `/chosen/${name}`, name: "reg", value: u32Value(i) });
    }
    const t = performance.now();
    const fdt = applyFdtEdits(emptyFdt(), edits);
    // Not a timing target (those live in bench/): a quadratic pass would take minutes here.
    expect(performance.now() - t).toBeLessThan(20_000);
    const chosen = fdt.root.children[0]!;
    expect(chosen.children).toHaveLength(50_000);
    expect(chosen.children[0]!.name).toBe(
      "module@0x186a0000".replace("186a0000", (0x1000 * 50_000).toString(16)),
    );
    expect(chosen.children.at(-1)!.props).toEqual([{ name: "reg", value: u32Value(0) }]);
  });
});
