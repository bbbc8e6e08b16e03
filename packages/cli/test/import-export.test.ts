import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run as exportRun } from "../src/commands/export.js";
import { run as importRun } from "../src/commands/import.js";
import { UsageError } from "../src/io.js";
import { captureIo, runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, "sub"));
writeFileSync(join(dir, "k.bin"), new Uint8Array(4096).fill(1));
writeFileSync(join(dir, "r.bin"), new Uint8Array(100).fill(2));

const io = () => captureIo(dir);

describe("guestmap import / export", () => {
  it("imports argv into a layout file with paths relative to its folder, and exports it back", async () => {
    const a = io();
    const code = await importRun(
      [
        "-o",
        "sub/l.json",
        "--",
        "qemu-system-aarch64",
        "-M",
        "virt",
        "-m",
        "1G",
        "-device",
        "guest-loader,addr=0x48000000,kernel=k.bin,bootargs=a,,b",
        "-device",
        "guest-loader,initrd=r.bin,addr=0x48001000",
      ],
      a.io,
    );
    expect(code, a.o.err).toBe(0);
    const layout = JSON.parse(readFileSync(join(dir, "sub/l.json"), "utf8"));
    expect(layout.modules[0].kernel.path).toBe("../k.bin");
    const b = io();
    expect(await exportRun(["sub/l.json", "--cmdline-format", "multiline"], b.io)).toBe(0);
    expect(b.o.out).toBe(
      "qemu-system-aarch64 \\\n  -M virt \\\n  -m 1G \\\n  -device guest-loader,addr=0x48000000,kernel=k.bin,bootargs=a,,b \\\n  -device guest-loader,addr=0x48001000,initrd=r.bin\n",
    );
  });

  it("reports import errors with exit 1 and writes no layout", async () => {
    const a = io();
    expect(
      await importRun(
        [
          "-o",
          "err.json",
          "--",
          "qemu-system-aarch64",
          "-M",
          "virt",
          "-device",
          "guest-loader,adr=1,kernel=k.bin",
        ],
        a.io,
      ),
    ).toBe(1);
    expect(a.o.err).toContain("did you mean 'addr'");
    expect(a.o.err).toContain("nothing written");
    expect(a.o.out).toBe("");
    expect(existsSync(join(dir, "err.json"))).toBe(false);
  });

  it("imports from a shell script; an unknown $VAR is an error until --var gives it", async () => {
    writeFileSync(join(dir, "boot.sh"), "#!/bin/sh\nqemu-system-riscv64 -M virt \\\n  -append 'x y'\n");
    const a = io();
    expect(await importRun(["--from", "boot.sh"], a.io)).toBe(0);
    expect(JSON.parse(a.o.out).append).toBe("x y");
    writeFileSync(join(dir, "var.sh"), "qemu-system-riscv64 -M virt -kernel $K\n");
    const b = io();
    expect(await importRun(["--from", "var.sh"], b.io)).toBe(1);
    expect(b.o.err).toContain("--var K=");
    expect(b.o.out).toBe("");
    const c = io();
    expect(await importRun(["--from", "var.sh", "--var", "K=k.bin"], c.io), c.o.err).toBe(0);
    expect(JSON.parse(c.o.out).kernel.path).toBe("k.bin");
    await expect(importRun(["--var", "K", "--from", "var.sh"], io().io)).rejects.toBeInstanceOf(UsageError);
    await expect(
      importRun(["--var", "K=1", "--", "qemu-system-riscv64", "-M", "virt"], io().io),
    ).rejects.toBeInstanceOf(UsageError);
  });

  it("reads stdin with --from -", async () => {
    const a = io();
    const code = await importRun(["--from", "-"], {
      ...a.io,
      stdin: async () => "$ sudo qemu-system-aarch64 -M virt-7.2 -m 1G -kernel k.bin\n",
    });
    expect(code, a.o.err).toBe(0);
    expect(JSON.parse(a.o.out).machine.type).toBe("virt-7.2");
    expect(a.o.err).toContain("skipped 'sudo'");
  });

  it.each([
    ["sudo qemu-system-aarch64", ["sudo"]],
    ["sudo -E VAR=1 qemu-system-aarch64", ["sudo -E VAR=1"]],
    ["timeout -k 1 240 qemu-system-aarch64", ["timeout -k 1 240"]],
    ["exec /usr/bin/qemu-system-aarch64", ["exec"]],
    [
      "env -u DISPLAY LANG=C nice -n 5 taskset -c 0-1 qemu-system-aarch64",
      ["env -u DISPLAY LANG=C", "nice -n 5", "taskset -c 0-1"],
    ],
  ])("%s: the wrapper is skipped and never reaches the layout or its export", async (prefix, skipped) => {
    const a = io();
    writeFileSync(join(dir, "w.sh"), `${prefix} -M virt -m 1G -kernel k.bin -nographic\n`);
    expect(await importRun(["-o", "w.json", "--from", "w.sh"], a.io), a.o.err).toBe(0);
    for (const s of skipped) expect(a.o.err).toContain(`skipped '${s}'`);
    const b = io();
    expect(await exportRun(["w.json"], b.io)).toBe(0);
    expect(b.o.out).toBe("qemu-system-aarch64 -M virt -m 1G -kernel k.bin -nographic\n");
  });

  it("refuses machines it does not model with exit 2, and takes versioned virt types", async () => {
    await expect(
      importRun(["--", "qemu-system-aarch64", "-M", "frob", "-kernel", "k.bin"], io().io),
    ).rejects.toThrow(/not a machine guestmap models/);
    const a = io();
    expect(await importRun(["--", "qemu-system-aarch64", "-M", "virt-7.2", "-kernel", "k.bin"], a.io)).toBe(
      0,
    );
    expect(a.o.err).not.toContain("warning");
  });

  it("-- ARGV with wrappers in front (as a shell hands them over) skips them too", async () => {
    const a = io();
    const code = await importRun(
      [
        "--",
        "sudo",
        "-E",
        "timeout",
        "-k",
        "1",
        "240",
        "qemu-system-aarch64",
        "-M",
        "virt",
        "-kernel",
        "k.bin",
      ],
      a.io,
    );
    expect(code, a.o.err).toBe(0);
    expect(a.o.err).toContain("skipped 'sudo -E'");
    expect(JSON.parse(a.o.out).extraArgs).toEqual([]);
    const r = await runCli(
      ["placements", "--", "env", "LANG=C", "qemu-system-aarch64", "-M", "virt", "-kernel", "k.bin"],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("k.bin");
  });

  it("check lists options outside the model as not checked, in text and in --json", async () => {
    const argv = [
      "qemu-system-aarch64",
      "-M",
      "virt,secure=on",
      "-cpu",
      "max,sve=off",
      "-m",
      "1G",
      "-kernel",
      "k.bin",
    ];
    const text = await runCli(["check", "--qemu", "7.2", "--", ...argv, "-global", "x.y=z"], dir);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain("info: not-checked: not checked by guestmap: -M secure=on");
    expect(text.stdout).toContain("not checked by guestmap: -cpu properties sve=off");
    expect(text.stdout).toContain("'-global x.y=z'");
    const json = await runCli(["check", "--json", "--qemu", "7.2", "--", ...argv], dir);
    const ds = JSON.parse(json.stdout).diagnostics as { code: string; severity: string }[];
    expect(ds.filter((d) => d.code === "not-checked").map((d) => d.severity)).toEqual(["info", "info"]);
    // A removed option is QEMU's refusal from the release that removed it.
    const removed = await runCli(["check", "--qemu", "9.2", "--", ...argv, "-no-acpi"], dir);
    expect(removed.code).toBe(1);
    expect(removed.stdout).toContain("QEMU 9.0 removed -no-acpi");
  });

  it("placements/check: -M frob exits 2 saying it is not modelled; virt-7.2 has no machine warning", async () => {
    for (const cmd of ["placements", "check", "chosen"]) {
      const r = await runCli(
        [cmd, "--", "qemu-system-aarch64", "-M", "frob", "-m", "1G", "-kernel", "k.bin"],
        dir,
      );
      expect(r.code, cmd).toBe(2);
      expect(r.stderr).toContain("-M frob is not a machine guestmap models");
      expect(r.stdout).toBe("");
    }
    const r = await runCli(
      ["check", "--json", "--", "qemu-system-aarch64", "-M", "virt-7.2", "-m", "1G", "-kernel", "k.bin"],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("no-fdt-machine");
    const riscv = await runCli(["placements", "--", "qemu-system-riscv64", "-M", "virt-7.2"], dir);
    expect(riscv.code).toBe(2);
    expect(riscv.stderr).toContain("no versioned virt types");
  });

  it("writes a raw image and a script atomically, and never over an input", async () => {
    const a = io();
    const argv = [
      "--",
      "qemu-system-aarch64",
      "-M",
      "virt",
      "-device",
      "guest-loader,addr=0x48000000,kernel=k.bin",
      "-device",
      "guest-loader,addr=0x48002000,initrd=r.bin",
    ];
    // The blobs lie past 128 MiB of RAM (an error QEMU starts with): --force writes the image anyway.
    expect(await exportRun(["--force", "--image", "img.bin", "--cmdline", "run.sh", ...argv], a.io)).toBe(0);
    const img = readFileSync(join(dir, "img.bin"));
    expect(img.length).toBe(0x2000 + 100);
    expect(img[0]).toBe(1);
    expect(img[0x1000]).toBe(0);
    expect(img[0x2000]).toBe(2);
    expect(readFileSync(join(dir, "run.sh"), "utf8")).toMatch(
      /^#!\/bin\/sh\nqemu-system-aarch64 -M virt -m 128M /,
    );
    await expect(exportRun(["--image", "k.bin", ...argv], io().io)).rejects.toBeInstanceOf(UsageError);
    expect(readFileSync(join(dir, "k.bin"))[0]).toBe(1);
    expect(existsSync(join(dir, "img.bin"))).toBe(true);
  });

  it("refuses Intel HEX above 4 GiB with exit 1", async () => {
    const a = io();
    expect(
      await exportRun(
        [
          "--force",
          "--image",
          "x.hex",
          "--",
          "qemu-system-aarch64",
          "-M",
          "virt",
          "-device",
          "guest-loader,addr=0x100000000,kernel=k.bin",
        ],
        a.io,
      ),
    ).toBe(1);
    expect(a.o.err).toContain("4 GiB");
    expect(existsSync(join(dir, "x.hex"))).toBe(false);
  });
});
