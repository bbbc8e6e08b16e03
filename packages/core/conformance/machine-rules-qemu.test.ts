/**
 * The machine rules against every installed QEMU: our table of `-M virt` properties equals what
 * `-M virt,help` lists, QEMU refuses exactly the properties `check` calls errors (with the message
 * we quote), and `-append`/`-initrd` without `-kernel` are refused as `needs-kernel` says.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  type Arch,
  check,
  emptyLayout,
  GiB,
  type Layout,
  type QemuVersion,
  virtMachineProps,
  virtTypeName,
} from "../src/index.js";
import { infoRoms, type QemuArch, QemuRefused, qemuInstalls } from "./qemu.js";

const ARCHES: Arch[] = ["aarch64", "arm", "riscv64", "riscv32"];
/** The installed QEMU's release (major.minor): the table that stands for it. */
const releaseOf = (version: string) => version.split(".").slice(0, 2).join(".");
const ACCEL_OPTS = new Set([
  "type",
  "accel",
  "kernel-irqchip",
  "kernel_irqchip",
  "kvm-shadow-mem",
  "kvm_shadow_mem",
]);

const layoutWith = (arch: Arch, qemu: QemuVersion, props: [string, string][]): Layout => ({
  ...emptyLayout(arch),
  qemu,
  machine: { ...emptyLayout(arch).machine, props, ram: 1n * GiB },
});

for (const q of qemuInstalls()) {
  const qemu = q.version as QemuVersion;
  const release = releaseOf(q.version);
  describe(`-M virt properties on QEMU ${q.version}`, () => {
    for (const arch of ARCHES) {
      const binary = q.binary(arch as QemuArch);
      it(`${arch}: the table is what -M virt,help lists`, () => {
        const r = spawnSync(binary, ["-M", "virt,help"], { encoding: "utf8", timeout: 30_000 });
        const listed = [...r.stdout.matchAll(/^ {2}([a-z0-9-]+)=/gm)].map((m) => m[1]!).sort();
        expect(listed.length).toBeGreaterThan(10);
        const ours = [...virtMachineProps(arch, release)].filter((k) => !ACCEL_OPTS.has(k)).sort();
        expect(ours).toEqual(listed);
      });
      const cases: [string, string][] = [
        ["virtualization", "on"],
        ["bogus", "1"],
        ["highmem", "off"],
        ["aia", "aplic"],
        ["accel", "tcg"],
        ["gic_version", "3"],
        ["dump_guest_core", "off"],
      ];
      for (const [key, value] of cases)
        it(`${arch}: -M virt,${key}=${value} — refused by QEMU exactly when check says machine-prop`, () => {
          const layout = layoutWith(arch, qemu, [[key, value]]);
          const ours = check(layout).diagnostics.find((d) => d.code === "machine-prop");
          const argv = ["-M", `virt,${key}=${value}`, "-m", "1G"];
          if (!ours) {
            // QEMU may still refuse a known property's value (aia=aplic needs riscv): only the key is ours.
            try {
              infoRoms(binary, argv);
            } catch (e) {
              expect((e as QemuRefused).stderr).not.toContain("not found");
            }
            return;
          }
          let err: unknown;
          try {
            infoRoms(binary, argv);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(QemuRefused);
          // QEMU names the property with `-` for `_`.
          const quoted = `Property '${virtTypeName(arch, release)}.${key.replace(/_/g, "-")}' not found`;
          expect((err as QemuRefused).stderr).toContain(quoted);
          expect(ours.message).toContain(quoted);
        });
    }
  });
  describe(`-append / -initrd without -kernel on QEMU ${q.version}`, () => {
    for (const arch of ["aarch64", "riscv64"] as const)
      for (const what of ["-append", "-initrd"] as const)
        it(`${arch}: ${what} alone is refused with the message check quotes`, () => {
          const layout: Layout = {
            ...layoutWith(arch, qemu, []),
            ...(what === "-append"
              ? { append: "console=ttyAMA0" }
              : { initrd: { path: "/etc/hostname", size: 1n } }),
          };
          const d = check(layout).diagnostics.find((x) => x.code === "needs-kernel");
          expect(d?.qemu).toBe("refuses");
          let err: unknown;
          try {
            infoRoms(q.binary(arch), [
              "-M",
              "virt",
              "-m",
              "1G",
              what,
              what === "-append" ? "console=ttyAMA0" : "/etc/hostname",
            ]);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(QemuRefused);
          const qemuSays = `${what} only allowed with -kernel option`;
          expect((err as QemuRefused).stderr).toContain(qemuSays);
          expect(d!.message).toContain(qemuSays);
        });
  });
}
