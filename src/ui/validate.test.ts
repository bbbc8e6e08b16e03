import { describe, expect, it } from "vitest";
import { argvText, fitsU64, machineProps, validFileSize, validRam } from "./validate";

describe("field validation", () => {
  it("refuses addresses past 64 bits, accepts the last one", () => {
    expect(fitsU64(0xffffffffffffffffn)).toBeUndefined();
    expect(fitsU64(1n << 64n)).toMatch(/64-bit/);
  });
  it("refuses RAM QEMU would round or read as its default, and says what to type", () => {
    expect(validRam(2n << 30n)).toBeUndefined();
    expect(validRam(0n)).toMatch(/such as 8192$/);
    expect(validRam(1n)).toMatch(/such as 8192$/);
    expect(validRam(8193n)).toMatch(/such as 16384$/);
    expect(validRam(1n << 70n)).toMatch(/64-bit/);
  });
  it("refuses an empty placeholder size", () => {
    expect(validFileSize(0n)).toMatch(/0 bytes/);
    expect(validFileSize(0x28n)).toBeUndefined();
  });
});

describe("argument text", () => {
  it("refuses a NUL, which no argv element can carry; newlines and quotes are fine", () => {
    expect(argvText("root=/dev/vda\0 ro")).toMatch(/position 13/);
    expect(argvText("a\nb 'c' \"d\"")).toBeUndefined();
  });
});

describe("-M properties", () => {
  it("needs a name for every property and keeps type out", () => {
    expect(machineProps("virtualization=on,highmem=off")).toBeUndefined();
    expect(machineProps("virtualization,")).toBeUndefined();
    expect(machineProps("=on")).toMatch(/no property name/);
    expect(machineProps("gic-version=3,type=virt")).toMatch(/machine type/);
  });
});
