/**
 * Differential fuzzing of the DTB decoder against dtc and fdtdump on mutated DTBs that each
 * installed QEMU (7.2.22, 10.0.2) dumps here and now, plus random and header-shaped blobs (a fixed
 * fast-check seed, so every run judges the same inputs; the cases are shared among the QEMUs). Where guestmap accepts a blob,
 * its DTS is byte-identical to `dtc -f`'s; where the tools disagree on accepting at all, the
 * difference must be one of those documented in docs/dtb-differences.md.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { decodeFdt, FdtError, printDts } from "../src/fdt/index.js";
import { dtbTarget, mutated } from "../test/fuzz/targets.js";
import { dumpDtb, qemuInstalls, qemuLabel } from "./qemu.js";
import { haveTool } from "./tools.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-dtbdiff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Codes guestmap refuses that dtc -f reads anyway, each explained in docs/dtb-differences.md. */
const STRICTER = new Set(["BADLAYOUT", "TOODEEP", "ALIGNMENT", "BADVERSION"]);
const CASES = Number(process.env.GUESTMAP_DTB_DIFF_CASES ?? 400);

writeFileSync(join(dir, "k.bin"), new Uint8Array(100_000).fill(1));
writeFileSync(join(dir, "r.bin"), new Uint8Array(50_000).fill(2));
/** A QEMU DTB without its padding to 1 MiB (`dtc -I dtb -O dtb`; the tree is QEMU's). */
function unpadded(dtb: Uint8Array): Uint8Array {
  const f = join(dir, "padded.dtb");
  writeFileSync(f, dtb);
  return new Uint8Array(spawnSync("dtc", ["-q", "-I", "dtb", "-O", "dtb", f]).stdout);
}

/** The DTBs a QEMU builds for a Xen layout on aarch64 and a module on riscv64 (as the fixtures were made). */
function qemuDtbs(q: ReturnType<typeof qemuInstalls>[number]): Uint8Array[] {
  return [
    dumpDtb(
      q.binary("aarch64"),
      [
        ...["-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "2G", "-kernel", "k.bin"],
        ...[
          "-append",
          "dom0_mem=1G",
          "-device",
          "guest-loader,addr=0x42000000,kernel=k.bin,bootargs=console=hvc0",
        ],
        ...["-device", "guest-loader,addr=0x47000000,initrd=r.bin"],
      ],
      dir,
    ),
    dumpDtb(
      q.binary("riscv64"),
      ["-M", "virt", "-m", "1G", "-device", "guest-loader,addr=0x84000000,kernel=k.bin"],
      dir,
    ),
  ];
}

const installs = haveTool("dtc") && haveTool("fdtdump") ? qemuInstalls() : [];
describe.skipIf(!haveTool("dtc") || !haveTool("fdtdump")).each(installs.map((q, i) => ({ q, i })))(
  "DTB decoder vs dtc and fdtdump",
  ({ q, i }) => {
    const n = Math.ceil(CASES / installs.length);
    it(`${n} mutated ${qemuLabel(q)} DTBs and random blobs: same DTS where both read it, only documented disagreements`, () => {
      const tally = new Map<string, number>();
      const arbitrary = fc.oneof(
        { weight: 3, arbitrary: mutated(qemuDtbs(q).map(unpadded)) },
        { weight: 2, arbitrary: dtbTarget.arbitrary },
      );
      const inputs = fc.sample(arbitrary, { numRuns: n, seed: 20261130 + i });
      inputs.forEach((bytes, i) => {
        const f = join(dir, `case-${i}.dtb`);
        writeFileSync(f, bytes);
        let ours: string;
        let text = "";
        try {
          text = printDts(decodeFdt(bytes));
          ours = "ok";
        } catch (e) {
          if (!(e instanceof FdtError)) throw e;
          ours = e.code;
        }
        const forced = spawnSync("dtc", ["-q", "-f", "-I", "dtb", "-O", "dts", f], { encoding: "latin1" });
        const strict = spawnSync("dtc", ["-q", "-I", "dtb", "-O", "dts", f], { encoding: "latin1" });
        const dump = spawnSync("fdtdump", [f], { encoding: "latin1" });
        const dtcReads = forced.status === 0;
        const key = `guestmap ${ours}, dtc -f ${dtcReads ? "reads" : "refuses"}, dtc ${strict.status === 0 ? "reads" : "refuses"}, fdtdump ${dump.status === 0 ? "reads" : "refuses"}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        const why = `case ${i} (${key}): ${forced.stderr.slice(0, 300)}`;
        if (ours === "ok") {
          // Whatever guestmap reads, dtc reads too, and prints the same text (dtc's printer works in
          // bytes: compare as latin1 on both sides).
          expect(dtcReads, why).toBe(true);
          expect(
            Buffer.from(text, "utf8").toString("latin1") === forced.stdout || text === forced.stdout,
            why,
          ).toBe(true);
          // fdtdump refuses header versions above 17 that libfdt's rule (and dtc) accept.
          if (dump.status !== 0) expect(new DataView(bytes.buffer).getUint32(0x14), why).toBeGreaterThan(17);
        } else if (dtcReads) {
          // TRUNCATED of a whole blob (totalsize within the file) is a token or name running past
          // size_dt_struct / size_dt_strings, which dtc's reader ignores and libfdt enforces.
          const whole = bytes.length >= 8 && new DataView(bytes.buffer).getUint32(4) <= bytes.length;
          expect(STRICTER.has(ours) || (ours === "TRUNCATED" && whole), why).toBe(true);
        }
      });
      console.log([...tally].map(([k, n]) => `${String(n).padStart(5)}  ${k}`).join("\n"));
    }, 300_000);
  },
);
