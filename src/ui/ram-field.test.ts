import { describe, expect, it } from "vitest";
import { parseRamText } from "./ram-field";

describe("parseRamText", () => {
  it("takes -m fractions as QEMU does (7.2 and 10.0.2 give 0xe0000000 bytes for 3.5G)", () => {
    // Measured: qemu-system-aarch64 -M virt -cpu cortex-a57 -m 3.5G -machine dumpdtb=… → memory
    // reg <0x0 0x40000000 0x0 0xe0000000> on QEMU 7.2.22 and 10.0.2 alike.
    expect(parseRamText("3.5G")).toBe(0xe0000000n);
    expect(parseRamText("1.5g")).toBe(0x60000000n);
    expect(parseRamText("2G")).toBe(2n << 30n);
    expect(parseRamText("2GiB")).toBe(2n << 30n);
    expect(parseRamText("0x80000000")).toBe(0x80000000n);
  });
  it("refuses what QEMU refuses", () => {
    expect(parseRamText("1.5")).toBeUndefined();
    expect(parseRamText("3.5GiB")).toBeUndefined();
    expect(parseRamText("G")).toBeUndefined();
  });
});
