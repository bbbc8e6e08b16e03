/**
 * An ImageBuilder config (dom0 + one dom0less domU) imported with `guestmap import
 * --from-imagebuilder`: the files land where uboot-script-gen puts them, guestmap reports the
 * kernel BSS its packing ignores, and the layout — exported in the fixed-DTB form — boots on every
 * QEMU we claim, dom0 and the domU both reaching /init. `export --imagebuilder` of that layout
 * reads back to the same placement.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dumpDtb, qemuInstalls } from "../../core/conformance/qemu.js";
import { runCli } from "../test/run-cli.js";
import { boot } from "./boot-qemu.js";
import { DOM0_MARKER, DOMU_MARKER, xenBootFiles } from "./xen-files.js";

const files = xenBootFiles();
const work = mkdtempSync(join(tmpdir(), "guestmap-ib-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "cortex-a57", "-smp", "2", "-m", "1G"];

const CONFIG = `MEMORY_START="0x40000000"
MEMORY_END="0x80000000"
DEVICE_TREE="virt.dtb"
XEN="xen"
XEN_CMD="console=dtuart dtuart=/pl011@9000000 dom0_mem=256M bootscrub=0"
DOM0_KERNEL="Image"
DOM0_RAMDISK="dom0.cpio"
DOM0_CMD="console=hvc0 rdinit=/init guestmap_wait"
NUM_DOMUS=1
DOMU_KERNEL[0]="Image"
DOMU_RAMDISK[0]="domu.cpio"
DOMU_MEM[0]=128
UBOOT_SOURCE="boot.source"
UBOOT_SCRIPT="boot.scr"
`;

describe.skipIf(!files)("ImageBuilder config → guestmap layout → Xen dom0less boot", () => {
  for (const q of qemuInstalls()) {
    it.concurrent(`QEMU ${q.version}: the imported config boots dom0 and domU0`, async () => {
      const d = join(work, q.version);
      mkdirSync(d);
      symlinkSync(files!.xen, join(d, "xen"));
      symlinkSync(files!.image, join(d, "Image"));
      symlinkSync(files!.dom0Cpio, join(d, "dom0.cpio"));
      symlinkSync(files!.domuCpio, join(d, "domu.cpio"));
      writeFileSync(join(d, "base.dtb"), dumpDtb(q.binary("aarch64"), MACHINE, d));
      writeFileSync(join(d, "virt.dtb"), readFileSync(join(d, "base.dtb")));
      writeFileSync(join(d, "ib.cfg"), CONFIG);

      const i = await runCli(["import", "--from-imagebuilder", "ib.cfg", "-o", "layout.json"], d);
      // Notes only (the BSS ImageBuilder ignores; Xen copies the modules, so a note): exit 0, and said.
      expect(i.code, i.stderr).toBe(0);
      expect(i.stderr).toMatch(/DOMU_RAMDISK\[0\]\s+0x44800000/);
      expect(i.stderr).toMatch(/(warning|info): bss-overlap: .*Image \(m1\).*dom0\.cpio/);
      const layout = JSON.parse(readFileSync(join(d, "layout.json"), "utf8"));
      expect(layout.domains[0].kernel.addr).toBe("0x42800000");

      const back = await runCli(["export", "--imagebuilder", "back.cfg", "layout.json"], d);
      expect(back.code, back.stderr).toBe(0);
      const again = await runCli(["import", "--from-imagebuilder", "back.cfg"], d);
      expect(JSON.parse(again.stdout)).toEqual(layout);

      // ImageBuilder knows nothing of QEMU's machine: give the layout the test's (GICv3, 2 cpus),
      // as a user would in the Machine panel, so it matches base.dtb.
      layout.machine.props["gic-version"] = "3";
      layout.machine.smp = "2";
      writeFileSync(join(d, "layout.json"), JSON.stringify(layout));
      const e = await runCli(
        [
          "export",
          "--dtb",
          "merged.dtb",
          "--base-dtb",
          "base.dtb",
          "--fixed-dtb",
          "--cmdline",
          "run.sh",
        ].concat("layout.json"),
        d,
      );
      expect(e.code, e.stderr).toBe(0);
      const script = readFileSync(join(d, "run.sh"), "utf8").trim();
      const extra = "-accel tcg,thread=multi -nographic -net none -no-reboot";
      writeFileSync(join(d, "run.sh"), `${script} ${extra}\n`);
      const env = q.dir ? { ...process.env, PATH: `${q.dir}:${process.env.PATH}` } : process.env;
      const r = await boot("sh", ["run.sh"], {
        cwd: d,
        env,
        until: [DOM0_MARKER, DOMU_MARKER],
        failOn: ["Xen BUG", "Panic on CPU"],
        timeoutMs: 240_000,
      });
      expect(r.output, r.output.slice(-3000)).toContain(`(XEN) DOM1: ${DOMU_MARKER}`);
      expect(r.output).toContain("Loading d1 kernel from boot module @ 0000000042800000");
      console.log(
        `QEMU ${q.version}: ImageBuilder config → dom0 + domU0 markers in ${r.seconds.toFixed(1)} s`,
      );
    });
  }
});
