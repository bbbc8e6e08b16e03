/**
 * Compressed kernels opened in the app: the placement is QEMU's for the decompressed content,
 * measured in the browser when the file is opened (the same facts the conformance suite
 * kernel-formats-qemu.test.ts checks against QEMU 7.2.22 and 10.0.2).
 */
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { efiZboot } from "../packages/core/test/fixtures/kernels";
import { arm64Image, fresh } from "./helpers";

const MiB = 1 << 20;

/** A U-Boot legacy header (big-endian) for a gzip-compressed arm64 Linux kernel at `load`. */
function gzipUImage(payload: Buffer, load: number): Buffer {
  const h = Buffer.alloc(64);
  h.writeUInt32BE(0x27051956, 0);
  h.writeUInt32BE(payload.length, 12);
  h.writeUInt32BE(load, 16);
  h.writeUInt32BE(load, 20);
  h[28] = 5; // Linux
  h[29] = 22; // arm64
  h[30] = 2; // kernel
  h[31] = 1; // gzip
  h.write("e2e", 32, "latin1");
  return Buffer.concat([h, payload]);
}

test("a gzip uImage -kernel is placed at its load address with its unpacked size", async ({ page }) => {
  await fresh(page);
  const kernel = gzipUImage(gzipSync(Buffer.alloc(3 * MiB)), 0x41000000);
  await page.locator('input[type=file][aria-label="Open a -kernel file"]').setInputFiles({
    name: "uImage.gz",
    mimeType: "application/octet-stream",
    buffer: kernel,
  });
  // 3 MiB unpacked from a few KiB: QEMU puts the payload at ih_load, not the file at 0x40080000.
  await expect(
    page.getByRole("button", { name: /^QEMU -kernel uImage\.gz at 0x41000000, 3 MiB/ }),
  ).toBeVisible();
});

test("an EFI zboot -kernel: QEMU 10.0 places the Image inside, 7.2 the file raw", async ({ page }) => {
  await fresh(page);
  const image = arm64Image(MiB, 4 * MiB);
  image.fill(0, 0x40);
  await page.locator('input[type=file][aria-label="Open a -kernel file"]').setInputFiles({
    name: "vmlinuz.efi",
    mimeType: "application/octet-stream",
    buffer: Buffer.from(efiZboot(new Uint8Array(gzipSync(image)))),
  });
  // The default profile is 10.0: text_offset 0 → 2 MiB in, the Image's 1 MiB.
  await expect(
    page.getByRole("button", { name: /^QEMU -kernel vmlinuz\.efi at 0x40200000, 1 MiB/ }),
  ).toBeVisible();
  await page.getByLabel("QEMU profile").selectOption("7.2");
  await expect(page.getByRole("button", { name: /^QEMU -kernel vmlinuz\.efi at 0x40080000/ })).toBeVisible();
});
