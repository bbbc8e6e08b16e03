import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run as exportRun } from "../src/commands/export.js";
import { run as importRun } from "../src/commands/import.js";
import { UsageError } from "../src/io.js";
import { captureIo } from "./run-cli.js";

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

  it("reports import errors with exit 1 and still prints the layout", async () => {
    const a = io();
    expect(
      await importRun(
        ["--", "qemu-system-aarch64", "-M", "virt", "-device", "guest-loader,adr=1,kernel=k.bin"],
        a.io,
      ),
    ).toBe(1);
    expect(a.o.err).toContain("did you mean 'addr'");
    expect(JSON.parse(a.o.out).modules).toHaveLength(1);
  });

  it("imports from a shell script and refuses shell expansions as bad input", async () => {
    writeFileSync(join(dir, "boot.sh"), "#!/bin/sh\nqemu-system-riscv64 -M virt \\\n  -append 'x y'\n");
    const a = io();
    expect(await importRun(["--from", "boot.sh"], a.io)).toBe(0);
    expect(JSON.parse(a.o.out).append).toBe("x y");
    writeFileSync(join(dir, "bad.sh"), "qemu-system-riscv64 -M virt -kernel $K\n");
    await expect(importRun(["--from", "bad.sh"], io().io)).rejects.toBeInstanceOf(UsageError);
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
