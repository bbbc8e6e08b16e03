/**
 * Inputs and outputs that could exhaust memory or disk: DTBs read header first and bounded by
 * what the header may claim; images capped, sparse, and never past 2^64.
 */
import { existsSync, mkdtempSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-bounded-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "a.bin"), new Uint8Array(4096).fill(1));

const NOT_DTB =
  "is not a valid DTB: FDT_ERR_BADMAGIC at byte 0x0: magic is 0x0, expected 0xd00dfeed: this is not a flattened device tree (DTB); pass the .dtb file, not a .dts or an image";

describe("DTB inputs are read header first", () => {
  it("dts /dev/zero and import --from-dtb /dev/zero stop after the header", async () => {
    const a = await runCli(["dts", "/dev/zero"], dir);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(`guestmap dts: /dev/zero ${NOT_DTB}\n`);
    const b = await runCli(["import", "--from-dtb", "/dev/zero"], dir);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(`guestmap import: /dev/zero ${NOT_DTB}\n`);
  });

  it("a 1.5 GB file with a bad magic costs no memory", async () => {
    writeFileSync(join(dir, "huge.dtb"), "");
    truncateSync(join(dir, "huge.dtb"), 1500 * 1024 * 1024);
    const rss = process.memoryUsage().rss;
    const r = await runCli(["dts", "huge.dtb"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`guestmap dts: huge.dtb ${NOT_DTB}\n`);
    expect(process.memoryUsage().rss - rss).toBeLessThan(100 * 1024 * 1024);
  });

  it("a header claiming 4 GiB is refused before any allocation", async () => {
    const h = new Uint8Array(40);
    new DataView(h.buffer).setUint32(0, 0xd00dfeed);
    new DataView(h.buffer).setUint32(4, 0xffffffff);
    writeFileSync(join(dir, "claims.dtb"), h);
    const r = await runCli(["dts", "claims.dtb"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "guestmap dts: claims.dtb is not a valid DTB: FDT_ERR_TRUNCATED at byte 0x4: totalsize says the blob is 0xffffffff bytes, more than the 0x4000000 (64 MiB) guestmap reads; a real DTB is a few KiB to 1 MiB, so this header is corrupt\n",
    );
  });

  it("a folder where the DTB belongs", async () => {
    const r = await runCli(["dts", "."], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("guestmap dts: cannot read .: it is a folder; give the .dtb file in it\n");
  });
});

describe("memory images", () => {
  const FAR = [
    "--",
    "qemu-system-aarch64",
    "-M",
    "virt",
    "-m",
    "2G",
    "-device",
    "loader,addr=0x40200000,file=a.bin,force-raw=on",
    "-device",
    "loader,addr=0xfffffffffffff000,file=a.bin,force-raw=on",
  ];

  it("a 16 EiB span: check's errors first, then the cap even with --force on errors", async () => {
    const a = await runCli(["export", "--image", "x.raw", ...FAR], dir);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/is entirely outside RAM/);
    expect(a.stderr).toMatch(/the image is not written: fix the 1 error\(s\) above/);
    const b = await runCli(
      ["export", "--image", "x.raw", "--image-range", "0x40200000:0xfffffffffffff000", ...FAR],
      dir,
    );
    expect(b.code).toBe(1);
    expect(existsSync(join(dir, "x.raw"))).toBe(false);
  });

  it("the cap: a span above 4 GiB is refused, and written sparse with --force", async () => {
    const args = [
      "export",
      "--image",
      "big.raw",
      "--",
      "qemu-system-aarch64",
      "-M",
      "virt",
      "-cpu",
      "cortex-a57",
      "-m",
      "8G",
      "-device",
      "loader,addr=0x40200000,file=a.bin,force-raw=on",
      "-device",
      "loader,addr=0x140200000,file=a.bin,force-raw=on",
    ];
    const a = await runCli(args, dir);
    expect(a.code).toBe(1);
    expect(a.stderr.split("\n").at(-2)).toBe(
      "guestmap export: error: the raw image would be 4.0 GiB (4294971392 bytes), more than the 4 GiB cap: its range spans from the lowest to the highest blob; export a narrower range with --image-range START:END, or give --force",
    );
    // check finds nothing wrong: only the cap stops it, and --force lifts the cap.
    const b = await runCli([...args.slice(0, 1), "--force", ...args.slice(1)], dir);
    expect(b.code, b.stderr).toBe(0);
    const st = statSync(join(dir, "big.raw"));
    expect(st.size).toBe(0x100001000);
    // Holes: only the blob's pages are allocated (4 KiB here; a few blocks of slack).
    expect(st.blocks * 512).toBeLessThan(1024 * 1024);
    rmSync(join(dir, "big.raw"));
  });

  it("--image-range past 2^64 or reversed is bad input", async () => {
    const a = await runCli(
      ["export", "--image", "x.raw", "--image-range", "0:0x10000000000000001", ...FAR],
      dir,
    );
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(
      "guestmap export: --image-range 0:0x10000000000000001: END is past 2^64, which no guest address reaches; END may be 0x10000000000000000 at most\n",
    );
    const b = await runCli(["export", "--image", "x.raw", "--image-range", "0x2000:0x1000", ...FAR], dir);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(
      "guestmap export: --image-range 0x2000:0x1000: END must be above START (END is exclusive)\n",
    );
  });

  it("a layout's loader past 2^64 is a check error, and its ELF is refused rather than wrapped", async () => {
    writeFileSync(
      join(dir, "past.json"),
      JSON.stringify({
        format: "guestmap-layout",
        version: 1,
        machine: { arch: "aarch64", ram: "2G", cpu: "cortex-a57" },
        loaders: [{ addr: "0x10000000048000000", file: { path: "a.bin" }, forceRaw: true }],
      }),
    );
    const c = await runCli(["check", "past.json"], dir);
    expect(c.code).toBe(1);
    expect(c.stdout).toContain(
      "error: address-overflow [0xffffffffffffffff, 0x10000000000000000): -device loader #1 (l1): a.bin at 0x10000000048000000 + 4 KiB runs past the end of the 64-bit address space",
    );
    const e = await runCli(["export", "--force", "--image", "x.elf", "past.json"], dir);
    expect(e.code).toBe(1);
    expect(e.stderr).toBe(
      "guestmap export: error: region 0 (a.bin) at 0x10000000048000000 (4096 bytes) ends past 2^64, which no guest address reaches; move it below 0xfffffffffffff000\n",
    );
    expect(existsSync(join(dir, "x.elf"))).toBe(false);
  });
});
