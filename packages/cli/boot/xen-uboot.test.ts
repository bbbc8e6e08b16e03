/**
 * `guestmap export --uboot-script/--uboot-image`, run by Debian's U-Boot (qemu_arm64 u-boot.bin
 * as QEMU's -bios) on every QEMU we claim: U-Boot fetches the script and every file over TFTP
 * (QEMU's user network), the script edits the machine's DTB and boots Xen with booti, and dom0's
 * /init marker appears. The mkimage form is compared with Debian's mkimage byte for byte.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dumpDtb, qemuInstalls } from "../../core/conformance/qemu.js";
import { runCli } from "../test/run-cli.js";
import { boot } from "./boot-qemu.js";
import { DOM0_MARKER, xenBootFiles } from "./xen-files.js";

const files = xenBootFiles();
const work = mkdtempSync(join(tmpdir(), "guestmap-uboot-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MACHINE = ["-M", "virt,virtualization=on,gic-version=3", "-cpu", "cortex-a57", "-smp", "2", "-m", "1G"];
const LAYOUT = [
  "qemu-system-aarch64",
  ...MACHINE,
  ...["-kernel", "xen", "-append", "dom0_mem=256M console=dtuart dtuart=/pl011@9000000 bootscrub=0"],
  ...["-device", "guest-loader,addr=0x42000000,kernel=Image,bootargs=console=hvc0 rdinit=/init panic=1"],
  ...["-device", "guest-loader,addr=0x46000000,initrd=rootfs.cpio"],
];

describe.skipIf(!files)("U-Boot script from guestmap boots Xen under Debian's U-Boot", () => {
  for (const q of qemuInstalls()) {
    it.concurrent(`QEMU ${q.version}: tftpb + source boot.scr reaches dom0's /init`, async () => {
      const d = join(work, q.version);
      mkdirSync(d);
      symlinkSync(files!.xen, join(d, "xen"));
      symlinkSync(files!.image, join(d, "Image"));
      symlinkSync(files!.dom0Cpio, join(d, "rootfs.cpio"));
      // The machine's DTB as it is under firmware: with -bios QEMU turns ACPI on and leaves out the
      // pl061 GPIO, which dom0 would otherwise probe and die on (measured: external abort).
      writeFileSync(
        join(d, "virt.dtb"),
        dumpDtb(q.binary("aarch64"), [...MACHINE, "-bios", files!.ubootBin], d),
      );

      const e = await runCli(
        [
          "export",
          "--base-dtb",
          "virt.dtb",
          "--uboot-script",
          "boot.source",
          "--uboot-image",
          "boot.scr",
        ].concat(["--", ...LAYOUT]),
        d,
      );
      expect(e.code, e.stderr).toBe(0);
      const addr = /source (0x[0-9a-f]+)/.exec(e.stderr)?.[1];
      expect(addr).toBeDefined();
      const source = readFileSync(join(d, "boot.source"), "utf8");
      expect(source).toContain("tftpb 0x42000000 Image");
      expect(source).toContain("booti 0x40200000 - 0x48000000");

      // Debian's mkimage, with the time pinned as guestmap pins it, writes the same bytes.
      const m = spawnSync(
        files!.mkimage,
        [
          "-A",
          "arm64",
          "-O",
          "linux",
          "-T",
          "script",
          "-C",
          "none",
          "-a",
          addr!,
          "-e",
          addr!,
          "-n",
          "guestmap",
        ].concat(["-d", "boot.source", "mkimage.scr"]),
        { cwd: d, env: { ...process.env, SOURCE_DATE_EPOCH: "0" }, encoding: "utf8" },
      );
      expect(m.status, m.stderr).toBe(0);
      expect(Buffer.compare(readFileSync(join(d, "boot.scr")), readFileSync(join(d, "mkimage.scr")))).toBe(0);

      const r = await boot(
        q.binary("aarch64"),
        [
          ...MACHINE,
          ...["-accel", "tcg,thread=multi", "-no-reboot", "-bios", files!.ubootBin],
          ...["-display", "none", "-serial", "stdio", "-monitor", "none"],
          ...["-netdev", `user,id=n,tftp=${d}`, "-device", "virtio-net-pci,netdev=n,romfile="],
        ],
        {
          cwd: d,
          until: [DOM0_MARKER],
          failOn: ["Xen BUG", "Kernel panic", "Unknown command", "Wrong image format"],
          timeoutMs: 240_000,
          answers: [
            { when: "Hit any key to stop autoboot", send: "\n" },
            {
              when: "=> ",
              send: `setenv autoload no; dhcp; setenv serverip 10.0.2.2; tftpb ${addr} boot.scr; source ${addr}\n`,
            },
          ],
        },
      );
      expect(r.marker, r.output.slice(-3000)).toBe(DOM0_MARKER);
      expect(r.output).toContain(`## Executing script at ${addr!.slice(2)}`);
      console.log(`QEMU ${q.version}: U-Boot + boot.scr → dom0 marker in ${r.seconds.toFixed(1)} s`);
    });
  }
});
