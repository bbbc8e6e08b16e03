/**
 * Names from DTBs, layouts and command lines never reach the terminal raw: control characters and
 * bidi overrides are printed as \uXXXX (dtc refuses such trees; guestmap shows them, defused).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rawBlob, tok } from "../../core/test/fdt/blob.js";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-term-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

describe("terminal output", () => {
  it("dts: a node name holding an escape sequence is printed escaped", async () => {
    writeFileSync(
      join(dir, "esc.dtb"),
      rawBlob({ struct: [tok.begin(""), tok.begin("a\x1b]0;pwned\x07b"), tok.end(), tok.end(), tok.fin()] })
        .bytes,
    );
    const r = await runCli(["dts", "esc.dtb"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("\ta\\u001b]0;pwned\\u0007b {");
    expect(RAW.test(r.stdout)).toBe(false);
  });

  it("check: file names with ESC and U+202E in messages are escaped", async () => {
    const name = "x\u202egpj.exe\x1b[2J";
    writeFileSync(join(dir, name), "");
    const r = await runCli(
      [
        "check",
        "--",
        "qemu-system-aarch64",
        "-M",
        "virt",
        "-m",
        "1G",
        "-device",
        `guest-loader,addr=0x42000000,initrd=${name}`,
      ],
      dir,
    );
    expect(r.stdout).toContain("x\\u202egpj.exe\\u001b[2J is empty");
    expect(RAW.test(r.stdout + r.stderr)).toBe(false);
    const missing = await runCli(
      ["check", "--", "qemu-system-aarch64", "-M", "virt", "-kernel", "\x1b[31mno"],
      dir,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("-kernel \\u001b[31mno: cannot read");
    expect(RAW.test(missing.stderr)).toBe(false);
  });

  it("import prints JSON whose strings keep their value, escaped", async () => {
    const r = await runCli(
      ["import", "--", "qemu-system-aarch64", "-M", "virt", "-kernel", "k", "-append", "a\u202eb\x85"],
      dir,
    );
    expect(RAW.test(r.stdout)).toBe(false);
    expect(JSON.parse(r.stdout).append).toBe("a\u202eb\x85");
  });
});
