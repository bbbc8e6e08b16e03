import { describe, expect, it } from "vitest";
import {
  addSubnode,
  applyFdtEdit,
  delNode,
  delProp,
  emptyFdt,
  type Fdt,
  FdtError,
  type FdtErrorCode,
  findNode,
  getPropValue,
  readString,
  setProp,
  stringValue,
  u32Value,
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

const names = (fdt: Fdt, path: string) => {
  const n = findNode(fdt, path)!;
  return { props: n.props.map((p) => p.name), children: n.children.map((c) => c.name) };
};

const base: Fdt = {
  ...emptyFdt(),
  root: {
    name: "",
    props: [{ name: "model", value: stringValue("m") }],
    children: [
      { name: "memory@40000000", props: [], children: [] },
      {
        name: "chosen",
        props: [{ name: "stdout-path", value: stringValue("/pl011@9000000") }],
        children: [],
      },
    ],
  },
};

describe("edits with libfdt ordering", () => {
  it("fdt_setprop: a new property goes first, an existing one is replaced in place", () => {
    let f = setProp(base, "/chosen", "bootargs", stringValue("a"));
    f = setProp(f, "/chosen", "rng-seed", u32Value(1));
    expect(names(f, "/chosen").props).toEqual(["rng-seed", "bootargs", "stdout-path"]);
    f = setProp(f, "/chosen", "bootargs", stringValue("longer value"));
    expect(names(f, "/chosen").props).toEqual(["rng-seed", "bootargs", "stdout-path"]);
    expect(readString(getPropValue(f, "/chosen", "bootargs")!)).toBe("longer value");
  });

  it("fdt_add_subnode: after the properties, before existing subnodes — so repeated adds come out reversed", () => {
    let f = addSubnode(base, "/chosen", "module@0x42000000");
    f = addSubnode(f, "/chosen", "module@0x44000000");
    f = setProp(f, "/chosen", "bootargs", stringValue("x"));
    expect(names(f, "/chosen")).toEqual({
      props: ["bootargs", "stdout-path"],
      children: ["module@0x44000000", "module@0x42000000"],
    });
    f = addSubnode(f, "/", "aaa");
    expect(names(f, "/").children).toEqual(["aaa", "memory@40000000", "chosen"]);
  });

  it("EXISTS uses libfdt's name match: 'memory' is taken by 'memory@40000000', not the reverse", () => {
    expect(codeOf(() => addSubnode(base, "/", "chosen"))).toBe("EXISTS");
    expect(codeOf(() => addSubnode(base, "/", "memory"))).toBe("EXISTS");
    expect(codeOf(() => addSubnode(base, "/", "memory@40000000"))).toBe("EXISTS");
    expect(names(addSubnode(base, "/", "memory@0"), "/").children).toContain("memory@0");
    const f = addSubnode(base, "/", "node");
    expect(names(addSubnode(f, "/", "node@1"), "/").children.slice(0, 2)).toEqual(["node@1", "node"]);
  });

  it("paths resolve like fdt_path_offset: unit-less names match, extra slashes are skipped", () => {
    expect(findNode(base, "/memory")?.name).toBe("memory@40000000");
    expect(findNode(base, "//chosen/")?.name).toBe("chosen");
    expect(findNode(base, "/")).toBe(base.root);
    expect(findNode(base, "/nope")).toBeUndefined();
    expect(codeOf(() => findNode(base, "chosen"))).toBe("BADPATH");
  });

  it("delprop and delnode remove exactly their target", () => {
    const f = delProp(base, "/chosen", "stdout-path");
    expect(names(f, "/chosen").props).toEqual([]);
    expect(names(delNode(base, "/memory"), "/").children).toEqual(["chosen"]);
    expect(codeOf(() => delProp(base, "/chosen", "bootargs"))).toBe("NOTFOUND");
    expect(codeOf(() => delNode(base, "/nope"))).toBe("NOTFOUND");
    expect(codeOf(() => delNode(base, "/"))).toBe("BADPATH");
    expect(codeOf(() => setProp(base, "/nope/x", "a", u32Value(1)))).toBe("NOTFOUND");
    expect(codeOf(() => addSubnode(base, "/", "a/b"))).toBe("BADNAME");
    expect(codeOf(() => addSubnode(base, "/", ""))).toBe("BADNAME");
    expect(codeOf(() => setProp(base, "/", "a\0", u32Value(1)))).toBe("BADNAME");
  });

  it("is pure and shares every untouched node", () => {
    const before = JSON.stringify(base, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v));
    const f = setProp(base, "/chosen", "bootargs", stringValue("a"));
    expect(JSON.stringify(base, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v))).toBe(before);
    expect(f.root.children[0]).toBe(base.root.children[0]);
    expect(f.root.props).toBe(base.root.props);
    expect(findNode(f, "/chosen")!.props[1]).toBe(base.root.children[1]!.props[0]);
  });

  it("applies edits given as data", () => {
    const f = [
      { type: "addSubnode", path: "/chosen", name: "m@1" },
      { type: "setProp", path: "/chosen/m@1", name: "reg", value: u32Value(1, 2) },
      { type: "delProp", path: "/chosen", name: "stdout-path" },
      { type: "delNode", path: "/memory@40000000" },
    ].reduce((acc, e) => applyFdtEdit(acc, e as Parameters<typeof applyFdtEdit>[1]), base);
    expect(names(f, "/")).toEqual({ props: ["model"], children: ["chosen"] });
    expect(names(f, "/chosen")).toEqual({ props: [], children: ["m@1"] });
  });
});
