/** importDtb on hand-built trees: cell sizes, kinds, order, and one fixture per failure. */
import { describe, expect, it } from "vitest";
import {
  cellsValue,
  emptyLayout,
  encodeFdt,
  type Fdt,
  type FdtNode,
  type FdtProperty,
  importDtb,
  PROFILES,
  standaloneDtb,
  stringListValue,
  stringValue,
  u32Value,
} from "../../src/index.js";

const prop = (name: string, value: Uint8Array): FdtProperty => ({ name, value });
const node = (name: string, props: FdtProperty[], children: FdtNode[] = []): FdtNode => ({
  name,
  props,
  children,
});
const mod = (
  addr: number,
  reg: Uint8Array,
  compat = ["multiboot,module", "multiboot,kernel"],
  extra: FdtProperty[] = [],
) =>
  node(`module@${addr.toString(16)}`, [
    ...extra,
    prop("compatible", stringListValue(compat)),
    prop("reg", reg),
  ]);

function dtb(rootProps: FdtProperty[], chosen: FdtNode | undefined): Uint8Array {
  const fdt: Fdt = {
    version: 17,
    bootCpuId: 0,
    memReserve: [],
    root: node("", rootProps, chosen ? [chosen] : []),
  };
  return encodeFdt(fdt);
}
const cells = (a: number, s: number) => [
  prop("#address-cells", u32Value(a)),
  prop("#size-cells", u32Value(s)),
];

describe("importDtb", () => {
  it("reads back a standalone DTB: modules in command-line order, bootargs, initrd", () => {
    const layout = {
      ...emptyLayout("aarch64"),
      kernel: { path: "xen", size: 4096n },
      initrd: { path: "r", size: 0x10n },
      append: "dom0_mem=1G,max:1G",
      modules: [
        { id: "a", addr: 0x1_4000_0000n, kernel: { path: "Image", size: 100n }, bootargs: 'ü "q"' },
        { id: "b", addr: 0x4700_0000n, initrd: { path: "rootfs.cpio", size: 7n } },
      ],
    };
    const r = importDtb(standaloneDtb(layout, PROFILES["7.2"]));
    expect(r.modules).toEqual([
      {
        id: "m1",
        addr: 0x1_4000_0000n,
        kernel: { path: "kernel-0x140000000.bin", size: 100n },
        bootargs: 'ü "q"',
      },
      { id: "m2", addr: 0x4700_0000n, initrd: { path: "initrd-0x47000000.bin", size: 7n } },
    ]);
    expect(r.bootargs).toBe("dom0_mem=1G,max:1G");
    expect(r.initrd).toEqual({ start: 0x44000000n, end: 0x44000010n });
    expect(r.cells).toEqual({ address: 2, size: 2 });
    expect(r.warnings).toEqual([]);
  });

  it("honours the root's #address-cells/#size-cells, and /chosen's own over them", () => {
    const r1 = importDtb(dtb(cells(1, 1), node("chosen", [], [mod(0x1000, u32Value(0x1000, 0x20))])));
    expect(r1.modules[0]).toMatchObject({ addr: 0x1000n, kernel: { size: 0x20n } });
    const r2 = importDtb(
      dtb(
        cells(2, 2),
        node("chosen", cells(1, 2), [
          mod(0x1000, Uint8Array.from([...u32Value(0x1000), ...cellsValue(2, 0x1_0000_0000n)])),
        ]),
      ),
    );
    expect(r2.modules[0]).toMatchObject({ addr: 0x1000n, kernel: { size: 0x1_0000_0000n } });
    expect(r2.cells).toEqual({ address: 1, size: 2 });
  });

  it("reads QEMU's two u64 under other cell sizes, with a warning", () => {
    const r = importDtb(dtb(cells(1, 1), node("chosen", [], [mod(0x1000, cellsValue(2, 0x1000n, 5n))])));
    expect(r.modules[0]).toMatchObject({ addr: 0x1000n, kernel: { size: 5n } });
    expect(r.warnings[0]).toMatch(/two u64/);
  });

  it("kinds from compatible (Xen's legacy names too); other modules skipped with a warning", () => {
    const r = importDtb(
      dtb(
        cells(2, 2),
        node(
          "chosen",
          [],
          [
            mod(0x3000, cellsValue(2, 0x3000n, 1n), ["multiboot,module", "multiboot,device-tree"]),
            mod(0x2000, cellsValue(2, 0x2000n, 1n), ["xen,linux-initrd", "multiboot,module"]),
            mod(0x1000, cellsValue(2, 0x1000n, 1n), ["xen,linux-zimage", "multiboot,module"]),
            node("domU1", [prop("compatible", stringValue("xen,domain"))]),
          ],
        ),
      ),
    );
    expect(r.modules.map((m) => [m.addr, m.kernel ? "kernel" : "initrd"])).toEqual([
      [0x1000n, "kernel"],
      [0x2000n, "initrd"],
    ]);
    expect(r.warnings).toEqual([expect.stringMatching(/module@3000 skipped.*multiboot,device-tree/)]);
  });

  it("reads u32 and u64 initrd cells alike", () => {
    const r = importDtb(
      dtb(
        cells(2, 2),
        node("chosen", [
          prop("linux,initrd-start", u32Value(0x100)),
          prop("linux,initrd-end", cellsValue(2, 0x200n)),
        ]),
      ),
    );
    expect(r.initrd).toEqual({ start: 0x100n, end: 0x200n });
  });

  it.each([
    ["no /chosen", dtb(cells(2, 2), undefined), "NOTFOUND", /no \/chosen node/],
    [
      "reg not a multiple of the cells",
      dtb(cells(2, 2), node("chosen", [], [mod(0x1000, u32Value(1, 2, 3))])),
      "BADVALUE",
      /reg is 12 bytes, not a multiple of 16/,
    ],
    ["#address-cells 3", dtb(cells(3, 2), node("chosen", [], [])), "BADVALUE", /#address-cells = <3>/],
    [
      "#size-cells of 8 bytes",
      dtb([prop("#size-cells", cellsValue(2, 1n))], node("chosen", [], [])),
      "BADVALUE",
      /#size-cells is 8 bytes/,
    ],
    [
      "a module without reg",
      dtb(
        cells(2, 2),
        node(
          "chosen",
          [],
          [node("module@1", [prop("compatible", stringListValue(["multiboot,module", "multiboot,kernel"]))])],
        ),
      ),
      "BADVALUE",
      /has no reg/,
    ],
    [
      "an odd initrd width",
      dtb(
        cells(2, 2),
        node("chosen", [
          prop("linux,initrd-start", new Uint8Array(6)),
          prop("linux,initrd-end", u32Value(1)),
        ]),
      ),
      "BADVALUE",
      /initrd-start is 6 bytes/,
    ],
    ["not a DTB", new Uint8Array(64).fill(7), "BADMAGIC", /./],
    ["truncated", dtb(cells(2, 2), node("chosen", [], [])).subarray(0, 30), "TRUNCATED", /./],
  ])("%s", (_label, bytes, code, message) => {
    expect(() => importDtb(bytes)).toThrow(
      expect.objectContaining({ name: "FdtError", code, message: expect.stringMatching(message) }),
    );
  });
});
