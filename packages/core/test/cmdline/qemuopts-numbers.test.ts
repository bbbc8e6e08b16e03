import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatRamSize, parseQemuUint, parseRamSize } from "../../src/cmdline/numbers.js";
import { formatQemuOpts, parseQemuOpts } from "../../src/cmdline/qemuopts.js";

describe("parseQemuOpts", () => {
  it("reads the implied key, pairs, ,, escapes and flags (as QEMU 7.2 does)", () => {
    const p = parseQemuOpts("guest-loader,addr=0x1,bootargs=a,,b=c,nofoo,bar,", "driver");
    expect(p.map((x) => [x.key, x.value, x.form])).toEqual([
      ["driver", "guest-loader", "implied"],
      ["addr", "0x1", "pair"],
      ["bootargs", "a,b=c", "pair"],
      ["foo", "off", "flag"],
      ["bar", "on", "flag"],
    ]);
    expect(p[2]!.offset).toBe(22);
    expect(p[2]!.valueOffset).toBe(31);
  });

  it("QEMU 7.2: 'guest-loader,,x' is one driver name; a first element with = is a pair", () => {
    expect(parseQemuOpts("guest-loader,,x,addr=1", "driver")[0]!.value).toBe("guest-loader,x");
    expect(parseQemuOpts("addr=1,driver=loader", "driver").map((x) => x.key)).toEqual(["addr", "driver"]);
    expect(parseQemuOpts("a=1,=x", "driver").map((x) => x.key)).toEqual(["a", ""]);
  });

  it("format → parse is the identity for arbitrary values", () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/).filter((k) => !k.startsWith("no"));
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !s.includes("=")),
        fc.array(fc.tuple(key, fc.string())),
        (drv, props) => {
          const all: [string, string][] = [["driver", drv], ...props];
          const text = formatQemuOpts(all, "driver");
          expect(parseQemuOpts(text, "driver").map((p) => [p.key, p.value])).toEqual(all);
        },
      ),
    );
  });
});

describe("parseQemuUint (observed with qemu-system-aarch64 7.2 guest-loader addr=)", () => {
  it.each([
    ["0x48000000", 0x48000000n],
    ["1207959552", 0x48000000n],
    ["011000000000", 0x48000000n],
    ["0X48000000", 0x48000000n],
    ["+0x48000000", 0x48000000n],
    [" 0x48000000", 0x48000000n],
    ["\t0x10", 0x10n],
    ["\n0x10", 0x10n],
    ["07", 7n],
    ["-1", 0xffffffffffffffffn],
    ["-0x10", 0xfffffffffffffff0n],
    ["-18446744073709551615", 1n],
    ["18446744073709551615", 0xffffffffffffffffn],
    ["0", 0n],
    ["00", 0n],
  ])("accepts %j", (t, v) => expect(parseQemuUint(t)).toBe(v));
  it.each([
    "0x48000000K",
    "0x48000000 ",
    "0x4800_0000",
    "18446744073709551616",
    "-18446744073709551616",
    "0x10000000000000000",
    "",
    "0x",
    "0b101",
    "1e3",
    "08",
    "- 5",
    "--1",
    "+-1",
  ])("rejects %j", (t) => expect(parseQemuUint(t)).toBeUndefined());
});

describe("parseRamSize (observed with qemu-system-aarch64 7.2 -m, query-memory-size-summary)", () => {
  it.each([
    ["2G", 2n << 30n],
    ["2g", 2n << 30n],
    ["512", 512n << 20n],
    ["512m", 512n << 20n],
    ["01000", 1000n << 20n],
    ["08", 8n << 20n],
    ["1.5G", 1610612736n],
    ["0.5G", 536870912n],
    ["1.25M", 1310720n],
    ["2048k", 2097152n],
    ["1073741824B", 1073741824n],
    ["1073741824b", 1073741824n],
    [" 1G", 1n << 30n],
    ["100000B", 106496n],
    ["4095B", 8192n],
    ["65536B", 65536n],
    ["0", 128n << 20n],
    ["0x400M", 1n << 30n],
    ["2.0", 2n << 20n],
    ["1.", 1n << 20n],
  ])("%j gives %d bytes of RAM", (t, v) => expect(parseRamSize(t)?.ram).toBe(v));
  it.each(["1e3", "1G ", "2GiB", "2GB", "-1", "1_000", "1.5"])("rejects %j", (t) =>
    expect(parseRamSize(t)).toBeUndefined(),
  );
  it("0x40000000 without suffix is MiB (QEMU warns about hex with a suffix and runs out of memory)", () => {
    expect(parseRamSize("0x40000000")?.given).toBe(0x40000000n << 20n);
    expect(parseRamSize("0x400M")?.deprecatedHexSuffix).toBe(true);
  });
  it("formatRamSize parses back exactly, and refuses sizes QEMU would round", () => {
    expect(formatRamSize(2n << 30n)).toBe("2G");
    expect(formatRamSize(106496n)).toBe("104K");
    expect(formatRamSize(1000n)).toBeUndefined();
    expect(formatRamSize(0n)).toBeUndefined();
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 1n << 40n }), (k) => {
        const b = k * 8192n;
        expect(parseRamSize(formatRamSize(b)!)?.ram).toBe(b);
      }),
    );
  });
});
