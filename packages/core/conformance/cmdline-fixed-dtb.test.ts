/**
 * The fixed-DTB export form against every installed QEMU (7.2.22, 10.0.2): `-dtb F` plus force-raw generic loaders must put the
 * same bytes in RAM at the module addresses as the guest-loader form.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exportArgv, exportFixedDtbArgv } from "../src/cmdline/export.js";
import { importArgv } from "../src/cmdline/import.js";
import { dumpDtb, pmemsave, qemuInstalls, qemuLabel } from "./qemu.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-fixed-dtb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

for (const q of qemuInstalls())
  describe.each(["aarch64", "riscv64"] as const)(`%s fixed-DTB form on ${qemuLabel(q)}`, (arch) => {
    const bin = q.binary(arch);
    it("loads the module files to the same RAM as guest-loader", () => {
      const base = arch === "aarch64" ? 0x48000000n : 0x88000000n;
      writeFileSync(
        join(dir, "k,1.bin"),
        Uint8Array.from({ length: 0x1800 }, (_, i) => (i * 7) & 255),
      );
      writeFileSync(
        join(dir, "r.bin"),
        Uint8Array.from({ length: 0x300 }, (_, i) => (i * 13) & 255),
      );
      const { layout } = importArgv([
        `qemu-system-${arch}`,
        "-M",
        "virt",
        "-m",
        "512M",
        ...(arch === "aarch64" ? ["-cpu", "max"] : []),
        "-device",
        `guest-loader,addr=0x${base.toString(16)},kernel=k,,1.bin,bootargs=x`,
        "-device",
        `guest-loader,addr=0x${(base + 0x2000n).toString(16)},initrd=r.bin`,
      ]);
      const normal = exportArgv(layout);
      if (!normal.ok) throw new Error("export failed");
      writeFileSync(join(dir, "fixed.dtb"), dumpDtb(bin, normal.argv.slice(1), dir));
      const fixed = exportFixedDtbArgv(layout, "fixed.dtb");
      if (!fixed.ok) throw new Error("fixed export failed");
      expect(fixed.argv.join(" ")).not.toContain("guest-loader");
      const a = pmemsave(bin, normal.argv.slice(1), base, 0x2300n, dir);
      const b = pmemsave(bin, fixed.argv.slice(1), base, 0x2300n, dir);
      expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
      expect(a[0x17ff]).toBe((0x17ff * 7) & 255);
      expect(a[0x2000]).toBe(0);
      expect(a[0x2001]).toBe(13);
    });
  });
