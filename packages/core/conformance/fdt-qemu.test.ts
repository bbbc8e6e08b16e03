/**
 * The codec against every installed QEMU's own DTBs (`-machine dumpdtb`) judged by dtc and fdtdump.
 */
import { describe, expect, it } from "vitest";
import { checkHeader, decodeFdt, encodeFdt, printDts } from "../src/fdt/index.js";
import { atLeastVersion } from "../src/index.js";
import { plain } from "../test/fdt/blob.js";
import { dtcReencode, dtcToDts, fdtdump, fdtdumpBody } from "./fdt-tools.js";
import { dumpDtb, type QemuArch, qemuInstalls, qemuLabel } from "./qemu.js";
import { haveTool } from "./tools.js";

/**
 * `unpacked`: the blob's totalsize is QEMU's 1 MiB buffer (ARM). QEMU 7.2's RISC-V virt packs
 * its FDT before dumpdtb, so totalsize is the packed size while the dumped file is still 1 MiB.
 */
const MACHINES = [
  { bin: "qemu-system-aarch64", args: ["-M", "virt", "-cpu", "cortex-a57", "-m", "2G"], unpacked: true },
  { bin: "qemu-system-aarch64", args: ["-M", "virt"], unpacked: true },
  { bin: "qemu-system-arm", args: ["-M", "virt"], unpacked: true },
  { bin: "qemu-system-riscv64", args: ["-M", "virt"], unpacked: false },
  { bin: "qemu-system-riscv32", args: ["-M", "virt", "-bios", "none"], unpacked: false },
] as const;

const ready = haveTool("dtc") && haveTool("fdtdump");

for (const q of qemuInstalls())
  describe.skipIf(!ready)(`${qemuLabel(q)}'s DTBs`, () => {
    describe.each(MACHINES.map((m) => ({ ...m, label: `${m.bin} ${m.args.join(" ")}` })))(
      "$label",
      ({ bin: name, args, unpacked }) => {
        const bin = q.binary(name.replace("qemu-system-", "") as QemuArch);
        const qemu = () => dumpDtb(bin, args);

        it("decode → encode → decode is the identity, and padTo 0x100000 gives QEMU's buffer size", () => {
          const dtb = qemu();
          // 10.0's generic dumpdtb writes RISC-V's packed tree as it is (7.2: the 1 MiB buffer).
          const packedFile = !unpacked && atLeastVersion(q.version, "10.0");
          expect(dtb.length).toBe(packedFile ? checkHeader(dtb).totalsize : 0x100000);
          if (unpacked) expect(checkHeader(dtb).totalsize).toBe(0x100000);
          else expect(checkHeader(dtb).totalsize).toBeLessThan(0x100000);
          const fdt = decodeFdt(dtb);
          expect(plain(decodeFdt(encodeFdt(fdt)))).toEqual(plain(fdt));
          const padded = encodeFdt(fdt, { padTo: 0x100000 });
          expect(padded.length).toBe(0x100000);
          expect(checkHeader(padded).totalsize).toBe(0x100000);
          expect(plain(decodeFdt(padded))).toEqual(plain(fdt));
        });

        it("printDts equals `dtc -q -I dtb -O dts` byte for byte", () => {
          const dtb = qemu();
          const ref = dtcToDts(dtb);
          expect(ref.status).toBe(0);
          expect(printDts(decodeFdt(dtb))).toBe(ref.stdout.toString("latin1"));
        });

        it("our encoding is byte-identical to `dtc -I dtb -O dtb` of QEMU's blob", () => {
          const dtb = qemu();
          const ref = dtcReencode(dtb);
          expect(ref.status).toBe(0);
          expect(Buffer.from(encodeFdt(decodeFdt(dtb))).equals(ref.stdout)).toBe(true);
        });

        it("dtc and fdtdump read our (padded) encoding as they read QEMU's, without complaint", () => {
          const dtb = qemu();
          const ours = encodeFdt(decodeFdt(dtb), { padTo: 0x100000 });
          const a = dtcToDts(ours);
          expect(a.status).toBe(0);
          expect(a.stderr).toBe("");
          expect(a.stdout.equals(dtcToDts(dtb).stdout)).toBe(true);
          const dumpOurs = fdtdump(ours);
          const dumpQemu = fdtdump(dtb);
          expect(dumpOurs.status).toBe(0);
          expect(dumpOurs.stderr).toBe("");
          expect(fdtdumpBody(dumpOurs)).toBe(fdtdumpBody(dumpQemu));
        });
      },
    );
  });
