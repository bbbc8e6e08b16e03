/**
 * The brief's measured claim, on every installed QEMU (7.2.22, 10.0.2), each named by its path as
 * the program of the command line so the CLI models it by its own version: the seed's own Xen example (QEMU's guest-loader page,
 * moved to aarch64 virt as Xen needs it) is fine with a 16 MiB rootfs at 0x47000000 and is silently
 * corrupted by QEMU's DTB at 0x48000000 one byte later. guestmap says so; QEMU does not.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pmemsave, qemuInstalls, qemuLabel, qmpRun } from "../../core/conformance/qemu.js";
import { arm64Image, cpioBlob } from "../../core/test/fixtures/kernels.js";
import { runCli } from "../test/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-seed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "xen"), arm64Image(0x20000, 0n, 0x40000n, 51));
writeFileSync(join(dir, "Image"), arm64Image(0x100000, 0n, 0x180000n, 52));

const MiB16 = 16 << 20;
const seedArgv = (program: string, rootfs: string) => [
  program,
  ...["-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "2G"],
  ...["-kernel", "xen", "-append", "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all"],
  ...[
    "-device",
    "guest-loader,addr=0x42000000,kernel=Image,bootargs=root=/dev/sda2 ro console=hvc0 earlyprintk=xen",
  ],
  ...["-device", `guest-loader,addr=0x47000000,initrd=${rootfs}`],
];

for (const q of qemuInstalls())
  describe(`the seed's example on ${qemuLabel(q)}`, () => {
    it("a 16 MiB rootfs fits: guestmap is clean and RAM holds every byte of it", async () => {
      const rootfs = cpioBlob(MiB16, 53);
      writeFileSync(join(dir, "rootfs16.cpio"), rootfs);
      const argv = seedArgv(q.binary("aarch64"), "rootfs16.cpio");
      const r = await runCli(["check", "--json", "--", ...argv], dir);
      expect(r.code).toBe(0);
      expect(
        JSON.parse(r.stdout).diagnostics.filter((d: { severity: string }) => d.severity !== "info"),
      ).toEqual([]);
      const [bin, ...args] = argv;
      const tail = pmemsave(bin!, args, 0x48000000n - 0x1000n, 0x1000n, dir);
      expect(Buffer.from(tail).equals(Buffer.from(rootfs.subarray(MiB16 - 0x1000)))).toBe(true);
    });

    it("one byte more: QEMU starts without a word and its DTB overwrites the rootfs; guestmap reports it", async () => {
      const rootfs = cpioBlob(MiB16 + 1, 54);
      writeFileSync(join(dir, "rootfs16p1.cpio"), rootfs);
      const argv = seedArgv(q.binary("aarch64"), "rootfs16p1.cpio");
      const r = await runCli(["check", "--json", "--", ...argv], dir);
      expect(r.code).toBe(1);
      const d = JSON.parse(r.stdout).diagnostics[0];
      expect(d).toMatchObject({
        code: "overlap",
        qemu: "starts",
        regions: ["m2", "dtb"],
        start: "0x48000000",
        end: "0x48000001",
      });
      const [bin, ...args] = argv;
      // QEMU: no error, no warning on stderr, and the rootfs's last byte is the DTB's first.
      const run = qmpRun(bin!, args, [], dir);
      expect(run.status).toBe(0);
      expect(run.stderr).toBe("");
      const at = pmemsave(bin!, args, 0x48000000n, 4n, dir);
      expect(Array.from(at)).toEqual([0xd0, 0x0d, 0xfe, 0xed]);
      expect(at[0]).not.toBe(rootfs[MiB16]);
    });
  });
