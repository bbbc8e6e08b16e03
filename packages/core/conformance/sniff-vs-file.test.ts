/**
 * Header sniffing against file(1)'s magic database: the fixtures are what file(1) says they are,
 * and sniffHeader reads the same format and the same fields.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sniffHeader } from "../src/index.js";
import { arm64Image, cpioBlob, newcCpio, rawBlob, uImage, zImage } from "../test/fixtures/kernels.js";
import { haveTool } from "./tools.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-sniff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileSays(bytes: Uint8Array): string {
  const p = join(dir, "blob");
  writeFileSync(p, bytes);
  return execFileSync("file", ["-b", p], { encoding: "utf8" }).trim();
}

// file 5.44 (Debian 12) has no magic for RISC-V Images; their header is covered by the unit tests.
describe.skipIf(!haveTool("file"))("sniffHeader agrees with file(1)", () => {
  it.each([
    [
      "arm64 Image",
      arm64Image(8192, 0n, 0x2000000n),
      "arm64-image",
      /Linux kernel ARM64 boot executable Image/,
    ],
    ["zImage", zImage(8192), "zimage", /Linux kernel ARM boot executable zImage/],
    ["uImage", uImage(4096, 0x40800000), "uimage", /u-boot legacy uImage, guestmap test/],
    ["cpio", cpioBlob(4096), "cpio", /cpio archive/],
    ["a whole newc archive", newcCpio(0x3000), "cpio", /^ASCII cpio archive \(SVR4 with no CRC\)$/],
  ] as const)("%s", (_label, bytes, format, fileRe) => {
    expect(fileSays(bytes)).toMatch(fileRe);
    expect(sniffHeader(bytes.subarray(0, 4096)).format).toBe(format);
  });

  it("uImage load address and size as file(1) prints them", () => {
    const b = uImage(4096, 0x40800000);
    const said = fileSays(b);
    // file(1): "... Linux/ARM 64-bit, OS Kernel Image (Not compressed), 4096 bytes, ..., Load Address: 0X40800000, ..."
    expect(said).toMatch(/4096 bytes/);
    expect(said).toMatch(/Load Address: 0[Xx]40800000/);
    const h = sniffHeader(b);
    expect(h.uimage?.size).toBe(4096n);
    expect(h.uimage?.load).toBe(0x40800000n);
  });

  it("random bytes are data to both", () => {
    const b = rawBlob(4096, 99);
    expect(fileSays(b)).toBe("data");
    expect(sniffHeader(b).format).toBe("unknown");
  });
});
