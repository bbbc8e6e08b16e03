/**
 * `guestmap import --from-dtb` on DTBs every installed QEMU (7.2.22, 10.0.2) dumped: the machine (arch, cpu, RAM), -append
 * and the guest-loader modules come back as the command line that built them.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dumpDtb, qemuInstalls, qemuLabel } from "../../core/conformance/qemu.js";
import { cpioBlob, rawBlob } from "../../core/test/fixtures/kernels.js";
import { runCli } from "../test/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-impdtb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "k.bin"), rawBlob(0x4321, 41));
writeFileSync(join(dir, "m.bin"), rawBlob(0x12345, 42));
writeFileSync(join(dir, "r.cpio"), cpioBlob(0x2000, 43));

const CASES = [
  {
    machine: ["-M", "virt", "-cpu", "cortex-a57", "-m", "2G"],
    arch: "aarch64",
    cpu: "cortex-a57",
    ram: "0x80000000",
    base: 0x40000000,
  },
  {
    machine: ["-M", "virt", "-m", "1G"],
    arch: "arm",
    cpu: "cortex-a15",
    ram: "0x40000000",
    base: 0x40000000,
  },
  {
    machine: ["-M", "virt", "-m", "512M"],
    arch: "riscv64",
    ram: "0x20000000",
    base: 0x80000000,
  },
  {
    machine: ["-M", "virt", "-m", "256M", "-bios", "none"],
    arch: "riscv32",
    ram: "0x10000000",
    base: 0x80000000,
  },
] as const;

for (const q of qemuInstalls())
  for (const c of CASES) {
    describe(`import --from-dtb: ${c.arch}, ${qemuLabel(q)}`, () => {
      it("gives back the machine, -append and the modules in command-line order", async () => {
        const a1 = (c.base + 0x6000000).toString(16);
        const a2 = (c.base + 0x4000000).toString(16);
        const argv = [
          ...c.machine,
          ...["-kernel", "k.bin", "-append", "console=hvc0 loglvl=all"],
          ...["-device", `guest-loader,addr=0x${a1},kernel=m.bin,bootargs=root=/dev/vda ro`],
          ...["-device", `guest-loader,addr=0x${a2},initrd=r.cpio`],
        ];
        writeFileSync(join(dir, `${c.arch}-${q.version}.dtb`), dumpDtb(q.binary(c.arch), argv, dir));
        const r = await runCli(["import", "--from-dtb", `${c.arch}-${q.version}.dtb`], dir);
        expect(r.code, r.stderr).toBe(0);
        const l = JSON.parse(r.stdout);
        expect(l.machine.arch).toBe(c.arch);
        expect(l.machine.ram).toBe(c.ram);
        if ("cpu" in c) expect(l.machine.cpu).toBe(c.cpu);
        expect(l.append).toBe("console=hvc0 loglvl=all");
        expect(l.modules).toEqual([
          {
            id: "m1",
            addr: `0x${a1}`,
            kernel: { path: `kernel-0x${a1}.bin`, size: "0x12345" },
            bootargs: "root=/dev/vda ro",
          },
          { id: "m2", addr: `0x${a2}`, initrd: { path: `initrd-0x${a2}.bin`, size: "0x2000" } },
        ]);
      });
    });
  }

describe("import --from-dtb: bad input", () => {
  it("a file that is not a DTB is bad input with the decoder's reason", async () => {
    writeFileSync(join(dir, "not.dtb"), "hello, I am text");
    const r = await runCli(["import", "--from-dtb", "not.dtb"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not\.dtb is not a valid DTB: .*magic/i);
  });
});
