/**
 * A DTB known only by its head (the app keeps a file's first 64 KiB): a tree whose blocks run past
 * the head is refused with a message saying the head was short, not that the file is.
 */
import { describe, expect, it } from "vitest";
import { decodeDtbHead } from "../../src/dtb/user-dtb.js";
import { encodeFdt, type Fdt, FdtError, u32Value } from "../../src/index.js";

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
