/**
 * docs/errors.md is this test's table: every bad input, the command it is given to, the exit code
 * and the exact message. The test runs each row through the CLI and compares the rendered table
 * with the file, so the doc cannot drift from what users see. After an intended message change:
 * `GUESTMAP_UPDATE_DOCS=1 npx vitest run --project unit packages/cli/test/errors-doc.test.ts`,
 * `npx biome format --write docs/errors.md`, then read the diff.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { emptyFdt, encodeFdt } from "@guestmap/core";
import { afterAll, describe, expect, it } from "vitest";
import { rawBlob, tok } from "../../core/test/fdt/blob.js";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DOC = resolve(__dirname, "../../../docs/errors.md");
const QEMU_DTB = readFileSync(
  resolve(__dirname, "../../core/test/fixtures/qemu-dtbs/aarch64-virt-xen-7.2.dtb"),
);

const put = (name: string, data: string | Uint8Array) => writeFileSync(join(dir, name), data);
/** Writes a file the row needs and gives the row's arguments. */
const withFile = (name: string, data: string | Uint8Array, args: string[]) => {
  put(name, data);
  return args;
};
put("Image", new Uint8Array(4096).fill(1));
put("empty.bin", "");
mkdirSync(join(dir, "folder"));

const layout = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    format: "guestmap-layout",
    version: 1,
    machine: { arch: "aarch64", ram: "2G", cpu: "cortex-a57" },
    ...over,
  });
const QEMU = ["--", "qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-m", "2G"];

interface Row {
  /** What is wrong, as the table says it. */
  readonly input: string;
  /** Writes the files it needs; returns the CLI arguments. */
  readonly setup: () => string[];
  /** Which output the message is on (check reports findings on stdout). */
  readonly stream?: "stdout" | "stderr";
  /** For stdout: the line starting with this is the message. */
  readonly line?: string;
}

const dtbRow = (input: string, name: string, bytes: Uint8Array): Row => ({
  input,
  setup: () => {
    put(name, bytes);
    return ["dts", name];
  },
});

const patched = (at: number, word: number) => {
  const b = new Uint8Array(QEMU_DTB);
  new DataView(b.buffer).setUint32(at, word);
  return b;
};

