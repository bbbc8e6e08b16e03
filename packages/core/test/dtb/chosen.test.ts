/**
 * /chosen builders. Expected orders and widths are QEMU's: measured on 7.2 with
 * `-machine dumpdtb` (see ../../conformance/dtb-qemu.test.ts), read in 8.2's hw/riscv/boot.c and
 * hw/arm/boot.c for the later profiles.
 */
import { describe, expect, it } from "vitest";
import {
  applyChosen,
  chosenEdits,
  chosenOverlayFdt,
  DtbError,
  emptyLayout,
  type Fdt,
  type FdtNode,
  findNode,
  getPropValue,
  type Layout,
  type Placement,
  PROFILES,
  readStringList,
  standaloneFdt,
  stringValue,
  u32Value,
} from "../../src/index.js";

const kernel = { path: "xen", size: 300_000n };
const initrd = { path: "rootfs", size: 0x1000n };

function layout(arch: Layout["machine"]["arch"], extra: Partial<Layout> = {}): Layout {
  return {
    ...emptyLayout(arch),
    kernel,
    initrd,
    append: "console=hvc0",
    modules: [
      { id: "k", addr: 0x42000000n, kernel: { path: "Image", size: 100n }, bootargs: "root=/dev/vda" },
      { id: "r", addr: 0x144000000n, initrd: { path: "cpio", size: 37n } },
    ],
    ...extra,
  };
}

const chosen = (fdt: Fdt) => findNode(fdt, "/chosen")!;
const propNames = (n: FdtNode) => n.props.map((p) => p.name);
const shape = (n: FdtNode) => n.children.map((c) => [c.name, propNames(c)]);

describe("standaloneFdt: QEMU's /chosen order per arch and profile", () => {
  it("ARM 7.2: initrd pair as u32 cells, then bootargs; modules reversed, bootargs/compatible/reg", () => {
    const c = chosen(standaloneFdt(layout("aarch64"), PROFILES["7.2"]));
    expect(propNames(c)).toEqual(["linux,initrd-end", "linux,initrd-start", "bootargs"]);
    // 128 MiB RAM: the initrd goes to base + 64 MiB [V 7.2]
    expect([...getPropValue(c, "/", "linux,initrd-start")!]).toEqual([0x44, 0, 0, 0]);
    expect([...getPropValue(c, "/", "linux,initrd-end")!]).toEqual([0x44, 0, 0x10, 0]);
    expect(shape(c)).toEqual([
      ["module@0x144000000", ["compatible", "reg"]],
      ["module@0x42000000", ["bootargs", "compatible", "reg"]],
    ]);
    const reg = getPropValue(c, "/module@0x144000000", "reg")!;
    expect([...reg]).toEqual([0, 0, 0, 1, 0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 37]);
    expect(readStringList(getPropValue(c, "/module@0x144000000", "compatible")!)).toEqual([
      "multiboot,module",
      "multiboot,ramdisk",
    ]);
  });

  it("ARM 8.2: linux,initrd-* are #address-cells (2) wide", () => {
    const c = chosen(standaloneFdt(layout("arm"), PROFILES["8.2"]));
    expect(getPropValue(c, "/", "linux,initrd-start")!.length).toBe(8);
  });

  it("RISC-V 7.2: bootargs set in create_fdt, before the initrd pair (u32)", () => {
    const c = chosen(standaloneFdt(layout("riscv64"), PROFILES["7.2"], { env: { firmwareSize: 0x1c280n } }));
    expect(propNames(c)).toEqual(["linux,initrd-end", "linux,initrd-start", "bootargs"]);
    expect(getPropValue(c, "/", "linux,initrd-start")!.length).toBe(4);
  });

  it("RISC-V 8.2: bootargs set after the initrd pair; 9.2: the pair is u64", () => {
    const env = { env: { firmwareSize: 0x1c280n } };
    const c82 = chosen(standaloneFdt(layout("riscv64"), PROFILES["8.2"], env));
    expect(propNames(c82)).toEqual(["bootargs", "linux,initrd-end", "linux,initrd-start"]);
    expect(getPropValue(c82, "/", "linux,initrd-start")!.length).toBe(4);
    const c92 = chosen(standaloneFdt(layout("riscv32"), PROFILES["9.2"], env));
    expect(getPropValue(c92, "/", "linux,initrd-end")!.length).toBe(8);
  });

  it("a u32 initrd cell drops the high bits, as qemu_fdt_setprop_cell does", () => {
    const placement = {
      regions: [{ id: "initrd", addr: 0x1_2000_0000n, size: 0x10n }],
    } as unknown as Placement;
    const c = chosen(standaloneFdt(layout("aarch64"), PROFILES["7.2"], { placement }));
    expect([...getPropValue(c, "/", "linux,initrd-start")!]).toEqual([0x20, 0, 0, 0]);
  });

  it("an empty -append writes no bootargs; an empty guest-loader bootargs= writes an empty string", () => {
    const l = layout("aarch64", {
      append: "",
      modules: [{ id: "k", addr: 0x1000n, kernel: { path: "K", size: 1n }, bootargs: "" }],
    });
    const c = chosen(standaloneFdt(l, PROFILES["7.2"]));
    expect(propNames(c)).not.toContain("bootargs");
    expect([...getPropValue(c, "/module@0x00001000", "bootargs")!]).toEqual([0]);
  });

  it("an empty module file is a size-0 node up to 8.2 and refused by 10.2", () => {
    const l = layout("aarch64", { modules: [{ id: "e", addr: 0x1000n, initrd: { path: "E", size: 0n } }] });
    expect(getPropValue(standaloneFdt(l, PROFILES["8.2"]), "/chosen/module@0x00001000", "reg")!.length).toBe(
      16,
    );
    expect(() => standaloneFdt(l, PROFILES["10.2"])).toThrow(
      expect.objectContaining({ code: "qemu-refuses" }),
    );
  });
});

