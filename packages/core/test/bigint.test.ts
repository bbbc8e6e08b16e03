import { describe, expect, it } from "vitest";
import { alignDown, alignUp, formatSize, parseSize } from "../src/index.js";

describe("parseSize", () => {
  it("an upper-case 0X with only separators is not a number (found by npm run fuzz: it threw)", () => {
    expect(parseSize("0X_")).toBeUndefined();
    expect(parseSize("0X__")).toBeUndefined();
    expect(parseSize("0X1F")).toBe(31n);
  });

  it.each<[string, bigint | undefined]>([
    ["0x42000000", 0x42000000n],
    ["1107296256", 1107296256n],
    ["64M", 64n << 20n],
    ["64 MiB", 64n << 20n],
    ["2g", 2n << 30n],
    ["4KiB", 4096n],
    ["1_000", 1000n],
    ["0x4b", 0x4bn],
    ["0x4g", undefined],
    ["0x", undefined],
    ["", undefined],
    ["-1", undefined],
    ["12Q", undefined],
    ["1.5M", undefined],
  ])("%s", (text, v) => expect(parseSize(text)).toBe(v));
});

describe("alignment and formatting", () => {
  it("aligns up and down", () => {
    expect(alignUp(0x48000001n, 0x200000n)).toBe(0x48200000n);
    expect(alignUp(0x48000000n, 0x200000n)).toBe(0x48000000n);
    expect(alignDown(0xbfefffffn, 0x200000n)).toBe(0xbfe00000n);
  });
  it("formats sizes in exact binary units", () => {
    expect(formatSize(2n << 30n)).toBe("2 GiB");
    expect(formatSize(0x100000n)).toBe("1 MiB");
    expect(formatSize(17000000n)).toBe("17000000 bytes");
  });
});
