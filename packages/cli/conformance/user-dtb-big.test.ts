/**
 * A `-dtb` bigger than the 64 KiB head guestmap keeps of each file: QEMU's own DTB of a 512-vcpu
 * virt (its tree runs to about 80 KiB) with Xen's /chosen added, as ImageBuilder users make it. On
 * each real QEMU (7.2, 10.0.2): `guestmap chosen` prints the /chosen QEMU boots with
 * (`-machine dumpdtb=`, through dtc), and `guestmap check` flags the module node whose reg is
 * stale — at the size QEMU's `info roms` shows loaded. Before, check read only the head and said
 * nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dtcToDtb, dtcToDts } from "../../core/conformance/fdt-tools.js";
import { dumpDtb, infoRoms, qemuInstalls } from "../../core/conformance/qemu.js";
import { haveTool } from "../../core/conformance/tools.js";
import { runCli } from "../test/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-big-dtb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pattern(name: string, size: number, seed: number): void {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (seed + i * 3) & 255;
  writeFileSync(join(dir, name), b);
}
pattern("xen", 0x100000, 1);
pattern("Image", 0x300000, 2); // "rebuilt": the DTB still says 0x200000
pattern("rootfs.cpio", 0x8000, 3);

const MACHINE = [
  "-M",
  "virt,virtualization=on,gic-version=3",
  "-cpu",
  "cortex-a57",
  "-smp",
  "512",
  "-m",
  "2G",
];
const XEN_PROPS = `
		xen,xen-bootargs = "console=dtuart dom0_mem=512M";
`;
const XEN_NODES = `
		module@50000000 {
			compatible = "multiboot,kernel", "multiboot,module";
			reg = <0x00 0x50000000 0x00 0x200000>;
		};
		module@51000000 {
			compatible = "multiboot,ramdisk", "multiboot,module";
			reg = <0x00 0x51000000 0x00 0x8000>;
		};
`;
const SEEDS = /^\s*(rng-seed|kaslr-seed) = .*$/gm;
function chosenBlock(dts: string): string {
  const start = dts.indexOf("\tchosen {");
  expect(start, dts).toBeGreaterThanOrEqual(0);
  return dts.slice(start, dts.indexOf("\n\t};\n", start) + 4).replace(SEEDS, "SEED");
}

for (const q of qemuInstalls()) {
  describe.skipIf(!haveTool("dtc"))(`a -dtb over 64 KiB on QEMU ${q.version}`, () => {
    it("chosen prints QEMU's /chosen and check flags the stale module node, as from a small DTB", async () => {
      const bin = q.binary("aarch64");
      const base = dtcToDts(dumpDtb(bin, MACHINE, dir)).stdout.toString("utf8");
      const at = base.indexOf("\tchosen {\n");
      const close = base.indexOf("\n\t};\n", at);
      const dts = `${base.slice(0, at + 11)}${XEN_PROPS}${base.slice(at + 11, close)}${XEN_NODES}${base.slice(close)}`;
      const compiled = dtcToDtb(dts);
      expect(compiled.stderr).toBe("");
      const user = new Uint8Array(compiled.stdout);
      // The header says where its blocks end: past the 64 KiB head.
      const h = new DataView(user.buffer, user.byteOffset, user.byteLength);
      expect(Math.max(h.getUint32(8) + h.getUint32(36), h.getUint32(12) + h.getUint32(32))).toBeGreaterThan(
        65536,
      );
      writeFileSync(join(dir, "user.dtb"), user);
      const args = [
        ...MACHINE,
        ...["-kernel", "xen", "-append", "console=dtuart", "-dtb", "user.dtb"],
        ...["-device", "loader,file=Image,addr=0x50000000,force-raw=on"],
        ...["-device", "loader,file=rootfs.cpio,addr=0x51000000,force-raw=on"],
      ];
      const argv = [
        "--qemu",
        q.version.split(".").slice(0, 2).join("."),
        "--",
        "qemu-system-aarch64",
        ...args,
      ];

      const real = chosenBlock(dtcToDts(dumpDtb(bin, args, dir)).stdout.toString("utf8"));
      const chosen = await runCli(["chosen", ...argv], dir);
      expect(chosen.stderr).toBe("");
      expect(chosenBlock(chosen.stdout)).toBe(real);
      expect(real).toContain("reg = <0x00 0x50000000 0x00 0x200000>;");

      // QEMU loads the whole rebuilt Image where the node says 0x200000 bytes.
      const image = infoRoms(bin, args, dir).find((r) => r.addr === 0x50000000n)!;
      expect(image.size).toBe(0x300000n);
      const r = await runCli(["check", "--json", ...argv], dir);
      const stale = (
        JSON.parse(r.stdout).diagnostics as { code: string; severity: string; start?: string; end?: string }[]
      ).filter((d) => d.code === "dtb-module-stale");
      expect(stale.map((d) => [d.severity, d.start, d.end])).toEqual([
        ["error", "0x50000000", `0x${(0x50000000n + image.size).toString(16)}`],
      ]);
      expect(r.code).toBe(1);
    });
  });
}
