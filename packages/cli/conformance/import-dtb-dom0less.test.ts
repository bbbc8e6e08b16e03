/**
 * `guestmap import --from-dtb` reads Xen dom0less domains: the example of Xen's
 * docs/misc/arm/device-tree/booting.txt ("Creating Multiple Domains directly from Xen"), with
 * Xen's own command lines, compiled by dtc into the machine's DTB of every installed QEMU
 * (7.2.22, 10.0.2).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dumpDtb, type QemuInstall, qemuInstalls, qemuLabel } from "../../core/conformance/qemu.js";
import { haveTool } from "../../core/conformance/tools.js";
import { runCli } from "../test/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-impd0l-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** booting.txt's domU1/domU2, a dom0 as its first section shows it, and Xen's bootargs. */
const CHOSEN = `
&{/chosen} {
    xen,xen-bootargs = "console=dtuart dtuart=serial0 bootscrub=0";
    xen,dom0-bootargs = "console=hvc0 root=/dev/ram0";
    module@0x42000000 {
        compatible = "multiboot,kernel", "multiboot,module";
        reg = <0x0 0x42000000 0x0 0x1f6dfc0>;
    };
    domU1 {
        compatible = "xen,domain";
        #address-cells = <0x2>;
        #size-cells = <0x1>;
        memory = <0 131072>;
        cpus = <2>;
        vpl011;

        module@0x4a000000 {
            compatible = "multiboot,kernel", "multiboot,module";
            reg = <0x0 0x4a000000 0xffffff>;
            bootargs = "console=ttyAMA0 init=/bin/sh";
        };

        module@0x4b000000 {
            compatible = "multiboot,ramdisk", "multiboot,module";
            reg = <0x0 0x4b000000 0xffffff>;
        };
    };

    domU2 {
        compatible = "xen,domain";
        #address-cells = <0x2>;
        #size-cells = <0x1>;
        memory = <0 65536>;
        cpus = <1>;
        XEN_ENHANCED

        module@0x4c000000 {
            compatible = "multiboot,kernel", "multiboot,module";
            reg = <0x0 0x4c000000 0xffffff>;
            bootargs = "console=ttyAMA0 init=/bin/sh";
        };

        module@0x4d000000 {
            compatible = "multiboot,ramdisk", "multiboot,module";
            reg = <0x0 0x4d000000 0xffffff>;
        };
    };
};
`;

