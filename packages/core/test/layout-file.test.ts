import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Layout, LayoutFileError, parseLayoutJson, serializeLayout } from "../src/index.js";

const doc = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ format: "guestmap-layout", version: 1, machine: { arch: "aarch64" }, ...over });

function issuesOf(text: string) {
  try {
    parseLayoutJson(text, "l.json");
  } catch (e) {
    expect(e).toBeInstanceOf(LayoutFileError);
    return (e as LayoutFileError).issues;
  }
  throw new Error("expected the layout to be rejected");
}

describe("layout file", () => {
  it("fills QEMU's defaults: virt, 128 MiB, default bios, no blobs", () => {
    const l = parseLayoutJson(doc());
    expect(l.machine).toEqual({
      arch: "aarch64",
      type: "virt",
      props: [],
      ram: 128n << 20n,
      bios: { kind: "default" },
    });
    expect(l.modules).toEqual([]);
  });

  it("keeps every -device loader form and an explicit -bios default through a save", () => {
    const layout: Layout = {
      machine: {
        arch: "aarch64",
        type: "virt",
        props: [],
        ram: 1n << 30n,
        smp: "2",
        bios: { kind: "default", explicit: true },
      },
      modules: [],
      loaders: [
        { id: "l1", addr: 0n, file: { path: "xen.elf", size: 0x1000n }, cpuNum: 1, addrGiven: false },
      ],
      loaderData: [
        { id: "d1", addr: 0x50000000n, data: 0xffffffffffffffffn, len: 8, bigEndian: true, cpuNum: 0 },
      ],
      loaderPcs: [{ id: "p1", addr: 0x40000000n, cpuNum: 1 }],
      extraArgs: [],
    };
    expect(parseLayoutJson(serializeLayout(layout))).toEqual(layout);
  });

  it("reads addresses above 2^53 exactly", () => {
    const l = parseLayoutJson(doc({ modules: [{ addr: "0xfffffffffffff000", initrd: { path: "r" } }] }));
    expect(l.modules[0]!.addr).toBe(0xfffffffffffff000n);
    expect(l.modules[0]!.id).toBe("m1");
  });

  it.each<[string, string, RegExp]>([
    ["not JSON", "{", /not JSON/],
    ["wrong format", JSON.stringify({ format: "x", version: 1, machine: { arch: "aarch64" } }), /format/],
    ["unknown arch", doc({ machine: { arch: "x86_64" } }), /machine\.arch/],
    [
      "bad address",
      doc({ modules: [{ addr: "0x4z", initrd: { path: "r" } }] }),
      /modules\[0\]\.addr: expected an address/,
    ],
    [
      "unsafe JSON number",
      doc({ modules: [{ addr: 2 ** 60, initrd: { path: "r" } }] }),
      /modules\[0\]\.addr: .*lose precision/,
    ],
    ["unknown field", doc({ modules: [{ adr: "0x1", initrd: { path: "r" } }] }), /modules\[0\]/],
    [
      "newer version",
      JSON.stringify({ format: "guestmap-layout", version: 9, machine: { arch: "aarch64" } }),
      /newer/,
    ],
    ["bad base64 head", doc({ kernel: { path: "k", head: "!!" } }), /kernel\.head: expected base64/],
    [
      "bad sha256",
      doc({ kernel: { path: "k", sha256: "ABC" } }),
      /kernel\.sha256: expected the file's SHA-256/,
    ],
  ])("rejects %s, naming the field", (_label, text, re) => {
    const issues = issuesOf(text);
    expect(issues.map((i) => `${i.where}: ${i.message}`).join("\n")).toMatch(re);
  });

  const blob = fc.record(
    {
      path: fc.string({ minLength: 1 }),
      size: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      head: fc.uint8Array({ maxLength: 70 }),
      sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    },
    { requiredKeys: ["path"] },
  );
  const layoutArb: fc.Arbitrary<Layout> = fc.record(
    {
      machine: fc.record({
        arch: fc.constantFrom("aarch64", "arm", "riscv64", "riscv32"),
        type: fc.constantFrom("virt", "sbsa-ref"),
        props: fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z][a-z-]{0,8}$/), fc.string()), {
          selector: (p) => p[0],
          maxLength: 3,
        }),
        ram: fc.bigInt({ min: 1n, max: 1n << 40n }),
        bios: fc.constantFrom({ kind: "default" as const }, { kind: "none" as const }),
      }),
      // Ids are identities: a layout with two blobs of one id is refused (tested below).
      modules: fc.uniqueArray(
        fc.record(
          {
            id: fc.stringMatching(/^m[0-9]{1,3}$/),
            addr: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
            kernel: blob,
            initrd: blob,
            bootargs: fc.string(),
          },
          { requiredKeys: ["id", "addr"] },
        ),
        { maxLength: 5, selector: (m) => m.id },
      ),
      loaders: fc.constant([]),
      extraArgs: fc.array(fc.array(fc.string(), { minLength: 1, maxLength: 2 }), { maxLength: 3 }),
      append: fc.string(),
    },
    { requiredKeys: ["machine", "modules", "loaders", "extraArgs"] },
  ) as fc.Arbitrary<Layout>;

  it("serialize → parse is the identity (with heads kept)", () => {
    fc.assert(
      fc.property(layoutArb, (l) => {
        expect(parseLayoutJson(serializeLayout(l, { withHeads: true }))).toEqual(l);
      }),
      { numRuns: 300 },
    );
  });
});

