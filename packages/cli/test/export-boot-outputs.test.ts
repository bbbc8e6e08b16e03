/**
 * `export --uboot-script/--uboot-image/--imagebuilder`, whose writers the command loads only when
 * asked for them (the start-up of `export --image` skips them): the outputs are written, in one
 * run with each other, for the README's Xen example on a DTB QEMU 10.0.2 dumped. What the script
 * does in U-Boot is judged by the boot tests (packages/cli/boot/xen-uboot.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeXenExampleFiles, XEN_EXAMPLE_ARGS } from "../../core/test/fixtures/xen-example.js";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-bootout-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeXenExampleFiles(dir);
const baseDtb = resolve(__dirname, "../../core/test/fixtures/qemu-dtbs/aarch64-virt-xen-10.0.dtb");

describe("export's U-Boot and ImageBuilder outputs", () => {
  it("writes the script, its mkimage form and the ImageBuilder config in one run", async () => {
    const r = await runCli(
      [
        "export",
        "--qemu",
        "10.0",
        ...["--uboot-script", "boot.source", "--uboot-image", "boot.scr", "--base-dtb", baseDtb],
        ...["--imagebuilder", "ib.cfg", "--imagebuilder-dtb", "virt.dtb"],
        "--",
        "qemu-system-aarch64",
        ...XEN_EXAMPLE_ARGS,
      ],
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
    const script = readFileSync(join(dir, "boot.source"), "utf8");
    expect(script).toContain("tftpb 0x42000000 Image\n");
    expect(script).toContain("tftpb 0x47000000 rootfs.cpio\n");
    // A legacy uImage (magic 0x27051956) named guestmap, carrying the script's text.
    const scr = readFileSync(join(dir, "boot.scr"));
    expect(scr.readUInt32BE(0)).toBe(0x27051956);
    expect(scr.subarray(32, 64).toString("latin1")).toMatch(/^guestmap\0/);
    expect(scr.includes(Buffer.from(script))).toBe(true);
    expect(r.stderr).toMatch(/in U-Boot, load boot\.scr at 0x[0-9a-f]+ and run it/);
    const cfg = readFileSync(join(dir, "ib.cfg"), "utf8");
    expect(cfg).toMatch(/^DEVICE_TREE="?virt\.dtb"?$/m);
    expect(cfg).toContain("Image");
    expect(cfg).toContain("rootfs.cpio");
  });
});
