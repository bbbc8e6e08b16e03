import { describe, expect, it } from "vitest";
import { intelHexBlocks, looksLikeIntelHex } from "../src/qemu/ihex-blocks.js";

describe("Intel HEX blocks (QEMU's generic loader)", () => {
  it("joins consecutive data records and splits at a gap; 02 and 04 records move the base", () => {
    const text = [
      ":020000040001F9", // upper 16 bits 0x0001
      ":040000001122334452",
      ":0400040055667788F2", // continues the block at 0x10004
      ":020000021000EC", // segment 0x1000 → base 0x10000
      ":010010009956", // 0x10010: after a gap, a new block (checksum not checked, as QEMU)
      ":00000001FF",
      ":0100000042BD", // after the end record: ignored
    ].join("\n");
    expect(intelHexBlocks(text)).toEqual([
      { addr: 0x10000n, size: 8n },
      { addr: 0x10010n, size: 1n },
    ]);
  });

  it("a malformed record makes the file not HEX (QEMU then loads it raw)", () => {
    expect(intelHexBlocks(":0400000011\n")).toBeUndefined();
    expect(intelHexBlocks(":04000000112233445X\n")).toBeUndefined();
    expect(
      looksLikeIntelHex(new TextEncoder().encode(":10000000B0B1B2B3B0B1B2B3B0B1B2B3B0B1B2B3D8\r\n")),
    ).toBe(true);
    expect(looksLikeIntelHex(new TextEncoder().encode("#!/bin/sh\n"))).toBe(false);
  });
});
