/**
 * Where outputs go: stdout, devices and FIFOs written in place, symlinks, inputs never replaced,
 * one file per output, and no temp file left after Ctrl-C. Asserted on the file system itself.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../src/main.js";
import { captureIo, runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-out-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "Image"), new Uint8Array(4096).fill(7));
writeFileSync(join(dir, "r.bin"), new Uint8Array(100).fill(2));

const ARGV = [
  "--",
  "qemu-system-aarch64",
  "-M",
  "virt",
  "-cpu",
  "cortex-a57",
  "-m",
  "2G",
  "-device",
  "guest-loader,addr=0x42000000,initrd=Image",
  "-device",
  "guest-loader,addr=0x43000000,initrd=r.bin",
];

const CLI = resolve(__dirname, "../src/main.ts");
/** The CLI from its sources, as one node process (signals reach it directly, not through tsx's). */
const NODE_CLI = [
  process.execPath,
  "--conditions=source",
  "--import",
  pathToFileURL(resolve(__dirname, "../../../node_modules/tsx/dist/loader.mjs")).href,
  CLI,
];

describe("export outputs", () => {
  it("`-` writes the script to stdout, with its shebang", async () => {
    const r = await runCli(["export", "--cmdline", "-", ...ARGV], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^#!\/bin\/sh\nqemu-system-aarch64 -M virt /);
  });

  it("a FIFO is written in place and stays a FIFO", async () => {
    const fifo = join(dir, "pipe");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const reader = spawn("cat", [fifo]);
    let got = "";
    reader.stdout.on("data", (d: Buffer) => {
      got += d.toString();
    });
    const done = new Promise((ok) => reader.on("close", ok));
    const r = await runCli(["export", "--cmdline", "pipe", ...ARGV], dir);
    await done;
    expect(r.code, r.stderr).toBe(0);
    expect(got).toMatch(/^#!\/bin\/sh\nqemu-system-aarch64/);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("a character device is written in place, not replaced by a file", async () => {
    // Our own /dev/full (needs root to create): writes fail with ENOSPC, and the node must stay.
    const full = join(dir, "full");
    if (spawnSync("mknod", [full, "c", "1", "7"]).status !== 0) {
      console.warn("SKIP: cannot mknod a character device here (not root)");
      return;
    }
    const r = await runCli(["export", "--cmdline", "full", ...ARGV], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("guestmap export: cannot write --cmdline full: the disk is full\n");
    expect(lstatSync(full).isCharacterDevice()).toBe(true);
  });

  it("a live symlink: the target is replaced and keeps its mode; the link stays", async () => {
    writeFileSync(join(dir, "target.sh"), "old\n");
    chmodSync(join(dir, "target.sh"), 0o600);
    symlinkSync("target.sh", join(dir, "link.sh"));
    const r = await runCli(["export", "--cmdline", "link.sh", ...ARGV], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(join(dir, "link.sh")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "target.sh"), "utf8")).toMatch(/^#!\/bin\/sh\n/);
    expect(statSync(join(dir, "target.sh")).mode & 0o7777).toBe(0o600);
  });

  it("a dangling symlink is refused and left alone", async () => {
    symlinkSync("nowhere/x.sh", join(dir, "dangling.sh"));
    const r = await runCli(["export", "--cmdline", "dangling.sh", ...ARGV], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "guestmap export: cannot write dangling.sh: it is a symbolic link to a file that does not exist; remove the link or give another path\n",
    );
    expect(lstatSync(join(dir, "dangling.sh")).isSymbolicLink()).toBe(true);
    expect(existsSync(join(dir, "nowhere"))).toBe(false);
  });

  it("never over an input: --cmdline onto --base-dtb, or onto a hard link of a blob", async () => {
    writeFileSync(join(dir, "base.dtb"), "not really a dtb, never read");
    const before = readFileSync(join(dir, "base.dtb"));
    const a = await runCli(
      ["export", "--cmdline", "base.dtb", "--base-dtb", "base.dtb", "--dtb", "o.dtb", ...ARGV],
      dir,
    );
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(
      "guestmap export: refusing to write base.dtb: it is an input of this run (--cmdline); choose another output file\n",
    );
    expect(readFileSync(join(dir, "base.dtb"))).toEqual(before);
    linkSync(join(dir, "Image"), join(dir, "Image.hardlink"));
    const b = await runCli(["export", "--cmdline", "Image.hardlink", ...ARGV], dir);
    expect(b.code).toBe(2);
    expect(readFileSync(join(dir, "Image"))[0]).toBe(7);
  });

  it("two outputs onto one file are an error, before anything is written", async () => {
    const r = await runCli(["export", "--cmdline", "same.out", "--dtb", "same.out", ...ARGV], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "guestmap export: --dtb same.out and --cmdline same.out name the same file; give each output its own path\n",
    );
    expect(existsSync(join(dir, "same.out"))).toBe(false);
  });
});

describe("import -o", () => {
  it("refuses to write the layout over a file the command line names", async () => {
    const r = await runCli(
      ["import", "-o", "Image", "--", "qemu-system-aarch64", "-M", "virt", "-kernel", "Image"],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "guestmap import: refusing to write Image: it is an input of this run (-o); choose another output file\n",
    );
    expect(readFileSync(join(dir, "Image"))).toEqual(Buffer.alloc(4096, 7));
  });
});

describe("image progress", () => {
  it("on a terminal, a status line with the share written, cleared at the end", async () => {
    const { o, io } = captureIo(dir);
    const lines: string[] = [];
    const code = await main(["export", "--image", "p.hex", ...ARGV], {
      ...io,
      progress: (l) => lines.push(l),
    });
    expect(code, o.err).toBe(0);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(
      /^guestmap export: writing p\.hex: \d+% of [\d.]+ MiB \(Ctrl-C cancels, leaving nothing\)$/,
    );
    expect(lines.at(-2)).toContain(": 100% of ");
    expect(lines.at(-1)).toBe("");
    expect(readFileSync(join(dir, "p.hex"), "latin1")).toMatch(/:00000001FF\r\n$/);
  });

  it("not on a terminal (a pipe, a log file): no status line at all", () => {
    const r = spawnSync(NODE_CLI[0]!, [...NODE_CLI.slice(1), "export", "--image", "q.hex", ...ARGV], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/writing|\r/);
  }, 30_000);
});

describe("the real process", () => {
  it("--cmdline /dev/stdout into a pipe", () => {
    const r = spawnSync(
      "sh",
      ["-c", '"$@" | cat', "sh", ...NODE_CLI, "export", "--cmdline", "/dev/stdout", ...ARGV],
      { cwd: dir, encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^#!\/bin\/sh\nqemu-system-aarch64 -M virt /);
  }, 30_000);

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "%s (Ctrl-C, timeout) during an image export leaves no temp file",
    async (signal, status) => {
      // A 1 GiB Intel HEX image encodes every zero byte (≈ 2.8 GB of text): long enough to interrupt.
      const sub = join(dir, "sig");
      rmSync(sub, { recursive: true, force: true });
      spawnSync("mkdir", [sub]);
      writeFileSync(join(sub, "a.bin"), "a");
      writeFileSync(join(sub, "b.bin"), "b");
      const p = spawn(
        NODE_CLI[0]!,
        [
          ...NODE_CLI.slice(1),
          "export",
          "--force",
          "--image",
          "big.hex",
          "--",
          "qemu-system-aarch64",
          "-M",
          "virt",
          "-m",
          "2G",
          "-device",
          "loader,addr=0x40000000,file=a.bin,force-raw=on",
          "-device",
          "loader,addr=0x7fffffff,file=b.bin,force-raw=on",
        ],
        { cwd: sub, stdio: "ignore" },
      );
      const exited = new Promise<number | null>((ok) => p.on("exit", (code) => ok(code)));
      // Wait until the temp file exists and is growing, then interrupt.
      for (let i = 0; i < 200 && !readdirSync(sub).some((f) => f.endsWith(".tmp")); i++)
        await new Promise((ok) => setTimeout(ok, 50));
      expect(readdirSync(sub).some((f) => f.endsWith(".tmp"))).toBe(true);
      p.kill(signal);
      expect(await exited).toBe(status);
      expect(readdirSync(sub).sort()).toEqual(["a.bin", "b.bin"]);
    },
    30_000,
  );
});
