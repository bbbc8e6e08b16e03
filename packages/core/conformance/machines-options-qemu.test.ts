/**
 * What `-M` types and options guestmap treats as virt or as neutral, judged by every installed QEMU:
 * each versioned virt type (virt-X.Y, as libvirt writes them) loads exactly what plain virt loads;
 * each machine property guestmap does not list as "not checked" changes nothing in `info roms`;
 * each removed option is refused exactly from the release guestmap says removed it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  check,
  importArgv,
  importShellCommand,
  isVirtType,
  type QemuVersion,
  REMOVED_OPTIONS,
} from "../src/index.js";
import { uncheckedOptions } from "../src/rules/unchecked.js";
import { arm64Image, cpioBlob } from "../test/fixtures/kernels.js";
import { infoRoms, QemuRefused, qemuInstalls } from "./qemu.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-machines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "Image"), arm64Image(8 << 20, 0n, 9n << 20n));
writeFileSync(join(dir, "initrd"), cpioBlob(3 << 20));
const BOOT = ["-m", "1G", "-cpu", "cortex-a57", "-kernel", "Image", "-initrd", "initrd"];
const show = (args: string[], binary: string) =>
  infoRoms(binary, args, dir)
    .map((r) => `${r.name}@${r.addr.toString(16)}+${r.size.toString(16)}`)
    .join(" ");

for (const q of qemuInstalls()) {
  const aarch64 = q.binary("aarch64");
  const types = spawnSync(aarch64, ["-M", "help"], { encoding: "utf8" })
    .stdout.split("\n")
    .map((l) => l.split(/\s+/)[0]!)
    .filter((t) => /^virt-[0-9]+\.[0-9]+$/.test(t));

  describe(`QEMU ${q.version}: versioned virt types are virt`, () => {
    const plain = show(["-M", "virt", ...BOOT], aarch64);
    it.each(types)("%s", (t) => {
      expect(isVirtType("aarch64", t)).toBe(true);
      expect(importArgv(["qemu-system-aarch64", "-M", t, ...BOOT]).diagnostics).toEqual([]);
      expect(show(["-M", t, ...BOOT], aarch64)).toBe(plain);
    });
    // Types newer than this QEMU (the next minor and major releases): QEMU refuses them, and so
    // does check() modelling this QEMU, quoting its message.
    const [major, minor] = q.version.split(".").map(Number) as [number, number];
    it.each([`virt-${major}.${minor + 1}`, `virt-${major + 1}.0`])(
      "%s (newer than this QEMU) is refused",
      (t) => {
        let stderr = "";
        try {
          show(["-M", t, ...BOOT], aarch64);
        } catch (e) {
          if (!(e instanceof QemuRefused)) throw e;
          stderr = e.stderr;
        }
        const said = /qemu-system-aarch64: (unsupported machine type.*)/.exec(stderr)?.[1];
        expect(said, stderr).toBeDefined();
        const { layout } = importArgv(["qemu-system-aarch64", "-M", t, ...BOOT]);
        const ds = check({ ...layout, qemu: q.version as QemuVersion }).diagnostics;
        const d = ds.find((x) => x.code === "machine-type-unknown");
        expect(d?.qemu).toBe("refuses");
        expect(d?.message).toContain(`("${said}")`);
      },
    );
    it("and -M frob is refused by QEMU too", () => {
      expect(() => show(["-M", "frob", ...BOOT], aarch64)).toThrow(QemuRefused);
      expect(importArgv(["qemu-system-aarch64", "-M", "frob"]).diagnostics[0]!.code).toBe(
        "machine-not-modelled",
      );
    });
  });

  describe(`QEMU ${q.version}: machine properties guestmap calls neutral change nothing QEMU loads`, () => {
    const plain = show(["-M", "virt", ...BOOT], aarch64);
    const PROPS = [
      "virtualization=on",
      "gic-version=3",
      "its=off",
      "iommu=smmuv3",
      "acpi=off",
      "accel=tcg",
      "usb=off",
      "graphics=off",
      "dump-guest-core=off",
      "mem-merge=off",
      "highmem=off",
    ];
    it.each(PROPS)("-M virt,%s", (prop) => {
      const layout = importArgv(["qemu-system-aarch64", "-M", `virt,${prop}`, ...BOOT]).layout;
      expect(uncheckedOptions(layout, q.version as QemuVersion)).toEqual([]);
      expect(show(["-M", `virt,${prop}`, ...BOOT], aarch64)).toBe(plain);
    });
  });

  describe(`QEMU ${q.version}: addr=1184M (a size suffix) is refused, never read as 0`, () => {
    it.each(["loader,file=initrd,addr=1184M", "guest-loader,initrd=initrd,addr=1184M"])(
      "-device %s",
      (dev) => {
        const args = ["-M", "virt", ...BOOT, "-device", dev];
        let stderr = "";
        try {
          show(args, aarch64);
        } catch (e) {
          if (!(e instanceof QemuRefused)) throw e;
          stderr = e.stderr;
        }
        expect(stderr).toContain("Parameter 'addr' expects integer");
        const r = importShellCommand(["qemu-system-aarch64", ...args].join(" "));
        expect(r.diagnostics.map((d) => d.code)).toEqual(["bad-integer"]);
        expect(r.diagnostics[0]!.message).toContain("Parameter 'addr' expects integer");
        expect(r.layout.loaders).toEqual([]);
        expect(r.layout.modules).toEqual([]);
      },
    );
  });

  describe(`QEMU ${q.version}: removed options`, () => {
    it.each(Object.keys(REMOVED_OPTIONS))("-%s", (name) => {
      const layout = importArgv(["qemu-system-aarch64", "-M", "virt", `-${name}`]).layout;
      // The release itself, not its profile: removal versions are facts about releases.
      const release = q.version.split(".").slice(0, 2).join(".");
      const predicted = uncheckedOptions(layout, release).some((d) => d.qemu === "refuses");
      const r = spawnSync(
        aarch64,
        [
          "-M",
          "virt",
          `-${name}`,
          "-S",
          "-display",
          "none",
          "-monitor",
          "none",
          "-serial",
          "none",
          "-version",
        ],
        {
          encoding: "utf8",
        },
      );
      const refused = /invalid option/.test(r.stderr);
      expect(refused, r.stderr).toBe(predicted);
    });
  });
}