describe("chosenEdits: what QEMU refuses", () => {
  const p = PROFILES["7.2"];
  const refuses = (l: Layout, msg: RegExp) => {
    let err: unknown;
    try {
      chosenEdits(l, p);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DtbError);
    expect((err as DtbError).code).toBe("qemu-refuses");
    expect((err as DtbError).message).toMatch(msg);
  };
  const mod = (m: object) => layout("aarch64", { modules: [{ id: "x", addr: 0x1000n, ...m }] });

  it("uses QEMU's realize messages, in QEMU's order", () => {
    refuses(mod({ kernel, initrd }), /Cannot specify a kernel and initrd in same stanza/);
    refuses(mod({}), /Need to specify a kernel or initrd image/);
    refuses(mod({ kernel, addr: 0n }), /Need to specify the address of guest blob/);
    refuses(mod({ initrd, bootargs: "x" }), /Boot args only relevant to kernel blobs/);
    refuses(
      layout("aarch64", { kernel: undefined as never, initrd: undefined as never }),
      /-append only allowed/,
    );
    refuses(layout("aarch64", { kernel: undefined as never, append: "" }), /-initrd only allowed/);
  });

  it("a module without a size is size-unknown, naming the file", () => {
    expect(() => chosenEdits(mod({ kernel: { path: "missing.bin" } }), p)).toThrow(
      expect.objectContaining({
        code: "size-unknown",
        moduleId: "x",
        message: expect.stringMatching(/missing\.bin/),
      }),
    );
  });

  it("two modules at one address fail like QEMU's qemu_fdt_add_subnode (FDT_ERR_EXISTS)", () => {
    const l = layout("aarch64", {
      modules: [
        { id: "a", addr: 0x1000n, kernel },
        { id: "b", addr: 0x1000n, initrd },
      ],
    });
    expect(() => standaloneFdt(l, p)).toThrow(expect.objectContaining({ code: "EXISTS" }));
  });
});

