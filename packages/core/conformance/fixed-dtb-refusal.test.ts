/**
 * `export --fixed-dtb` turns guest-loader blobs into `-device loader` blobs, which QEMU compares
 * with its own boot blobs on ARM: judged by each real QEMU (7.2, 10.0.2), a module over QEMU's DTB
 * starts in the guest-loader form and is refused in the fixed form — exactly where guestmap warns
 * (`fixedDtbDiagnostics`), and nowhere else.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  exportArgv,
  exportFixedDtbArgv,
  fixedDtbDiagnostics,
  importArgv,
  type Layout,
} from "../src/index.js";
import { dumpDtb, hmp, qemuInstalls, qmpRun } from "./qemu.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-fixed-refusal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "Image"), new Uint8Array(0x200000).fill(7));
writeFileSync(join(dir, "rootfs"), new Uint8Array(0x10000).fill(9));

function withSizes(layout: Layout): Layout {
  const size = (p: string) => (p === "Image" ? 0x200000n : 0x10000n);
  return {
    ...layout,
    ...(layout.kernel && { kernel: { path: layout.kernel.path, size: size(layout.kernel.path) } }),
    modules: layout.modules.map((m) => ({
      ...m,
      ...(m.kernel && { kernel: { path: m.kernel.path, size: size(m.kernel.path) } }),
      ...(m.initrd && { initrd: { path: m.initrd.path, size: size(m.initrd.path) } }),
    })),
  };
}

const starts = (bin: string, argv: string[]) =>
  typeof qmpRun(bin, argv, [hmp("info roms")], dir).returns[0] === "string";

for (const install of qemuInstalls()) {
  describe(`--fixed-dtb on QEMU ${install.version}`, () => {
    // -m 1G with a 2 MiB -kernel: QEMU's DTB lands at 0x48000000.
    it.each([
      ["a module over QEMU's DTB", "0x48000000", true],
      ["a module in free RAM", "0x50000000", false],
    ] as const)("%s", (_label, addr, refused) => {
      const bin = install.binary("aarch64");
      const argv = [
        "qemu-system-aarch64",
        ...["-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "1G", "-kernel", "Image"],
        ...["-device", `guest-loader,addr=${addr},initrd=rootfs`],
      ];
      const layout = withSizes(importArgv(argv).layout);
      const normal = exportArgv(layout);
      if (!normal.ok) throw new Error("export failed");
      expect(starts(bin, normal.argv.slice(1))).toBe(true);
      // The DTB the fixed form boots: QEMU's own for the same command line.
      const dtb = dumpDtb(bin, normal.argv.slice(1), dir);
      writeFileSync(join(dir, "fixed.dtb"), dtb);
      const fixed = exportFixedDtbArgv(layout, "fixed.dtb");
      if (!fixed.ok) throw new Error("fixed export failed");
      const warned = fixedDtbDiagnostics(layout, { path: "fixed.dtb", size: BigInt(dtb.length) });
      expect(warned.map((d) => d.code)).toEqual(refused ? ["fixed-dtb-refused"] : []);
      expect(starts(bin, fixed.argv.slice(1))).toBe(!refused);
    });
  });
}
