/**
 * `guestmap export --image` over a range that holds QEMU's own loads too: the raw image equals
 * guest RAM at reset (`pmemsave` after `-S`), byte for byte, except where QEMU writes bytes of its
 * own making (boot stub, DTB), which the export names and leaves as zeros. Judged by every
 * installed QEMU (7.2.22, 10.0.2), each modelled by its own version.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pmemsave, qemuInstalls, qemuLabel } from "../../core/conformance/qemu.js";
import { cpioBlob, rawBlob, uImage } from "../../core/test/fixtures/kernels.js";
import { runCli } from "../test/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-imgram-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  label: string;
  argv: string[];
  files: Record<string, Uint8Array>;
  range: [bigint, bigint];
  /** Ranges QEMU fills itself, which the image leaves as zeros. */
  generated: [bigint, bigint][];
}

const CASES: Case[] = [
  {
    label: "aarch64: -kernel, -initrd, QEMU's DTB and a module",
    argv: [
      "qemu-system-aarch64",
      "-M",
      "virt",
      "-cpu",
      "cortex-a57",
      "-m",
      "128M",
      "-kernel",
      "k.bin",
      "-initrd",
      "i.cpio",
      "-device",
      "guest-loader,addr=0x44400000,initrd=m.cpio",
    ],
    files: { "k.bin": rawBlob(0x23456, 31), "i.cpio": cpioBlob(0x12345, 32), "m.cpio": cpioBlob(0x8000, 33) },
    range: [0x40080000n, 0x44408000n],
    // initrd at 0x44000000 (ram/2), DTB 2 MiB-aligned after it.
    generated: [[0x44200000n, 0x44300000n]],
  },
  {
    label: "riscv64: a uImage -kernel (payload after the header), -initrd and a module",
    argv: [
      "qemu-system-riscv64",
      "-M",
      "virt",
      "-m",
      "256M",
      "-bios",
      "none",
      "-kernel",
      "u.img",
      "-initrd",
      "i.cpio",
      "-device",
      "guest-loader,addr=0x88400000,kernel=m.bin",
    ],
    files: {
      "u.img": uImage(0x3000, 0x80200000, { arch: 26 }),
      "i.cpio": cpioBlob(0x5000, 34),
      "m.bin": rawBlob(0x4000, 35),
    },
    range: [0x80200000n, 0x88404000n],
    generated: [],
  },
];

for (const q of qemuInstalls())
  describe(`export --image equals RAM at reset on ${qemuLabel(q)}`, () => {
    for (const c of CASES) {
      it(c.label, async () => {
        for (const [n, b] of Object.entries(c.files)) writeFileSync(join(dir, n), b);
        const [lo, hi] = c.range;
        const out = join(dir, "ram.img");
        const r = await runCli(
          [
            "export",
            "--qemu",
            q.version,
            "--image",
            "ram.img",
            "--image-range",
            `0x${lo.toString(16)}:0x${hi.toString(16)}`,
            "--",
            ...c.argv,
          ],
          dir,
        );
        expect(r.code, r.stderr).toBe(0);
        for (const [s] of c.generated) expect(r.stderr).toContain(`[0x${s.toString(16)}`);
        const ours = new Uint8Array(readFileSync(out));
        const [program, ...args] = c.argv;
        const ram = pmemsave(
          q.binary(program!.replace("qemu-system-", "") as "aarch64"),
          args,
          lo,
          hi - lo,
          dir,
        );
        expect(ours.length).toBe(ram.length);
        for (const [s, e] of c.generated) {
          const a = Number(s - lo);
          const b = Number(e - lo);
          expect(ours.subarray(a, b).every((x) => x === 0)).toBe(true);
          // QEMU's own bytes are there in RAM: mask them for the comparison.
          ram.fill(0, a, b);
        }
        expect(Buffer.from(ours).equals(Buffer.from(ram))).toBe(true);
        // Not vacuous: the image holds the kernel and initrd bytes.
        expect(ours.some((x) => x !== 0)).toBe(true);
      });
    }
  });
