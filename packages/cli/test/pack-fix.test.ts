import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseLayoutJson } from "@guestmap/core";
import { afterAll, describe, expect, it } from "vitest";
import { arm64Image, cpioBlob } from "../../core/test/fixtures/kernels.js";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-packfix-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "xen"), new Uint8Array(1 << 20));
// The seed example: a 30 MiB Image that needs 40 MiB, a 24 MiB rootfs under QEMU's DTB.
writeFileSync(join(dir, "Image"), arm64Image(30 << 20, 0n, 40n << 20n));
writeFileSync(join(dir, "rootfs.cpio"), cpioBlob(24 << 20));
writeFileSync(
  join(dir, "l.json"),
  JSON.stringify({
    format: "guestmap-layout",
    version: 1,
    machine: { arch: "aarch64", ram: "2G", cpu: "cortex-a57" },
    qemu: "7.2",
    kernel: { path: "xen" },
    modules: [
      { id: "m1", addr: "0x42000000", kernel: { path: "Image" } },
      { id: "m2", addr: "0x47000000", initrd: { path: "rootfs.cpio" } },
    ],
  }),
);

describe("guestmap pack", () => {
  it("writes the packed layout to -o and explains each move on stdout", async () => {
    const r = await runCli(["pack", "-o", "out/packed.json", "l.json"], dir);
    // out/ does not exist: an unwritable output is bad input, and nothing is half-written.
    expect(r.code).toBe(2);
    const ok = await runCli(["pack", "-o", "packed.json", "l.json"], dir);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain("rootfs.cpio moved 0x47000000 → 0x42a00000: QEMU's DTB\n");
    const packed = parseLayoutJson(readFileSync(join(dir, "packed.json"), "utf8"));
    expect(packed.modules.map((m) => m.addr)).toEqual([0x40200000n, 0x42a00000n]);
    expect(packed.modules[0]!.kernel!.path).toBe("Image");
  });

  it("without -o: the layout on stdout, the explanations on stderr; --by-size orders by size", async () => {
    const r = await runCli(["pack", "--by-size", "l.json"], dir);
    expect(r.code).toBe(0);
    expect(parseLayoutJson(r.stdout).modules.map((m) => m.addr)).toEqual([0x40200000n, 0x42a00000n]);
    expect(r.stderr).toMatch(/^QEMU profile 7\.2 \(from the layout\)\nImage moved/);
  });

  it("refuses to write over its input before doing anything; unknown options are bad input", async () => {
    const r = await runCli(["pack", "-o", "l.json", "l.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to write l\.json: it is an input/);
    expect(r.stdout).toBe("");
    expect((await runCli(["pack", "--tight", "l.json"], dir)).code).toBe(2);
    expect((await runCli(["pack", "-o"], dir)).code).toBe(2);
  });

  it("--lock keeps a blob, --align sets a minimum alignment; bad values are bad input", async () => {
    const r = await runCli(["pack", "--lock", "m1", "--align", "1M", "l.json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const packed = parseLayoutJson(r.stdout);
    expect(packed.modules[0]!.addr).toBe(0x42000000n);
    // The rootfs: 1 MiB-aligned, the lowest place clear of xen (ends 0x40180000) — 0x40200000.
    expect(packed.modules[1]!.addr).toBe(0x40200000n);
    expect(r.stderr).toContain("Image stays at 0x42000000: locked\n");
    expect((await runCli(["pack", "--lock", "m9", "l.json"], dir)).stderr).toMatch(
      /--lock m9: .* its ids: m1, m2/,
    );
    expect((await runCli(["pack", "--align", "3M", "l.json"], dir)).code).toBe(2);
  });

  it("a blob that fits nowhere: exit 1, named, with what to do", async () => {
    writeFileSync(
      join(dir, "small.json"),
      JSON.stringify({
        format: "guestmap-layout",
        version: 1,
        machine: { arch: "aarch64", ram: "32M", cpu: "cortex-a57" },
        modules: [{ id: "m1", addr: "0x42000000", kernel: { path: "Image" } }],
      }),
    );
    const r = await runCli(["pack", "small.json"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: Image not placed: no free 2 MiB-aligned place .* in RAM: .* -m/);
  });
});

describe("guestmap check names the quick fix", () => {
  it("under each fixable diagnostic, by file name", async () => {
    const r = await runCli(["check", "l.json"], dir);
    expect(r.stdout).toContain(
      "  quick fix: Move rootfs.cpio to 0x48100000 (4 KiB-aligned, clear of every other region) (guestmap fix applies every quick fix)\n",
    );
  });
});

describe("guestmap fix", () => {
  it("applies every quick fix and explains it", async () => {
    const r = await runCli(["fix", "-o", "fixed.json", "l.json"], dir);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain("rootfs.cpio moved 0x47000000 → 0x48100000: QEMU's DTB\n");
    const fixed = parseLayoutJson(readFileSync(join(dir, "fixed.json"), "utf8"));
    expect(fixed.modules.map((m) => m.addr)).toEqual([0x42000000n, 0x48100000n]);
    const again = await runCli(["fix", "fixed.json"], dir);
    expect(again.stderr).toContain("nothing to fix\n");
  });

  it("errors no move cures: exit 1", async () => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({
        format: "guestmap-layout",
        version: 1,
        machine: { arch: "aarch64", ram: "2G", cpu: "cortex-a57" },
        modules: [
          { id: "m1", addr: "0x42000000", kernel: { path: "Image" }, initrd: { path: "rootfs.cpio" } },
        ],
      }),
    );
    const r = await runCli(["fix", "bad.json"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: kernel-and-initrd/);
  });
});
