/**
 * Exported command lines judged by the real tools: bash (argv as a program receives it, and no
 * payload ever executes) and every installed QEMU, 7.2.22 and 10.0.2 (bootargs in /chosen as
 * dtc/fdtget read them).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { exportArgv } from "../src/cmdline/export.js";
import { importArgv } from "../src/cmdline/import.js";
import { formatCommand, scriptShebang } from "../src/cmdline/shell-quote.js";
import { shellSplit } from "../src/cmdline/shell-split.js";
import type { Layout } from "../src/model/types.js";
import { TERMINAL_UNSAFE } from "../src/util/text.js";
import { qemuInstalls, qemuLabel } from "./qemu.js";
import { haveTool } from "./tools.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-cmdline-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pwned = join(dir, "pwned");

/** A stand-in for QEMU that prints its argv NUL-separated. */
const echoArgv = join(dir, "echo-argv");
writeFileSync(echoArgv, `#!/bin/sh\nfor a in "$0" "$@"; do printf '%s\\0' "$a"; done\n`, { mode: 0o755 });

const PAYLOADS = [
  `$(touch ${pwned})`,
  `\`touch ${pwned}\``,
  `'; touch ${pwned}; '`,
  `"; touch ${pwned}; "`,
  `a,b,,c=d e`,
  "line1\nline2",
  " lead and trail ",
  "ünï ✓ 💡",
  "tab\there",
  "$HOME ~ * ? [x] {a,b} \\ !! #",
  "",
  "\x1b[31mred\x1b[0m \x07",
  "\u202etxt.exe",
  "del\x7f c1\u0085 lsep\u2028",
  "$'\\x41' \\x41",
];

function layoutWith(s: string, file: string): Layout {
  return {
    ...importArgv(["qemu-system-aarch64", "-M", "virt", "-m", "1G"]).layout,
    append: s,
    kernel: { path: file },
    modules: [
      { id: "m1", addr: 0x48000000n, kernel: { path: file }, bootargs: s },
      { id: "m2", addr: 0x49000000n, initrd: { path: file } },
    ],
  };
}

function runBash(text: string): string[] {
  const script = join(dir, "cmd.sh");
  writeFileSync(script, text);
  const out = execFileSync("bash", [script], { cwd: dir });
  const parts = out.toString("utf8").split("\0");
  parts.pop();
  return parts;
}

/** Characters file names and arguments really hold, and the ones attackers add. */
const nameUnit = fc.oneof(
  fc.constantFrom("'", '"', "\\", "$", "`", "\n", "\t", " ", ",", ";", "(", "*", "~", "=", "-", "#", "!"),
  fc.constantFrom("\x1b", "\x07", "\x7f", "\u0085", "\u202e", "\u2066", "\u200f", "\u2028", "é", "💡", "ü"),
  fc.constantFrom(`$(touch ${pwned})`, `\`touch ${pwned}\``, `'; touch ${pwned}; '`, `$'\\x41'`),
  fc.string({ unit: "grapheme", maxLength: 1 }),
);
const nameArb = fc.string({ unit: nameUnit, minLength: 1, maxLength: 12 }).filter((s) => !s.includes("\0"));

/** Runs a whole exported script (shebang included) as the user would: ./run.sh. */
function runScript(text: string): string[] {
  const script = join(dir, "run.sh");
  writeFileSync(script, text, { mode: 0o755 });
  const out = execFileSync(script, [], { cwd: dir });
  const parts = out.toString("utf8").split("\0");
  parts.pop();
  return parts;
}

