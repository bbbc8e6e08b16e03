/**
 * export(import(argv)) makes QEMU do the same thing: a QEMU command line imported into a layout
 * and exported again loads the same ROMs at the same addresses and builds the same /chosen
 * (QEMU 7.2's `info roms` and `dumpdtb`, read with dtc), on every arch.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dir as caseDir, genCase, removeCaseDir } from "../../core/conformance/layouts.js";
import { dumpDtb, infoRoms, QemuRefused, qemuInstalls, qemuLabel } from "../../core/conformance/qemu.js";
import { haveTool } from "../../core/conformance/tools.js";
import type { Arch } from "../../core/src/index.js";
import { runCli } from "../test/run-cli.js";

afterAll(removeCaseDir);
const tmp = mkdtempSync(join(tmpdir(), "guestmap-rt-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** /chosen as dtc prints it, without the machine's random seed. */
function chosenText(dtb: Uint8Array): string {
  const f = join(tmp, "x.dtb");
  writeFileSync(f, dtb);
  const dts = execFileSync("dtc", ["-q", "-I", "dtb", "-O", "dts", f], { encoding: "utf8" });
  const start = dts.indexOf("\tchosen {");
  const end = dts.indexOf("\n\t};", start);
  return dts
    .slice(start, end)
    .split("\n")
    .filter((l) => !/rng-seed|kaslr-seed/.test(l))
    .join("\n");
}

const NASTY = [
  "root=/dev/vda ro console=hvc0",
  "a,b,,c",
  `quote"d 'single' $(not run) \`nor this\``,
  "ünïcødé ✓",
];

for (const q of qemuInstalls())
  for (const arch of ["aarch64", "arm", "riscv64", "riscv32"] as Arch[]) {
    const bin = q.binary(arch);
    describe.skipIf(!haveTool("dtc"))(`export(import(argv)) on ${qemuLabel(q)}: ${arch}`, () => {
      for (let seed = 201; seed <= 206; seed++) {
        const c = genCase(arch, seed, q.version);
        // Give kernels bootargs that need QemuOpts and shell escaping, and an -append.
        const argv = [
          bin,
          ...c.argv.map((a) =>
            a.startsWith("guest-loader,") && a.includes("kernel=")
              ? `${a},bootargs=${NASTY[seed % NASTY.length]!.replace(/,/g, ",,")}`
              : a,
          ),
        ];
        if (c.layout.kernel && c.layout.append === undefined)
          argv.push("-append", NASTY[(seed + 1) % NASTY.length]!);
        it(argv.slice(1).join(" "), async () => {
          const imported = await runCli(["import", "-o", "layout.json", "--", ...argv], caseDir);
          expect(imported.code, imported.stderr).toBe(0);
          const exported = await runCli(["export", "--cmdline-format", "json", "layout.json"], caseDir);
          expect(exported.code, exported.stderr).toBe(0);
          const again = JSON.parse(exported.stdout) as string[];
          // The layout keeps the arch, not the program's path: the export names qemu-system-ARCH.
          expect(again[0]).toBe(`qemu-system-${arch}`);
          const sort = (r: ReturnType<typeof infoRoms>) =>
            r.map((x) => `${x.addr} ${x.size} ${x.name}`).sort();
          // A command line QEMU refuses must be exported as one it refuses the same way.
          const outcome = (args: string[]) => {
            try {
              return sort(infoRoms(bin, args, caseDir));
            } catch (e) {
              if (e instanceof QemuRefused) return e.stderr;
              throw e;
            }
          };
          const before = outcome(argv.slice(1));
          expect(outcome(again.slice(1))).toEqual(before);
          if (typeof before === "string") return;
          // No DTB in RAM (an ELF kernel over the base of RAM): dumpdtb has nothing to dump (7.2
          // runs the guest, 10.0.2 segfaults), and the equal ROM lists above already say it all.
          if (!before.some((l) => l.endsWith(" dtb"))) return;
          expect(chosenText(dumpDtb(bin, again.slice(1), caseDir))).toBe(
            chosenText(dumpDtb(bin, argv.slice(1), caseDir)),
          );
        });
      }
    });
  }
