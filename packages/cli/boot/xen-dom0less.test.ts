/**
 * A Xen dom0less layout — dom0 plus one domU with its own kernel and initramfs — exported in the
 * fixed-DTB form (a DTB with /chosen/domU1, every blob by `-device loader,force-raw=on`) and
 * booted on every QEMU we claim: the domU's /init marker must come out of its vpl011, which Xen
 * prints on its own console as `(XEN) DOM1: …`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dumpDtb, qemuInstalls } from "../../core/conformance/qemu.js";
import { haveTool } from "../../core/conformance/tools.js";
import { runCli } from "../test/run-cli.js";
import { boot } from "./boot-qemu.js";
import { DOM0_MARKER, DOMU_MARKER, xenBootFiles } from "./xen-files.js";

const files = xenBootFiles();
const work = mkdtempSync(join(tmpdir(), "guestmap-dom0less-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MACHINE = [
  ...["-M", "virt,virtualization=on,gic-version=3", "-accel", "tcg,thread=multi"],
  ...["-cpu", "cortex-a57", "-smp", "2", "-m", "1G"],
];

/** dom0 waits (guestmap_wait) so that powering off does not end the machine before the domU speaks. */
const layout = {
  format: "guestmap-layout",
  version: 1,
  machine: {
    arch: "aarch64",
    props: { virtualization: "on", "gic-version": "3" },
    ram: "1G",
    cpu: "cortex-a57",
    smp: "2",
  },
  kernel: { path: "xen" },
  append: "dom0_mem=256M console=dtuart dtuart=/pl011@9000000 bootscrub=0",
  modules: [
    { addr: "0x42000000", kernel: { path: "Image" }, bootargs: "console=hvc0 rdinit=/init guestmap_wait" },
    { addr: "0x46000000", initrd: { path: "dom0.cpio" } },
  ],
  domains: [
    {
      name: "domU1",
      memory: "128M",
      cpus: 1,
      vpl011: true,
      bootargs: "console=ttyAMA0 rdinit=/init",
      kernel: { addr: "0x4a000000", file: { path: "Image" } },
      ramdisk: { addr: "0x4e000000", file: { path: "domu.cpio" } },
    },
  ],
  extraArgs: [["-accel", "tcg,thread=multi"], ["-nographic"], ["-net", "none"], ["-no-reboot"]],
};

describe.skipIf(!files || !haveTool("sh"))(
  "Xen dom0less: dom0 + domU1 from guestmap's fixed-DTB export",
  () => {
    for (const q of qemuInstalls()) {
      it.concurrent(`QEMU ${q.version}: domU1's /init prints on its vpl011`, async () => {
        const d = join(work, q.version);
        mkdirSync(d);
        symlinkSync(files!.xen, join(d, "xen"));
        symlinkSync(files!.image, join(d, "Image"));
        symlinkSync(files!.dom0Cpio, join(d, "dom0.cpio"));
        symlinkSync(files!.domuCpio, join(d, "domu.cpio"));
        writeFileSync(join(d, "layout.json"), JSON.stringify(layout));
        writeFileSync(join(d, "base.dtb"), dumpDtb(q.binary("aarch64"), MACHINE, d));

        const c = await runCli(["check", "layout.json"], d);
        expect(c.code, c.stdout + c.stderr).toBe(0);
        // guest-loader cannot write /chosen/domU1: the plain export refuses and says why.
        const plain = await runCli(["export", "--cmdline", "plain.sh", "layout.json"], d);
        expect(plain.code).not.toBe(0);
        expect(plain.stderr).toMatch(/fixed-DTB/);

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
        const script = readFileSync(join(d, "run.sh"), "utf8");
        expect(script).toContain("loader,file=Image,addr=0x4a000000,force-raw=on");
        expect(script).toContain("loader,file=domu.cpio,addr=0x4e000000,force-raw=on");

        const env = q.dir ? { ...process.env, PATH: `${q.dir}:${process.env.PATH}` } : process.env;
        const r = await boot("sh", ["run.sh"], {
          cwd: d,
          env,
          until: [DOM0_MARKER, DOMU_MARKER],
          failOn: ["Xen BUG", "Panic on CPU"],
          timeoutMs: 240_000,
        });
        expect(r.output, r.output.slice(-3000)).toContain(`(XEN) DOM1: ${DOMU_MARKER}`);
        expect(r.output).toContain("Loading d1 kernel from boot module @ 000000004a000000");
        expect(r.output).toContain(DOM0_MARKER);
        console.log(`QEMU ${q.version}: dom0less dom0 + domU1 markers in ${r.seconds.toFixed(1)} s`);
      });
    }
  },
);