describe("applyChosen: new properties where QEMU's sequence puts them among the machine's", () => {
  const base = (props: string[], children: FdtNode[] = []): Fdt => ({
    version: 17,
    bootCpuId: 0,
    memReserve: [],
    root: {
      name: "",
      props: [{ name: "#address-cells", value: u32Value(2) }],
      children: [
        { name: "chosen", props: props.map((name) => ({ name, value: stringValue(name) })), children },
        { name: "memory@40000000", props: [], children: [] },
      ],
    },
  });

  it("ARM 7.2: in front of stdout-path, rng-seed, kaslr-seed [V 7.2]", () => {
    const out = applyChosen(
      base(["stdout-path", "rng-seed", "kaslr-seed"]),
      layout("aarch64"),
      PROFILES["7.2"],
    );
    expect(propNames(chosen(out))).toEqual([
      "linux,initrd-end",
      "linux,initrd-start",
      "bootargs",
      "stdout-path",
      "rng-seed",
      "kaslr-seed",
    ]);
  });

  it("RISC-V 7.2: bootargs between rng-seed and stdout-path [V 7.2]", () => {
    const l = layout("riscv64");
    const out = applyChosen(base(["rng-seed", "stdout-path"]), l, PROFILES["7.2"], {
      env: { firmwareSize: 0x1c280n },
    });
    expect(propNames(chosen(out))).toEqual([
      "linux,initrd-end",
      "linux,initrd-start",
      "rng-seed",
      "bootargs",
      "stdout-path",
    ]);
    // untouched properties keep their values
    expect(getPropValue(out, "/chosen", "rng-seed")).toEqual(stringValue("rng-seed"));
  });

  it("RISC-V 8.2: everything new in front of stdout-path and rng-seed [S 8.2]", () => {
    const out = applyChosen(base(["stdout-path", "rng-seed"]), layout("riscv64"), PROFILES["8.2"], {
      env: { firmwareSize: 0x1c280n },
    });
    expect(propNames(chosen(out))).toEqual([
      "bootargs",
      "linux,initrd-end",
      "linux,initrd-start",
      "stdout-path",
      "rng-seed",
    ]);
  });

  it("replaces an existing bootargs in place, and adds /chosen to a base without one", () => {
    const out = applyChosen(
      base(["rng-seed", "bootargs", "stdout-path"]),
      layout("riscv64", { initrd: undefined as never }),
      PROFILES["7.2"],
      {
        env: { firmwareSize: 0x1c280n },
      },
    );
    expect(propNames(chosen(out))).toEqual(["rng-seed", "bootargs", "stdout-path"]);
    expect(getPropValue(out, "/chosen", "bootargs")).toEqual(stringValue("console=hvc0"));
    const bare: Fdt = { ...base([]), root: { name: "", props: [], children: [] } };
    expect(chosen(applyChosen(bare, layout("aarch64"), PROFILES["7.2"])).children).toHaveLength(2);
  });

  it("a base that already has a module node is module-exists, saying how to fix it", () => {
    const b = base([], [{ name: "module@0x42000000", props: [], children: [] }]);
    expect(() => applyChosen(b, layout("aarch64"), PROFILES["7.2"])).toThrow(
      expect.objectContaining({ code: "module-exists", message: expect.stringMatching(/without them/) }),
    );
  });
});

describe("chosenOverlayFdt", () => {
  it("lists everything in QEMU's call order under fragment@0/__overlay__ with target-path /chosen", () => {
    const o = chosenOverlayFdt(layout("aarch64"), PROFILES["7.2"]);
    expect(o.root.props).toEqual([]);
    expect(o.root.children.map((c) => c.name)).toEqual(["fragment@0"]);
    expect(getPropValue(o, "/fragment@0", "target-path")).toEqual(stringValue("/chosen"));
    const ov = findNode(o, "/fragment@0/__overlay__")!;
    expect(propNames(ov)).toEqual(["bootargs", "linux,initrd-start", "linux,initrd-end"]);
    expect(shape(ov)).toEqual([
      ["module@0x42000000", ["reg", "compatible", "bootargs"]],
      ["module@0x144000000", ["reg", "compatible"]],
    ]);
  });

  it("bootProps: false carries the modules only", () => {
    const ov = findNode(
      chosenOverlayFdt(layout("aarch64"), PROFILES["7.2"], { bootProps: false }),
      "/fragment@0/__overlay__",
    )!;
    expect(ov.props).toEqual([]);
    expect(ov.children).toHaveLength(2);
  });
});