const ROWS: Row[] = [
  // DTBs
  dtbRow("a DTB cut short (QEMU's, first 100 bytes)", "cut.dtb", QEMU_DTB.subarray(0, 100)),
  dtbRow("not a DTB (a text file)", "text.dtb", new TextEncoder().encode("/dts-v1/;\n/ { };\n")),
  dtbRow("an empty file as a DTB", "empty.dtb", new Uint8Array(0)),
  dtbRow("a header claiming 4 GiB", "huge.dtb", patched(4, 0xffffffff)),
  dtbRow("a structure block past totalsize (absurd size_dt_struct)", "struct.dtb", patched(0x24, 0x7fffffff)),
  dtbRow(
    "a property claiming 4 GiB of value",
    "prop.dtb",
    rawBlob({ struct: [tok.begin(""), tok.raw(3, 0xffffffff, 0), tok.end(), tok.fin()], strings: "x\0" })
      .bytes,
  ),
  dtbRow(
    "a node that never ends (END_NODE missing: a loop back to FDT_END)",
    "open.dtb",
    rawBlob({ struct: [tok.begin(""), tok.begin("a"), tok.fin()] }).bytes,
  ),
  dtbRow(
    "nodes nested 5000 deep",
    "deep.dtb",
    rawBlob({
      struct: [
        tok.begin(""),
        ...Array.from({ length: 5000 }, () => tok.begin("a")),
        ...Array.from({ length: 5001 }, () => tok.end()),
        tok.fin(),
      ],
    }).bytes,
  ),
  dtbRow("DTB version 1 (older than 16)", "v1.dtb", patched(0x14, 1)),
  { input: "`/dev/zero` as a DTB", setup: () => ["dts", "/dev/zero"] },
  { input: "a folder where a DTB belongs", setup: () => ["dts", "folder"] },
  { input: "a DTB that does not exist", setup: () => ["dts", "nothere.dtb"] },
  {
    input: "`#size-cells = <20000>` in a DTB to import",
    setup: () => {
      const fdt = emptyFdt();
      const cells = (n: number) => Uint8Array.of(0, 0, n >> 8, n & 255);
      put(
        "cells.dtb",
        encodeFdt({
          ...fdt,
          root: {
            ...fdt.root,
            props: [{ name: "#size-cells", value: cells(20000) }],
            children: [{ name: "chosen", props: [], children: [] }],
          },
        }),
      );
      return ["import", "--from-dtb", "cells.dtb"];
    },
  },
  // Command lines
  {
    input: "an address past 64 bits",
    setup: () => ["check", ...QEMU, "-device", "guest-loader,addr=0x10000000048000000,kernel=Image"],
  },
  {
    input: "an address that is not a number",
    setup: () => ["check", ...QEMU, "-device", "guest-loader,addr=high,kernel=Image"],
  },
  {
    input: "a negative RAM size",
    setup: () => ["check", "--", "qemu-system-aarch64", "-M", "virt", "-m", "-1G"],
  },
  {
    input: "an unknown architecture (program)",
    setup: () => ["check", "--", "qemu-system-x86_64", "-M", "pc"],
  },
  {
    input: "an unknown machine",
    setup: () => ["check", "--", "qemu-system-aarch64", "-M", "frob", "-m", "1G"],
  },
  {
    input: "a file that does not exist",
    setup: () => ["check", ...QEMU, "-device", "guest-loader,addr=0x42000000,kernel=nothere"],
  },
  {
    input: "an empty file",
    stream: "stdout",
    line: "warning: empty-file",
    setup: () => ["check", ...QEMU, "-device", "guest-loader,addr=0x42000000,kernel=empty.bin"],
  },
  {
    input: "a folder where a file belongs",
    setup: () => ["check", ...QEMU, "-device", "guest-loader,addr=0x42000000,kernel=folder"],
  },
  {
    input: "bytes that are not UTF-8 in an argument (Node shows them as U+FFFD)",
    setup: () => ["check", ...QEMU, "-kernel", "Image", "-append", "root=/dev/v\uFFFDa"],
  },
  {
    // A file named `k<0xff>.img` on disk: QEMU opens those bytes, Node hands guestmap U+FFFD.
    input: "bytes that are not UTF-8 in a file name",
    setup: () => ["check", ...QEMU, "-kernel", "k\uFFFD.img"],
  },
  {
    input: "a JSON `-device` repeating a key",
    setup: () => [
      "check",
      ...QEMU,
      "-device",
      '{"driver":"guest-loader","addr":1107296256,"addr":1107296257,"kernel":"Image"}',
    ],
  },
  {
    input: "a 200 KB `-append`",
    stream: "stdout",
    line: "error: argument-too-long",
    setup: () => ["check", ...QEMU, "-kernel", "Image", "-append", "x".repeat(200_000)],
  },
  {
    input: "a 10 MB command line (one 10 MB `-append`)",
    stream: "stdout",
    line: "error: argument-too-long",
    setup: () => ["check", ...QEMU, "-kernel", "Image", "-append", "y".repeat(10_000_000)],
  },
  {
    input: "`-incoming exec:` (runs a command)",
    stream: "stdout",
    line: "error: unsafe-option",
    setup: () => ["check", ...QEMU, "-incoming", "exec:sh -c 'touch /tmp/pwned'"],
  },
  {
    input: "a disk (`-drive file=`): QEMU opens a host file",
    stream: "stdout",
    line: "error: unsafe-option",
    setup: () => ["check", ...QEMU, "-drive", "file=disk.img,format=raw,if=none,id=hd0"],
  },
  {
    input: "the same disk, vouched for with `--trust-args`",
    stream: "stdout",
    line: "info: unsafe-option",
    setup: () => ["check", "--trust-args", ...QEMU, "-drive", "file=disk.img,format=raw,if=none,id=hd0"],
  },
  {
    input: "a shell script with an unterminated quote",
    setup: () =>
      withFile("quote.sh", "qemu-system-aarch64 -M virt -append 'console=ttyAMA0\n", [
        "import",
        "--from",
        "quote.sh",
      ]),
  },
  {
    // Not bad input but an import error: nothing is written, the message names what to give.
    input: "a shell script using a `$VAR` it does not set",
    line: "guestmap import: error:",
    setup: () =>
      withFile("var.sh", "qemu-system-aarch64 -M virt -kernel $K\n", ["import", "--from", "var.sh"]),
  },
  {
    input: "a shell script that is not UTF-8",
    setup: () =>
      withFile("latin1.sh", Uint8Array.from([...Buffer.from("qemu-system-aarch64 -append "), 0xe9, 0x0a]), [
        "import",
        "--from",
        "latin1.sh",
      ]),
  },
  // Layout files
  {
    input: "corrupt JSON",
    setup: () => withFile("corrupt.json", '{"format": "guestmap-layout",', ["check", "corrupt.json"]),
  },
  {
    input: "a layout of a newer version",
    setup: () => withFile("v2.json", layout({ version: 2 }), ["check", "v2.json"]),
  },
  {
    input: "a `__proto__` key",
    setup: () =>
      withFile("proto.json", layout().replace('"arch"', '"__proto__": {"x": 1}, "arch"'), [
        "check",
        "proto.json",
      ]),
  },
  {
    input: "an unknown arch",
    setup: () => withFile("arch.json", layout({ machine: { arch: "x86" } }), ["check", "arch.json"]),
  },
  {
    input: "a negative size",
    setup: () =>
      withFile("neg.json", layout({ modules: [{ addr: "0x42000000", initrd: { path: "r", size: "-1" } }] }), [
        "check",
        "neg.json",
      ]),
  },
  {
    input: "a size that is not a number",
    setup: () =>
      withFile(
        "nan.json",
        layout({ modules: [{ addr: "0x42000000", initrd: { path: "r", size: "lots" } }] }),
        ["check", "nan.json"],
      ),
  },
  {
    input: "a NUL in a string",
    setup: () => withFile("nul.json", layout({ append: "a\u0000b" }), ["check", "nul.json"]),
  },
  {
    input: "two blobs with one id",
    setup: () =>
      withFile(
        "ids.json",
        layout({
          modules: [
            { id: "a", addr: "0x42000000", initrd: { path: "Image" } },
            { id: "a", addr: "0x43000000", initrd: { path: "Image" } },
          ],
        }),
        ["check", "ids.json"],
      ),
  },
  {
    input: "more than 100k modules",
    setup: () =>
      withFile(
        "many.json",
        layout({
          modules: Array.from({ length: 100_001 }, () => ({ addr: "0x42000000", initrd: { path: "r" } })),
        }),
        ["check", "many.json"],
      ),
  },
  {
    input: "a declared size that is not the file's",
    setup: () =>
      withFile(
        "size.json",
        layout({ modules: [{ addr: "0x42000000", initrd: { path: "Image", size: "0x2000" } }] }),
        ["check", "size.json"],
      ),
  },
  {
    input: "a declared sha256 that is not the file's",
    setup: () =>
      withFile(
        "sha.json",
        layout({ modules: [{ addr: "0x42000000", initrd: { path: "Image", sha256: "0".repeat(64) } }] }),
        ["check", "sha.json"],
      ),
  },
  {
    input: "a layout file that is not UTF-8",
    setup: () =>
      withFile("latin1.json", Uint8Array.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]), ["check", "latin1.json"]),
  },
  {
    input: "a loader past 2^64 (layout)",
    stream: "stdout",
    line: "error: address-overflow",
    setup: () =>
      withFile("past.json", layout({ loaders: [{ addr: "0x10000000048000000", file: { path: "Image" } }] }), [
        "check",
        "past.json",
      ]),
  },
  // Exports
  {
    input: "`--image-range` past 64 bits",
    setup: () => [
      "export",
      "--image",
      "x.raw",
      "--image-range",
      "0:0x10000000000000001",
      ...QEMU,
      "-device",
      "guest-loader,addr=0x42000000,initrd=Image",
    ],
  },
  {
    input: "`--image-range` reversed",
    setup: () => [
      "export",
      "--image",
      "x.raw",
      "--image-range",
      "0x48000000:0x40000000",
      ...QEMU,
      "-device",
      "guest-loader,addr=0x42000000,initrd=Image",
    ],
  },
  {
    input: "a 16 EiB span (a loader at 0xfffffffffffff000), forced past check",
    line: "guestmap export: error",
    setup: () => [
      "export",
      "--force",
      "--image",
      "x.raw",
      ...QEMU,
      "-device",
      "loader,addr=0x40200000,file=Image,force-raw=on",
      "-device",
      "loader,addr=0xfffffffffffff000,file=Image,force-raw=on",
    ],
  },
  {
    input: "an output that is an input (`--cmdline base.dtb --base-dtb base.dtb`)",
    setup: () =>
      withFile("base.dtb", QEMU_DTB, [
        "export",
        "--cmdline",
        "base.dtb",
        "--base-dtb",
        "base.dtb",
        "--dtb",
        "out.dtb",
        ...QEMU,
      ]),
  },
  {
    input: "`import -o Image -- … -kernel Image`",
    setup: () => ["import", "-o", "Image", "--", "qemu-system-aarch64", "-M", "virt", "-kernel", "Image"],
  },
  {
    input: "two outputs with one path",
    setup: () => ["export", "--cmdline", "same", "--overlay", "same", ...QEMU],
  },
  {
    input: "an output through a dangling symlink",
    setup: () => {
      symlinkSync("nowhere/x", join(dir, "dangling"));
      return ["export", "--cmdline", "dangling", ...QEMU];
    },
  },
  {
    input: "an output in a folder that does not exist",
    setup: () => ["export", "--cmdline", "no/such/run.sh", ...QEMU],
  },
];

