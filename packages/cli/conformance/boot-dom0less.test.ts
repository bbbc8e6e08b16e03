/**
 * "Boot 10 s" of a layout with a Xen dom0less domain runs the fixed-DTB form too: on each real
 * QEMU the plan's DTB is built on QEMU's own, QEMU accepts the run (it is killed at the limit, not
 * refused) and a tiny kernel writes "OK" to virt's PL011. (verify-cli.test.ts compares such a
 * run's /chosen/domU1 with QEMU's dumped DTB.)
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layoutFiles, parseLayoutJson } from "@guestmap/core";
import { afterAll, describe, expect, it } from "vitest";
import { qemuInstalls } from "../../core/conformance/qemu.js";
import { fillBlobs } from "../src/blobs.js";
import { runBoot } from "../src/qemu-run/boot-run.js";
import { findQemus } from "../src/qemu-run/find-qemu.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-boot-dom0less-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** movz x1,#0x0900,lsl#16; UARTCR=0x301; write 'O','K','\n' to UARTDR; b . */
const KERNEL = Buffer.from(
  new Uint32Array([
    0xd2a12001, 0x52806022, 0xb9003022, 0x528009e0, 0xb9000020, 0x52800960, 0xb9000020, 0x52800140,
    0xb9000020, 0x14000000,
  ]).buffer,
);
writeFileSync(join(dir, "ok.bin"), KERNEL);
writeFileSync(join(dir, "domu.img"), Buffer.alloc(0x10000, 5));

const LAYOUT = {
  format: "guestmap-layout",
  version: 1,
  machine: { arch: "aarch64", ram: "512M", cpu: "cortex-a57" },
  kernel: { path: "ok.bin" },
  domains: [
    { name: "domU1", memory: "64M", cpus: 1, kernel: { addr: "0x50000000", file: { path: "domu.img" } } },
  ],
};

for (const q of qemuInstalls()) {
  describe(`Boot of a dom0less layout on QEMU ${q.version}`, () => {
    it("runs the fixed-DTB form: QEMU starts and the kernel speaks", async () => {
      const qemu = (await findQemus(q.dir ? [q.dir] : [])).find(
        (b) => b.arch === "aarch64" && b.version === q.version,
      );
      expect(qemu, `qemu-system-aarch64 ${q.version}`).toBeDefined();
      const layout = await fillBlobs(parseLayoutJson(JSON.stringify(LAYOUT), "layout.json"), dir);
      let serial = "";
      const r = await runBoot(layout, {
        qemu: qemu!,
        seconds: 3,
        onSerial: (t) => {
          serial += t;
        },
        materialize: async (files, to) => {
          for (const f of files) symlinkSync(join(dir, f.path), join(to, f.name));
        },
      });
      expect(r.stderr).toBe("");
      expect(r.killed).toBe(true);
      expect(serial).toContain("OK");
      expect(r.argv).toContain("-dtb");
      expect(r.argv.join(" ")).toContain("loader,file=f2,addr=0x50000000,force-raw=on");
      expect(layoutFiles(layout).map((f) => f.blob.path)).toEqual(["ok.bin", "domu.img"]);
    });
  });
}