describe.skipIf(!haveTool("bash"))("exported command lines through bash", () => {
  it.each(["line", "multiline"] as const)("bash passes exactly the intended argv (%s)", (fmt) => {
    for (const p of PAYLOADS) {
      const e = exportArgv(layoutWith(p, `k ${p.slice(0, 8)}`), { program: echoArgv });
      if (!e.ok) throw new Error(JSON.stringify(e.issues));
      expect(runBash(formatCommand(e.groups, fmt))).toEqual(e.argv);
      expect(existsSync(pwned)).toBe(false);
    }
  });

  it("file names, -append and bootargs with controls, bidi and payloads: exact argv, nothing runs, nothing raw", () => {
    fc.assert(
      fc.property(nameArb, nameArb, nameArb, (kernel, initrd, append) => {
        const layout: Layout = {
          ...layoutWith(append, kernel),
          modules: [
            { id: "m1", addr: 0x48000000n, kernel: { path: kernel }, bootargs: append },
            { id: "m2", addr: 0x49000000n, initrd: { path: initrd } },
          ],
          loaders: [{ id: "l1", addr: 0x4a000000n, file: { path: `${initrd}.bin` }, forceRaw: true }],
        };
        const e = exportArgv(layout, { program: echoArgv });
        if (!e.ok) throw new Error(JSON.stringify(e.issues));
        for (const fmt of ["line", "multiline"] as const) {
          const text = formatCommand(e.groups, fmt);
          // What a terminal would show holds no control or bidi character…
          expect(TERMINAL_UNSAFE.test(text)).toBe(false);
          // …and the script, run as ./run.sh with the shebang the CLI writes, passes exact argv.
          expect(runScript(`${scriptShebang(text)}${text}`)).toEqual(e.argv);
        }
      }),
      { numRuns: 80 },
    );
    expect(existsSync(pwned)).toBe(false);
  });

  it("random strings: bash argv = intended argv = shellSplit(text)", () => {
    const s = fc
      .string({
        unit: fc.oneof(
          fc.constantFrom("'", '"', "\\", "$", "`", "\n", " ", ",", ";", "(", "*"),
          fc.string({ unit: "grapheme", maxLength: 1 }),
        ),
      })
      .map((x) => x.replace(/\0/g, ""));
    fc.assert(
      fc.property(fc.array(s, { maxLength: 4 }), (args) => {
        const groups = [[echoArgv], ...args.map((a) => [a])];
        const text = formatCommand(groups, "multiline");
        const argv = runBash(text);
        expect(argv).toEqual(groups.flat());
        expect(shellSplit(text).argv).toEqual(argv);
      }),
      { numRuns: 60 },
    );
    expect(existsSync(pwned)).toBe(false);
  });
});

function fdtBytes(dtb: string, node: string, prop: string): string {
  const r = spawnSync("fdtget", ["-t", "bx", dtb, node, prop], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  const bytes = r.stdout
    .trim()
    .split(/\s+/)
    .map((h) => Number.parseInt(h, 16));
  return Buffer.from(bytes.slice(0, -1)).toString("utf8");
}

for (const q of qemuInstalls())
  describe.skipIf(!haveTool("fdtget") || !haveTool("bash"))(
    `${qemuLabel(q)} receives bootargs intact (bash → qemu → dumpdtb → fdtget)`,
    () => {
      const aarch64 = q.binary("aarch64");
      it.each(PAYLOADS.filter((p) => p !== ""))("%j", (p) => {
        const file = "k,1 $x.bin";
        writeFileSync(join(dir, file), new Uint8Array(4096).fill(7));
        const e = exportArgv(layoutWith(p, file), { program: aarch64 });
        if (!e.ok) throw new Error(JSON.stringify(e.issues));
        const dtb = join(dir, "out.dtb");
        const groups = [
          ...e.groups,
          ["-display", "none", "-serial", "none", "-monitor", "none", "-net", "none"],
          ["-machine", `dumpdtb=${dtb}`],
        ];
        const script = join(dir, "qemu.sh");
        writeFileSync(script, formatCommand(groups, "multiline"));
        const r = spawnSync("bash", [script], { cwd: dir, encoding: "utf8" });
        expect(r.status, r.stderr).toBe(0);
        expect(fdtBytes(dtb, "/chosen/module@0x48000000", "bootargs")).toBe(p);
        expect(fdtBytes(dtb, "/chosen", "bootargs")).toBe(p);
        const dts = execFileSync("dtc", ["-q", "-I", "dtb", "-O", "dts", dtb], { encoding: "utf8" });
        expect(dts).toContain("module@0x49000000");
        expect(existsSync(pwned)).toBe(false);
      });

      it("empty bootargs: an empty property on the module; -append '' gives no /chosen/bootargs", () => {
        writeFileSync(join(dir, "k.bin"), new Uint8Array(16));
        const e = exportArgv(layoutWith("", "k.bin"), { program: aarch64 });
        if (!e.ok) throw new Error("export failed");
        const dtb = join(dir, "empty.dtb");
        execFileSync(
          aarch64,
          [...e.argv.slice(1), "-display", "none", "-net", "none", "-machine", `dumpdtb=${dtb}`],
          { cwd: dir, stdio: "ignore" },
        );
        expect(fdtBytes(dtb, "/chosen/module@0x48000000", "bootargs")).toBe("");
        expect(spawnSync("fdtget", [dtb, "/chosen", "bootargs"]).status).not.toBe(0);
      });

      it("the JSON -device form carries the same bootargs", () => {
        writeFileSync(join(dir, "k.bin"), new Uint8Array(16));
        const p = 'x,y "q" ü';
        const e = exportArgv(layoutWith(p, "k.bin"), { deviceSyntax: "json" });
        if (!e.ok) throw new Error("export failed");
        const dtb = join(dir, "json.dtb");
        execFileSync(
          aarch64,
          [...e.argv.slice(1), "-display", "none", "-net", "none", "-machine", `dumpdtb=${dtb}`],
          { cwd: dir, stdio: "ignore" },
        );
        expect(fdtBytes(dtb, "/chosen/module@0x48000000", "bootargs")).toBe(p);
      });
    },
  );
