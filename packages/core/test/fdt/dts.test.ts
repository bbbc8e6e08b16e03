import { describe, expect, it } from "vitest";
import { type Fdt, formatPropValue, printDts } from "../../src/fdt/index.js";

const b = (...xs: number[]) => Uint8Array.from(xs);
const s = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe("printDts", () => {
  // Each expectation is what dtc 1.6.1 printed for a blob holding these bytes
  // (`dtc -I dts -O dtb` of the quoted source, then `dtc -q -I dtb -O dts`).
  it.each([
    [
      '"x\\\\y\\"z\\t\\n\\a\\b\\v\\f\\r"',
      s('x\\y"z\t\n\x07\b\v\f\r\0'),
      ' = "x\\\\y\\"z\\t\\n\\a\\b\\v\\f\\r";',
    ],
    ['""', b(0), " = [00];"],
    ['"a", "", "b"', s("a\0\0b\0"), " = [61 00 00 62 00];"],
    ['"ab", ""', s("ab\0\0"), ' = "ab\\0";'],
    ["[61 00 00]", s("a\0\0"), " = [61 00 00];"],
    ["[80 00]", b(0x80, 0), " = [80 00];"],
    ["[01 02 03]", b(1, 2, 3), " = [01 02 03];"],
    ["/bits/ 16 <1 2>", b(0, 1, 0, 2), " = <0x10002>;"],
    ['"abc"', s("abc\0"), ' = "abc";'],
    ["[00 00 00 00 00]", b(0, 0, 0, 0, 0), " = [00 00 00 00 00];"],
    ["[7f 00]", b(0x7f, 0), " = [7f 00];"],
    ['"a", "b"', s("a\0b\0"), ' = "a\\0b";'],
    ['"a", "b", ""', s("a\0b\0\0"), " = [61 00 62 00 00];"],
    ["<0xffffffff>", b(0xff, 0xff, 0xff, 0xff), " = <0xffffffff>;"],
    ['" "', s(" \0"), ' = " ";'],
    ["<0 1>", b(0, 0, 0, 0, 0, 0, 0, 1), " = <0x00 0x01>;"],
    ["(empty)", b(), ";"],
  ])("%s", (_src, value, printed) => {
    expect(formatPropValue(value)).toBe(printed);
  });

  it("prints header, reservations, tabs and blank lines before subnodes as dtc does", () => {
    const fdt: Fdt = {
      version: 17,
      bootCpuId: 0,
      memReserve: [{ address: 0x1000n, size: 0x2000n }],
      root: {
        name: "",
        props: [
          { name: "a", value: s("x\0") },
          { name: "b", value: b(0, 0, 0, 1) },
        ],
        children: [
          {
            name: "c",
            props: [
              { name: "a", value: s("y\0") },
              { name: "d", value: b() },
            ],
            children: [],
          },
        ],
      },
    };
    // dtc 1.6.1's output for: /memreserve/ 0x1000 0x2000; / { a = "x"; b = <1>; c { a = "y"; d; }; };
    expect(printDts(fdt)).toBe(
      '/dts-v1/;\n\n/memreserve/\t0x0000000000001000 0x0000000000002000;\n/ {\n\ta = "x";\n\tb = <0x01>;\n\n\tc {\n\t\ta = "y";\n\t\td;\n\t};\n};\n',
    );
  });
});
