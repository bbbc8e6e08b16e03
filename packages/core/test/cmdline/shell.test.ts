import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCommand, shellQuote } from "../../src/cmdline/shell-quote.js";
import { ShellSplitError, shellSplit } from "../../src/cmdline/shell-split.js";

function code(text: string): string | undefined {
  try {
    shellSplit(text);
    return undefined;
  } catch (e) {
    return (e as ShellSplitError).code;
  }
}

describe("shellSplit", () => {
  it("splits words, quotes and continuations like bash", () => {
    expect(
      shellSplit(`qemu-system-aarch64 -M virt \\\n  -append "console=ttyAMA0 \\"x\\" \\$y" -kernel 'a b'\\'c`)
        .argv,
    ).toEqual(["qemu-system-aarch64", "-M", "virt", "-append", 'console=ttyAMA0 "x" $y', "-kernel", "a b'c"]);
  });

  it("decodes $'…' ANSI-C quoting, including UTF-8 from \\x bytes", () => {
    expect(shellSplit(String.raw`p $'a\nb\t\x41\101\u00fc\xc3\xbc\'\\' x`).argv).toEqual([
      "p",
      "a\nb\tAAüü'\\",
      "x",
    ]);
  });

  it("returns leading assignments apart from argv", () => {
    const r = shellSplit("FOO=1 BAR='x y' qemu-system-arm A=B");
    expect(r.assignments).toEqual([
      { name: "FOO", value: "1" },
      { name: "BAR", value: "x y" },
    ]);
    expect(r.argv).toEqual(["qemu-system-arm", "A=B"]);
  });

  it("ignores comments and blank lines, keeps # inside words", () => {
    expect(shellSplit("# boot it\n\nqemu a#b # note\n# end\n").argv).toEqual(["qemu", "a#b"]);
  });

  it.each([
    ["q $HOME", "unquoted-expansion", 2],
    ["q $(touch /tmp/x)", "unquoted-expansion", 2],
    ["q `id`", "unquoted-expansion", 2],
    ['q "a $x"', "expansion-in-double-quotes", 5],
    ["q ~/k", "unquoted-expansion", 2],
    ["q a;b", "unquoted-operator", 3],
    ["q a | b", "unquoted-operator", 4],
    ["q >f", "unquoted-operator", 2],
    ["q a*", "unquoted-glob", 3],
    ["q {a,b}", "unquoted-glob", 2],
    ["q 'a", "unterminated-quote", 2],
    ["q\nr", "multiple-commands", 2],
    ["q $'\\0'", "nul-byte", 4],
    ["q $'\\xff'", "invalid-utf8", 4],
    ["# nothing", "empty-command", 9],
  ])("%j → %s at offset %d", (text, c, offset) => {
    try {
      shellSplit(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ShellSplitError);
      expect((e as ShellSplitError).code).toBe(c);
      expect((e as ShellSplitError).position.offset).toBe(offset);
    }
  });

  it("reports line and column", () => {
    try {
      shellSplit("qemu \\\n  -append $X");
      expect.unreachable();
    } catch (e) {
      expect((e as ShellSplitError).position).toEqual({ line: 2, column: 11, offset: 17 });
    }
    expect(code("q '$x' \"\\$x\" \\$x")).toBeUndefined();
  });
});

describe("shellQuote", () => {
  it("leaves safe words bare and single-quotes the rest", () => {
    expect(shellQuote("guest-loader,addr=0x48000000")).toBe("guest-loader,addr=0x48000000");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote("A=b")).toBe("'A=b'");
    expect(shellQuote("~x")).toBe("'~x'");
  });

  it("formats line, multiline and json", () => {
    const g = [["qemu-system-aarch64"], ["-M", "virt"], ["-append", "a b"]];
    expect(formatCommand(g, "line")).toBe("qemu-system-aarch64 -M virt -append 'a b'\n");
    expect(formatCommand(g, "multiline")).toBe("qemu-system-aarch64 \\\n  -M virt \\\n  -append 'a b'\n");
    expect(JSON.parse(formatCommand(g, "json"))).toEqual([
      "qemu-system-aarch64",
      "-M",
      "virt",
      "-append",
      "a b",
    ]);
  });

  it("shellSplit inverts shellQuote for every NUL-free argv", () => {
    const arg = fc.string({ unit: "grapheme" }).filter((s) => !s.includes("\0"));
    const mixed = fc.oneof(
      arg,
      fc.string({ unit: fc.constantFrom("'", '"', "\\", "$", "`", "\n", " ", ",", ";", "\r") }),
    );
    fc.assert(
      fc.property(
        fc.array(mixed, { maxLength: 6 }),
        fc.constantFrom("line", "multiline") as fc.Arbitrary<"line" | "multiline">,
        (args, fmt) => {
          const argv = ["qemu-system-aarch64", ...args];
          const text = formatCommand(
            argv.map((a) => [a]),
            fmt,
          );
          expect(shellSplit(text).argv).toEqual(argv);
        },
      ),
      { numRuns: 500 },
    );
  });
});
