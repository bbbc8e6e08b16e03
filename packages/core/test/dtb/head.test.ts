/**
 * A DTB known only by its head (the app keeps a file's first 64 KiB): a tree whose blocks run past
 * the head is refused with a message saying the head was short, not that the file is.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeDtbHead } from "../../src/dtb/user-dtb.js";
import {
  cellsValue,
  check,
  chosenFdt,
  chosenPartOfDtb,
  decodeFdt,
  dtbRunsPastHead,
  encodeFdt,
  type Fdt,
  FdtError,
  importArgv,
  type Layout,
  printDts,
  profileFor,
  stringListValue,
  stringValue,
  u32Value,
} from "../../src/index.js";

/** A board-sized tree: 5,000 nodes, about 200 KiB. */
function bigTree(): Uint8Array {
  const fdt: Fdt = {
    version: 17,
    bootCpuId: 0,
    memReserve: [],
    root: {
      name: "",
      props: [],
      children: [
        { name: "chosen", props: [], children: [] },
        ...Array.from({ length: 5000 }, (_, i) => ({
          name: `n${i}@${i.toString(16)}`,
          props: [{ name: "reg", value: u32Value(i) }],
          children: [],
        })),
      ],
    },
  };
  return encodeFdt(fdt);
}

describe("decodeDtbHead", () => {
  it("refuses a tree whose blocks run past the head, saying only the head was read", () => {
    const bytes = bigTree();
    expect(bytes.length).toBeGreaterThan(65536);
    const size = BigInt(bytes.length);
    expect(() => decodeDtbHead(bytes.subarray(0, 65536), size)).toThrow(FdtError);
    expect(() => decodeDtbHead(bytes.subarray(0, 65536), size)).toThrow(
      `FDT_ERR_TRUNCATED at byte 0x4: only the first 0x10000 bytes of this 0x${bytes.length.toString(16)}-byte DTB were read (the head kept of each file)`,
    );
    expect(decodeDtbHead(bytes, size).root.children).toHaveLength(5001);
  });

  it("still calls a file that is really cut short cut short", () => {
    const cut = bigTree().slice(0, 1000);
    expect(() => decodeDtbHead(cut, 1000n)).toThrow(/but only 0x3e8 were given; the file is cut short/);
    expect(() => decodeDtbHead(cut)).toThrow(/the file is cut short/);
  });
});

describe("chosenPartOfDtb: a big -dtb's /chosen, kept as its head", () => {
  /** The big tree with a Xen /chosen: bootargs, a dom0 module node and a dom0less domain. */
  function xenTree(): Uint8Array {
    const big = decodeFdt(bigTree());
    const chosen = {
      name: "chosen",
      props: [{ name: "xen,xen-bootargs", value: stringValue("dom0_mem=512M") }],
      children: [
        {
          name: "module@50000000",
          props: [
            { name: "compatible", value: stringListValue(["multiboot,kernel", "multiboot,module"]) },
            { name: "reg", value: cellsValue(2, 0x50000000n, 0x200000n) },
          ],
          children: [],
        },
      ],
    };
    return encodeFdt({
      ...big,
      root: {
        ...big.root,
        props: [
          { name: "#address-cells", value: u32Value(2) },
          { name: "#size-cells", value: u32Value(2) },
          { name: "model", value: stringValue("board") },
        ],
        children: [chosen, ...big.root.children.slice(1)],
      },
    });
  }
  const whole = xenTree();
  const layout: Layout = {
    ...importArgv([
      "qemu-system-aarch64",
      ...["-M", "virt", "-cpu", "cortex-a57", "-m", "2G", "-kernel", "xen", "-append", "console=dtuart"],
      ...["-dtb", "board.dtb", "-device", "loader,file=Image,addr=0x50000000,force-raw=on"],
    ]).layout,
  };
  const withHead = (head: Uint8Array): Layout => ({
    ...layout,
    kernel: { path: "xen", size: 0x100000n },
    dtb: { path: "board.dtb", size: BigInt(whole.length), head },
    loaders: layout.loaders.map((l) => ({ ...l, file: { path: "Image", size: 0x300000n } })),
  });

  it("is needed only when the tree runs past the head", () => {
    expect(dtbRunsPastHead(whole.subarray(0, 65536))).toBe(true);
    expect(dtbRunsPastHead(whole)).toBe(false);
    // QEMU's own DTB: padded to 1 MiB, its blocks in the first KiB.
    const qemu = readFileSync(new URL("../fixtures/qemu-dtbs/aarch64-virt-xen-7.2.dtb", import.meta.url));
    const padded = encodeFdt(decodeFdt(new Uint8Array(qemu)), { padTo: 0x100000 });
    expect(dtbRunsPastHead(padded.subarray(0, 65536))).toBe(false);
    expect(dtbRunsPastHead(new Uint8Array(65536))).toBe(false);
  });

  it("gives the /chosen, the module checks and the cell sizes of the whole file", () => {
    const part = chosenPartOfDtb(whole);
    expect(part.length).toBeLessThan(1024);
    const profile = profileFor("10.0");
    expect(printDts(chosenFdt(withHead(part), profile))).toBe(printDts(chosenFdt(withHead(whole), profile)));
    const stale = (head: Uint8Array) =>
      check(withHead(head), { qemu: "10.0" }).diagnostics.filter((d) => d.code === "dtb-module-stale");
    expect(stale(part)).toEqual(stale(whole));
    expect(stale(part).map((d) => [d.severity, d.start])).toEqual([["error", 0x50000000n]]);
    // Only the head: nothing to check, and /chosen says the head was short.
    expect(stale(whole.subarray(0, 65536))).toEqual([]);
  });

  it("refuses a malformed DTB with the codec's error", () => {
    const bad = whole.slice();
    new DataView(bad.buffer).setUint32(8, 0xfffffff0);
    expect(() => chosenPartOfDtb(bad)).toThrow(FdtError);
  });
});