function compile(q: QemuInstall, name: string, chosen: string): void {
  writeFileSync(
    join(dir, "qemu.dtb"),
    dumpDtb(q.binary("aarch64"), ["-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "2G"]),
  );
  const dts = spawnSync("dtc", ["-q", "-I", "dtb", "-O", "dts", join(dir, "qemu.dtb")], { encoding: "utf8" });
  writeFileSync(join(dir, `${name}.dts`), `${dts.stdout}\n${chosen}`);
  const c = spawnSync(
    "dtc",
    ["-q", "-I", "dts", "-O", "dtb", "-o", join(dir, `${name}.dtb`), join(dir, `${name}.dts`)],
    { encoding: "utf8" },
  );
  expect(c.status, c.stderr).toBe(0);
}

for (const q of haveTool("dtc") ? qemuInstalls() : [])
  describe(`import --from-dtb: dom0less, ${qemuLabel(q)}`, () => {
    it("keeps the DTB whole (-dtb, modules as loaders) when a domain has properties the layout cannot hold", async () => {
      compile(q, "enh", CHOSEN.replace("XEN_ENHANCED", 'xen,enhanced = "enabled";'));
      const r = await runCli(["import", "--from-dtb", "enh.dtb", "--edit-domains"], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/kept enh\.dtb as -dtb: its \/chosen has domU2 \{ … \}/);
      const l = JSON.parse(r.stdout);
      expect(l.dtb).toEqual({ path: "enh.dtb" });
      expect(l.domains).toBeUndefined();
      // dom0's kernel and both domains' kernels and ramdisks, each loaded raw at its reg.
      expect(l.loaders.map((x: { addr: string }) => x.addr).sort()).toEqual(
        ["0x42000000", "0x4a000000", "0x4b000000", "0x4c000000", "0x4d000000"].sort(),
      );
    });

    it("reads booting.txt's domains, Xen's command line and dom0's bootargs", async () => {
      writeFileSync(
        join(dir, "qemu.dtb"),
        dumpDtb(q.binary("aarch64"), ["-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "2G"]),
      );
      const dts = spawnSync("dtc", ["-q", "-I", "dtb", "-O", "dts", join(dir, "qemu.dtb")], {
        encoding: "utf8",
      });
      writeFileSync(join(dir, "x.dts"), `${dts.stdout}\n${CHOSEN.replace("XEN_ENHANCED", "")}`);
      const c = spawnSync(
        "dtc",
        ["-q", "-I", "dts", "-O", "dtb", "-o", join(dir, "x.dtb"), join(dir, "x.dts")],
        {
          encoding: "utf8",
        },
      );
      expect(c.status, c.stderr).toBe(0);

      const r = await runCli(["import", "-o", "layout.json", "--from-dtb", "x.dtb", "--edit-domains"], dir);
      expect(r.code, r.stderr).toBe(0);
      const l = JSON.parse(readFileSync(join(dir, "layout.json"), "utf8"));
      expect(l.append).toBe("console=dtuart dtuart=serial0 bootscrub=0");
      expect(l.modules).toEqual([
        {
          id: "m1",
          addr: "0x42000000",
          kernel: { path: "kernel-0x42000000.bin", size: "0x1f6dfc0" },
          bootargs: "console=hvc0 root=/dev/ram0",
        },
      ]);
      expect(l.domains).toEqual([
        {
          name: "domU1",
          memory: "0x8000000",
          cpus: 2,
          vpl011: true,
          bootargs: "console=ttyAMA0 init=/bin/sh",
          kernel: {
            id: "domU1.kernel",
            addr: "0x4a000000",
            file: { path: "domU1-kernel-0x4a000000.bin", size: "0xffffff" },
          },
          ramdisk: {
            id: "domU1.ramdisk",
            addr: "0x4b000000",
            file: { path: "domU1-ramdisk-0x4b000000.bin", size: "0xffffff" },
          },
        },
        {
          name: "domU2",
          memory: "0x4000000",
          cpus: 1,
          vpl011: false,
          bootargs: "console=ttyAMA0 init=/bin/sh",
          kernel: {
            id: "domU2.kernel",
            addr: "0x4c000000",
            file: { path: "domU2-kernel-0x4c000000.bin", size: "0xffffff" },
          },
          ramdisk: {
            id: "domU2.ramdisk",
            addr: "0x4d000000",
            file: { path: "domU2-ramdisk-0x4d000000.bin", size: "0xffffff" },
          },
        },
      ]);
      // And back, after adding the -kernel the import note asks for: the exported DTB has the same
      // domains, as dtc reads them.
      writeFileSync(
        join(dir, "layout.json"),
        JSON.stringify({ ...l, kernel: { path: "xen", size: "0xf0008" } }),
      );
      const e = await runCli(["export", "--dtb", "back.dtb", "layout.json"], dir);
      expect(e.code, e.stderr).toBe(0);
      const back = spawnSync("dtc", ["-q", "-I", "dtb", "-O", "dts", join(dir, "back.dtb")], {
        encoding: "utf8",
      });
      expect(back.stdout).toMatch(
        /domU1 \{\s+compatible = "xen,domain";[^}]*memory = <0x00 0x20000>;\s+cpus = <0x02>;\s+vpl011;/,
      );
      expect(back.stdout).toMatch(
        /module@4b000000 \{\s+compatible = "multiboot,ramdisk\\0multiboot,module";\s+reg = <0x00 0x4b000000 0x00 0xffffff>;/,
      );
    });
  });