/** A table cell: inline code, fenced with enough backticks, `|` escaped. */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${text.replace(/\|/g, "\\|")}${pad}${fence}`;
}

/** A markdown table's rows as trimmed cells (padding and separator widths ignored). */
function cells(text: string): string[][] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("|"))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => (/^\s*-+\s*$/.test(c) ? "---" : c.trim())),
    );
}

async function render(): Promise<string> {
  const lines = ["| bad input | command | exit | message |", "| --- | --- | --- | --- |"];
  for (const row of ROWS) {
    const args = row.setup();
    const r = await runCli(args, dir);
    const out = row.stream === "stdout" ? r.stdout : r.stderr;
    // A finding is one line of check's report; if the input is refused outright instead (exit
    // 2), the row shows that refusal.
    const found = row.line ? out.split("\n").find((l) => l.startsWith(row.line!)) : undefined;
    const text = found ?? (row.line && r.code === 2 ? r.stderr : out).trimEnd();
    // Bad input (exit 2) is one line, as promised; findings (exit 1) may list several.
    if (r.code === 2) expect(!text.includes("\n"), `${row.input}: more than one line:\n${text}`).toBe(true);
    const shown = (s: string) =>
      s
        .split(dir)
        .join("$DIR")
        .replace(/[xy]{200,}/g, (m) => `${m[0]}…(${m.length})`);
    const cmd = args.map((a) => (a.length > 60 ? `${a.slice(0, 40)}…` : a)).join(" ");
    const message = text
      .split("\n")
      .map((l) => code(shown(l)))
      .join("<br>");
    lines.push(`| ${row.input} | ${code(shown(`guestmap ${cmd}`))} | ${r.code} | ${message} |`);
  }
  return lines.join("\n");
}

describe("docs/errors.md", () => {
  it("lists every bad input with the exact message and exit code the CLI gives", async () => {
    chmodSync(dir, 0o755);
    const table = await render();
    const doc = readFileSync(DOC, "utf8");
    const start = doc.indexOf("<!-- errors-table:start -->");
    const end = doc.indexOf("<!-- errors-table:end -->");
    expect(start, "docs/errors.md has no <!-- errors-table:start --> marker").toBeGreaterThan(0);
    if (process.env.GUESTMAP_UPDATE_DOCS === "1")
      writeFileSync(
        DOC,
        `${doc.slice(0, start)}<!-- errors-table:start -->\n\n${table}\n\n${doc.slice(end)}`,
      );
    // Biome pads the columns; compare cell by cell.
    else expect(cells(doc.slice(start, end))).toEqual(cells(table));
  }, 60_000);
});
