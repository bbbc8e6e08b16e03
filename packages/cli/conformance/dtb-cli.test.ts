/**
 * The DTB commands against every installed QEMU (7.2.22, 10.0.2) and dtc, on QEMU's own guest-loader example (docs/system/
 * guest-loader.rst: Xen with a dom0 kernel and initrd), moved to aarch64 virt:
 *   - `guestmap chosen -- ARGV` == dtc's text of QEMU's dumped /chosen (stdout-path aside);
 *   - `guestmap dts` == `dtc -I dtb -O dts` on QEMU's DTB;
 *   - export's DTB outputs: merged into QEMU's device-less DTB == QEMU's DTB (dtc text), and the
 *     overlay applied by fdtoverlay to that base == QEMU's DTB.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { profileFor } from "@guestmap/core";
import { afterAll, describe, expect, it } from "vitest";
import { dtcToDts } from "../../core/conformance/fdt-tools.js";
import { dumpDtb, qemuInstalls, qemuLabel } from "../../core/conformance/qemu.js";
import { haveTool } from "../../core/conformance/tools.js";
import { run as chosenRun } from "../src/commands/chosen.js";
import { run as dtsRun } from "../src/commands/dts.js";
import { writeDtbOutputs } from "../src/dtb-outputs.js";
import { loadInput, parseCommon } from "../src/input.js";
import { captureIo } from "../test/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-dtbcli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "xen"), new Uint8Array(300_000).fill(0x11));
writeFileSync(join(dir, "Image"), new Uint8Array(70_000).fill(0x22));
writeFileSync(join(dir, "rootfs.cpio"), new Uint8Array(12_345).fill(0x33));

const MACHINE = ["-M", "virt,dtb-randomness=off", "-cpu", "cortex-a57", "-m", "2G", "-kernel", "xen"];
const BOOT = ["-append", "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all"];
const DEVICES = [
  "-device",
  "guest-loader,addr=0x42000000,kernel=Image,bootargs=root=/dev/sda2 ro console=hvc0 earlyprintk=xen",
  "-device",
  "guest-loader,addr=0x47000000,initrd=rootfs.cpio",
];
const ARGV = ["qemu-system-aarch64", ...MACHINE, ...BOOT, ...DEVICES];

function capture() {
  return captureIo(dir);
}

const dtcText = (dtb: Uint8Array) => dtcToDts(dtb).stdout.toString("latin1");
function chosenBlock(text: string): string {
  const lines = text.split("\n");
  const start = lines.indexOf("\tchosen {");
  return lines
    .slice(start, lines.indexOf("\t};", start) + 1)
    .filter((l) => !l.startsWith("\t\tstdout-path = "))
    .join("\n");
}

for (const q of haveTool("dtc") && haveTool("fdtoverlay") ? qemuInstalls() : [])
  describe(`DTB commands vs ${qemuLabel(q)} on the guest-loader docs example`, () => {
    const qemu = () => dumpDtb(q.binary("aarch64"), ARGV.slice(1), dir);

    it("guestmap chosen prints QEMU's /chosen as dtc does", async () => {
      const c = capture();
      expect(await chosenRun(["--qemu", q.version, "--", ...ARGV], c.io), c.o.err).toBe(0);
      expect(chosenBlock(c.o.out)).toBe(chosenBlock(dtcText(qemu())));
      expect(chosenBlock(c.o.out)).toContain('bootargs = "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all";');
    });

    it("guestmap dts == dtc -I dtb -O dts on QEMU's DTB", async () => {
      writeFileSync(join(dir, "qemu.dtb"), qemu());
      const c = capture();
      expect(await dtsRun(["qemu.dtb"], c.io)).toBe(0);
      expect(c.o.out).toBe(dtcText(qemu()));
    });

    it("export's merged DTB and overlay give QEMU's DTB; outputs are atomic and spare the inputs", async () => {
      writeFileSync(join(dir, "base.dtb"), dumpDtb(q.binary("aarch64"), MACHINE, dir));
      const c = capture();
      const input = await loadInput(parseCommon(["--", ...ARGV]), c.io);
      const r = await writeDtbOutputs({
        layout: input.layout,
        profile: profileFor(q.version),
        dtbOut: "out.dtb",
        baseDtb: "base.dtb",
        overlayOut: "out.dtbo",
        cwd: dir,
        inputs: ["xen", "Image", "rootfs.cpio"].map((f) => join(dir, f)),
      });
      expect(r).toEqual({ ok: true, written: [join(dir, "out.dtb"), join(dir, "out.dtbo")] });
      const merged = new Uint8Array(readFileSync(join(dir, "out.dtb")));
      expect(dtcText(merged)).toBe(dtcText(qemu()));
      expect(merged.length).toBe(0x100000); // QEMU's padding, kept from the base

      const o = spawnSync("fdtoverlay", ["-i", "base.dtb", "-o", "applied.dtb", "out.dtbo"], { cwd: dir });
      expect(o.status, o.stderr?.toString()).toBe(0);
      expect(dtcText(new Uint8Array(readFileSync(join(dir, "applied.dtb"))))).toBe(dtcText(qemu()));
      expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);

      const before = readFileSync(join(dir, "base.dtb"));
      await expect(
        writeDtbOutputs({
          layout: input.layout,
          profile: profileFor(q.version),
          dtbOut: "base.dtb",
          baseDtb: "base.dtb",
          cwd: dir,
          inputs: [],
        }),
      ).rejects.toThrow(/refusing to write .*base\.dtb: it is an input/);
      expect(readFileSync(join(dir, "base.dtb")).equals(before)).toBe(true);
    });
  });
