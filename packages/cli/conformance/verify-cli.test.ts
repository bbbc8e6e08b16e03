/**
 * `guestmap verify` against every real QEMU installed (7.2 on PATH, 10.0.2 from
 * scripts/install-qemu-10.sh): the seed's Xen example agrees byte for byte; the 24 MiB rootfs
 * agrees on every region but QEMU's DTB overwrites it, and the count of overwritten bytes it
 * reports is what a `pmemsave` of the rootfs range, run here with a hand-written argv, shows.
 * A guest-loader QEMU refuses and a prediction QEMU contradicts are reported as such.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pmemsave, qemuInstalls } from "../../core/conformance/qemu.js";
import { arm64Image, cpioBlob } from "../../core/test/fixtures/kernels.js";
import { runCli } from "../test/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-verify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "xen"), arm64Image(0x118a08, 0n, 0x1ee000n));
writeFileSync(join(dir, "Image"), arm64Image(0x1d8a200, 0n, 0x1f90000n));
writeFileSync(join(dir, "rootfs.cpio"), cpioBlob(0x5c3a00));
writeFileSync(join(dir, "rootfs-24m.cpio"), cpioBlob(24 << 20));
writeFileSync(join(dir, "raw.bin"), cpioBlob(100_000, 21));

// QEMU's DTB carries 40 random seed bytes unless dtb-randomness=off (the verifier adds it on ARM):
// with it, two runs write the same bytes, so the counts can be compared exactly.
const machine = ["-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "2G"];
const xen = (rootfs: string) => [
  ...machine,
  "-kernel",
  "xen",
  "-append",
  "dom0_mem=1G,max:1G",
  "-device",
  "guest-loader,addr=0x42000000,kernel=Image,bootargs=root=/dev/sda2 ro console=hvc0",
  "-device",
  `guest-loader,addr=0x47000000,initrd=${rootfs}`,
];

for (const q of qemuInstalls()) {
  const verify = (argv: string[]) =>
    runCli(
      ["verify", "--json", ...(q.dir ? ["--qemu-dir", q.dir] : []), "--", q.binary("aarch64"), ...argv],
      dir,
    );
  const runOf = (stdout: string) => {
    const runs = JSON.parse(stdout).runs as { qemu: { version: string }; report: Record<string, unknown> }[];
    const mine = runs.find((r) => r.qemu.version === q.version);
    expect(mine, `a run on QEMU ${q.version}`).toBeDefined();
    return mine!.report as {
      agrees: boolean;
      differences: string[];
      regions: { name: string; equal: boolean }[];
      chosen?: { equal: boolean };
      blobs: { name: string; intact: boolean; overwritten: string; summary: string; predicted: boolean }[];
      refusal: { qemu: boolean; predicted: boolean; message?: string };
    };
  };

  describe(`guestmap verify on QEMU ${q.version}`, () => {
    it("the seed's Xen example: every region, /chosen and both modules' bytes agree; exit 0", async () => {
      const r = await verify(xen("rootfs.cpio"));
      expect(r.stderr).toBe("");
      const report = runOf(r.stdout);
      expect(report.differences).toEqual([]);
      expect(report.agrees).toBe(true);
      expect(report.regions.map((x) => x.name)).toEqual(["bootloader", "xen", "Image", "rootfs.cpio", "dtb"]);
      expect(report.regions.every((x) => x.equal)).toBe(true);
      expect(report.chosen?.equal).toBe(true);
      expect(report.blobs.map((b) => b.summary)).toEqual(["bytes intact", "bytes intact"]);
      expect(r.code).toBe(0);
    });

    it("the 24 MiB rootfs: overwritten by QEMU's DTB, as many bytes as pmemsave shows; exit 1", async () => {
      const r = await verify(xen("rootfs-24m.cpio"));
      const report = runOf(r.stdout);
      const file = readFileSync(join(dir, "rootfs-24m.cpio"));
      const argv = xen("rootfs-24m.cpio").map((a) =>
        a === "virt,virtualization=on" ? `${a},dtb-randomness=off` : a,
      );
      const ram = pmemsave(q.binary("aarch64"), argv, 0x47000000n, BigInt(file.length), dir);
      let differing = 0;
      for (let i = 0; i < file.length; i++) if (file[i] !== ram[i]) differing++;
      expect(differing).toBeGreaterThan(0);
      const rootfs = report.blobs.find((b) => b.name === "rootfs-24m.cpio")!;
      expect(rootfs.intact).toBe(false);
      expect(BigInt(rootfs.overwritten)).toBe(BigInt(differing));
      expect(rootfs.summary).toMatch(
        new RegExp(
          `^${differing.toLocaleString("en-US")} bytes overwritten by QEMU's DTB \\(first at offset 0x1000000, 0x48000000\\)`,
        ),
      );
      // guestmap's check reported this overlap: prediction and QEMU agree, the boot is still broken.
      expect(rootfs.predicted).toBe(true);
      expect(report.agrees).toBe(true);
      expect(r.code).toBe(1);
    });

    it("a stanza QEMU refuses: both sides refuse, QEMU's own message is returned", async () => {
      const r = await verify([
        ...machine,
        "-device",
        "guest-loader,addr=0x42000000,initrd=rootfs.cpio,bootargs=x",
      ]);
      const report = runOf(r.stdout);
      expect(report.refusal).toMatchObject({ qemu: true, predicted: true });
      expect(report.refusal.message).toMatch(/Boot args only relevant to kernel blobs/);
      expect(report.agrees).toBe(true);
    });

    it("bootargs and file names cannot inject options: commas and '-' names reach QEMU as data", async () => {
      writeFileSync(join(dir, "-x,initrd=Image"), cpioBlob(0x1000, 9));
      const r = await verify([
        ...machine,
        "-device",
        "guest-loader,addr=0x42000000,kernel=Image,bootargs=a,,dumpdtb=/tmp/x -append evil",
        "-device",
        "guest-loader,addr=0x46000000,initrd=-x,,initrd=Image",
      ]);
      const report = runOf(r.stdout);
      expect(report.differences).toEqual([]);
      expect(report.chosen?.equal).toBe(true);
      expect(report.blobs.map((b) => [b.name, b.summary])).toEqual([
        ["Image", "bytes intact"],
        ["-x,initrd=Image", "bytes intact"],
      ]);
    });
  });

  describe(`guestmap verify on QEMU ${q.version}: RISC-V and -device loader`, () => {
    it("riscv64 with OpenSBI (its size as this QEMU reports it), a module and a raw loader blob", async () => {
      const r = await runCli(
        [
          "verify",
          "--json",
          ...(q.dir ? ["--qemu-dir", q.dir] : []),
          "--",
          q.binary("riscv64"),
          "-M",
          "virt",
          "-m",
          "1G",
          "-kernel",
          "Image",
          "-device",
          "guest-loader,addr=0x90000000,initrd=rootfs.cpio",
          "-device",
          "loader,file=raw.bin,addr=0x98000000",
        ],
        dir,
      );
      const run = (
        JSON.parse(r.stdout).runs as {
          qemu: { version: string };
          report: {
            regions: { name: string; equal: boolean; approximate?: boolean }[];
            chosen?: { equal: boolean };
            blobs: { name: string; summary: string }[];
          };
        }[]
      ).find((x) => x.qemu.version === q.version)!;
      // Every region equal, except where guestmap says its size is an estimate (10.0's packed FDT).
      for (const x of run.report.regions)
        if (!x.approximate) expect(x, x.name).toMatchObject({ equal: true });
      expect(run.report.regions.map((x) => x.name)).toContain("Image");
      expect(run.report.chosen?.equal).toBe(true);
      expect(run.report.blobs.map((b) => [b.name, b.summary])).toEqual([
        ["rootfs.cpio", "bytes intact"],
        ["raw.bin", "bytes intact"],
      ]);
    });

    it("ARM -bios in flash0 (info roms lists it by flash bank, not address): agrees", async () => {
      const r = await verify([
        ...machine,
        "-bios",
        "raw.bin",
        "-device",
        "guest-loader,addr=0x48000000,initrd=rootfs.cpio",
      ]);
      const report = runOf(r.stdout);
      expect(report.differences).toEqual([]);
      expect(report.regions.map((x) => x.name)).toEqual(["raw.bin", "dtb", "rootfs.cpio"]);
    });

    it("a loader blob over QEMU's DTB on ARM: both refuse, QEMU's message names the file", async () => {
      const r = await verify([
        ...machine,
        "-kernel",
        "xen",
        "-device",
        "loader,file=raw.bin,addr=0x48000000",
      ]);
      const report = runOf(r.stdout);
      expect(report.refusal).toMatchObject({ qemu: true, predicted: true });
      expect(report.refusal.message).toMatch(
        /Some ROM regions are overlapping[\s\S]*raw\.bin \(addresses 0x0000000048000000/,
      );
    });
  });
}

// Xen dom0less: dom0 plus domU1 (the README's example shape). guest-loader cannot write
// /chosen/domU1, so verify runs the fixed-DTB form, as `export --fixed-dtb` writes it.
writeFileSync(join(dir, "domu.cpio"), cpioBlob(0x123400, 31));
const dom0less = (domuRamdiskAddr: string) => ({
  format: "guestmap-layout",
  version: 1,
  machine: {
    arch: "aarch64",
    props: { virtualization: "on", "gic-version": "3" },
    ram: "1G",
    cpu: "cortex-a57",
  },
  kernel: { path: "xen" },
  append: "dom0_mem=256M console=dtuart",
  modules: [
    { addr: "0x42000000", kernel: { path: "Image" }, bootargs: "console=hvc0" },
    { addr: "0x46000000", initrd: { path: "rootfs.cpio" } },
  ],
  domains: [
    {
      name: "domU1",
      memory: "128M",
      cpus: 1,
      vpl011: true,
      bootargs: "console=ttyAMA0 rdinit=/init",
      kernel: { addr: "0x4a000000", file: { path: "Image" } },
      ramdisk: { addr: domuRamdiskAddr, file: { path: "domu.cpio" } },
    },
  ],
});

for (const q of qemuInstalls()) {
  const verifyLayout = async (name: string, layout: object) => {
    writeFileSync(join(dir, name), JSON.stringify(layout));
    const r = await runCli(["verify", "--json", ...(q.dir ? ["--qemu-dir", q.dir] : []), name], dir);
    const runs = JSON.parse(r.stdout).runs as {
      qemu: { version: string };
      argv: string[];
      report: {
        agrees: boolean;
        differences: string[];
        regions: { name: string; domain?: string; equal: boolean; qemu?: { addr: string; size: string } }[];
        chosen?: { equal: boolean; qemu: string };
        blobs: { name: string; domain?: string; summary: string }[];
        refusal: { qemu: boolean; predicted: boolean; message?: string };
      };
    }[];
    const mine = runs.find((x) => x.qemu.version === q.version);
    expect(mine, `a run on QEMU ${q.version}`).toBeDefined();
    return { code: r.code, stderr: r.stderr, run: mine! };
  };

  describe(`guestmap verify on QEMU ${q.version}: Xen dom0less domains`, () => {
    it("domU1's kernel and ramdisk where QEMU loads them, /chosen/domU1 as QEMU dumps it, bytes intact", async () => {
      const { code, stderr, run } = await verifyLayout("dom0less.json", dom0less("0x4e000000"));
      expect(stderr).toBe("");
      expect(run.report.differences).toEqual([]);
      // The fixed-DTB form: -dtb and a loader per blob, the domain's included.
      expect(run.argv).toContain("-dtb");
      expect(run.argv.filter((a) => a.startsWith("loader,file="))).toHaveLength(4);
      const domU = run.report.regions.filter((x) => x.domain === "domU1");
      expect(domU.map((x) => [x.name, x.equal, x.qemu?.addr, x.qemu?.size])).toEqual([
        ["Image", true, "0x4a000000", `0x${readFileSync(join(dir, "Image")).length.toString(16)}`],
        ["domu.cpio", true, "0x4e000000", "0x123400"],
      ]);
      // QEMU's own dumped DTB (its side of the comparison) carries the domain, as Xen reads it.
      expect(run.report.chosen?.equal).toBe(true);
      expect(run.report.chosen?.qemu).toContain('compatible = "xen,domain";');
      expect(run.report.chosen?.qemu).toMatch(
        /domU1 \{[\s\S]*module@4e000000 \{\s*compatible = "multiboot,ramdisk\\0multiboot,module";\s*reg = <0x00 0x4e000000 0x00 0x123400>;/,
      );
      expect(run.report.blobs.map((b) => [b.name, b.domain, b.summary])).toEqual([
        ["Image", undefined, "bytes intact"],
        ["rootfs.cpio", undefined, "bytes intact"],
        ["Image", "domU1", "bytes intact"],
        ["domu.cpio", "domU1", "bytes intact"],
      ]);
      expect(code).toBe(0);
    });

    it("domU1's ramdisk over dom0's rootfs: QEMU refuses the overlapping loaders, as predicted", async () => {
      // rootfs.cpio is [0x46000000, 0x465c3a00): the domU ramdisk starts inside it.
      const { run } = await verifyLayout("dom0less-overlap.json", dom0less("0x46400000"));
      expect(run.report.refusal).toMatchObject({ qemu: true, predicted: true });
      expect(run.report.refusal.message).toMatch(/Some ROM regions are overlapping[\s\S]*domu\.cpio/);
      expect(run.report.agrees).toBe(true);
    });
  });
}