describe("hostile layout files", () => {
  const issues = (text: string) => {
    try {
      parseLayoutJson(text);
    } catch (e) {
      if (e instanceof LayoutFileError) return e.issues.map((i) => `${i.where}: ${i.message}`);
      throw e;
    }
    return [];
  };

  it("a UTF-8 byte-order mark is accepted", () => {
    expect(parseLayoutJson(`\uFEFF${doc()}`).machine.arch).toBe("aarch64");
  });

  it("__proto__ keys are refused wherever they are; constructor is an ordinary -M property", () => {
    const text = doc().replace('"arch"', '"props": {"__proto__": "x", "constructor": "y"}, "arch"');
    expect(issues(text)).toEqual([
      'machine.props.__proto__: a key named "__proto__" is not allowed (it would replace an object\'s prototype); remove it',
    ]);
    const ok = parseLayoutJson(doc().replace('"arch"', '"props": {"constructor": "y"}, "arch"'));
    expect(ok.machine.props).toEqual([["constructor", "y"]]);
  });

  it("duplicate ids are refused; assigned ids skip the ones taken", () => {
    const mod = (id?: string) => ({ ...(id && { id }), addr: "0x48000000", initrd: { path: "r" } });
    expect(issues(doc({ modules: [mod("a"), mod("a")] }))).toEqual([
      'modules[1].id: "a" is already the id of modules[0]; give every module and loader its own id (or none, to have one assigned)',
    ]);
    expect(
      issues(doc({ modules: [mod("x")], loaders: [{ id: "x", addr: "0x1000", file: { path: "f" } }] })),
    ).toEqual([
      'loaders[0].id: "x" is already the id of modules[0]; give every module and loader its own id (or none, to have one assigned)',
    ]);
    expect(parseLayoutJson(doc({ modules: [mod(), mod("m1")] })).modules.map((m) => m.id)).toEqual([
      "m2",
      "m1",
    ]);
  });

  it("100k modules and 100k-deep nesting fail fast with one issue", () => {
    const many = Array.from({ length: 100_000 }, () => ({ addr: "0x48000000", initrd: { path: "r" } }));
    expect(issues(doc({ modules: many }))).toEqual([
      "modules: 100000 entries, more than the 1024 guestmap accepts (Xen reads at most 30 modules); split the layout",
    ]);
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    expect(issues(doc().replace('"arch"', `"deep": ${deep}, "arch"`))).toHaveLength(1);
  });
});

it("a lone surrogate (JSON \\ud800) is refused: it has no UTF-8 bytes, a script would pass U+FFFD", () => {
  expect(() => parseLayoutJson(doc().replace('"arch"', '"cpu": "a\\ud800", "arch"'))).toThrow(
    /machine\.cpu: contains a lone UTF-16 surrogate/,
  );
  expect(parseLayoutJson(doc().replace('"arch"', '"cpu": "a\\ud83d\\udca1", "arch"')).machine.cpu).toBe(
    "a💡",
  );
});
