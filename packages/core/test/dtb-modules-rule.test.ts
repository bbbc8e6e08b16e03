import { describe, expect, it } from "vitest";
import {
  check,
  encodeFdt,
  type Fdt,
  type Layout,
  stringListValue,
  u32Value,
  u64Value,
} from "../src/index.js";
import { arm64Image, cpioBlob } from "./fixtures/kernels.js";

const MiB = 1n << 20n;

function module(addr: bigint, size: bigint, kind: "kernel" | "ramdisk") {
  return {
    name: `module@${addr.toString(16)}`,
    props: [
      { name: "compatible", value: stringListValue([`multiboot,${kind}`, "multiboot,module"]) },
      { name: "reg", value: u64Value(addr, size) },
    ],
    children: [],
  };
}

/** A user DTB whose /chosen names dom0's modules, as ImageBuilder writes them. */
function userDtb(modules: ReturnType<typeof module>[]): Uint8Array {
  const fdt: Fdt = {
    version: 17,
    bootCpuId: 0,
    memReserve: [],
    root: {
      name: "",
      props: [
        { name: "#address-cells", value: u32Value(2) },
        { name: "#size-cells", value: u32Value(2) },
      ],
      children: [{ name: "chosen", props: [], children: modules }],
    },
  };
  return encodeFdt(fdt);
}

function layout(dtb: Uint8Array): Layout {
  const image = arm64Image(0x3000, 0n, 0x3000n);
  const cpio = cpioBlob(0x2000);
  return {
    machine: {
      arch: "aarch64",
      type: "virt",
      props: [],
      ram: 1024n * MiB,
      cpu: "max",
      bios: { kind: "default" },
    },
    dtb: { path: "user.dtb", size: BigInt(dtb.length), head: dtb },
    modules: [],
    loaders: [
      { id: "l1", addr: 0x50000000n, file: { path: "Image", size: 0x3000n, head: image }, forceRaw: true },
      {
        id: "l2",
        addr: 0x51000000n,
        file: { path: "rootfs.cpio", size: 0x2000n, head: cpio },
        forceRaw: true,
      },
    ],
    extraArgs: [],
  };
}

const stale = (l: Layout) => check(l).diagnostics.filter((d) => d.code === "dtb-module-stale");

describe("dtb-module-stale: a -dtb's module nodes against what is loaded", () => {
  it("matching nodes are fine", () => {
    const dtb = userDtb([module(0x51000000n, 0x2000n, "ramdisk"), module(0x50000000n, 0x3000n, "kernel")]);
    expect(stale(layout(dtb))).toEqual([]);
  });

  it("a stale size (the kernel was rebuilt) is an error naming the node and the real size", () => {
    const d = stale(layout(userDtb([module(0x50000000n, 0x2000n, "kernel")])));
    expect(d.map((x) => [x.severity, x.regions, x.start, x.end])).toEqual([
      ["error", ["l1"], 0x50000000n, 0x50003000n],
    ]);
    expect(d[0]!.message).toMatch(/user\.dtb: \/chosen\/module@50000000 says .* stale .* reg size to 0x3000/);
  });

  it("a node with nothing loaded there, or in the middle of a file, is an error", () => {
    const d = stale(
      layout(userDtb([module(0x52000000n, 0x1000n, "ramdisk"), module(0x50001000n, 0x1000n, "kernel")])),
    );
    expect(d.map((x) => [x.start, x.regions])).toEqual([
      [0x50001000n, ["l1"]],
      [0x52000000n, []],
    ]);
    expect(d[0]!.message).toMatch(/inside -device loader blob Image/);
    expect(d[1]!.message).toMatch(/loads nothing there/);
  });

  it("a kernel node over a cpio, or a ramdisk node over a kernel, is a warning", () => {
    const d = stale(
      layout(userDtb([module(0x51000000n, 0x2000n, "kernel"), module(0x50000000n, 0x3000n, "ramdisk")])),
    );
    expect(d.map((x) => [x.severity, x.start])).toEqual([
      ["warning", 0x50000000n],
      ["warning", 0x51000000n],
    ]);
    expect(d[0]!.message).toMatch(/is a kernel/);
    expect(d[1]!.message).toMatch(/is a cpio archive/);
  });
});
