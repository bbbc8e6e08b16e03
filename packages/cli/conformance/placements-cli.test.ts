/**
 * `guestmap placements --json -- <QEMU argv>` as a user runs it, against `info roms` of the same
 * argv, on every installed QEMU (7.2.22, 10.0.2), for generated command lines on every arch. No
 * --qemu: guestmap must pick the behaviour and the firmware of the QEMU the command line names.
 */
import { afterAll, describe, expect, it } from "vitest";
import { dir, genCase, removeCaseDir, romName } from "../../core/conformance/layouts.js";
import { infoRoms, QemuCrashed, QemuRefused, qemuInstalls, qemuLabel } from "../../core/conformance/qemu.js";
import type { Arch } from "../../core/src/index.js";
import { runCli } from "../test/run-cli.js";

afterAll(removeCaseDir);

const byAddr = (a: { addr: bigint; name: string }, b: { addr: bigint; name: string }) =>
  a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : a.name.localeCompare(b.name);

for (const q of qemuInstalls())
  for (const arch of ["aarch64", "arm", "riscv64", "riscv32"] as Arch[]) {
    const binary = q.binary(arch);
    describe(`guestmap placements --json equals ${qemuLabel(q)} info roms: ${arch}`, () => {
      it("models the QEMU the command line names, without --qemu", async () => {
        const r = await runCli(["check", "--", binary, "-M", "virt"], dir);
        expect(r.stdout).toContain(`QEMU profile ${q.version} (from `);
      });
      for (let seed = 101; seed <= 112; seed++) {
        const c = genCase(arch, seed, q.version);
        it(c.label, async () => {
          const r = await runCli(["placements", "--json", "--", binary, ...c.argv], dir);
          let roms: ReturnType<typeof infoRoms> | undefined;
          try {
            roms = infoRoms(binary, c.argv, dir);
          } catch (e) {
            if (e instanceof QemuCrashed) {
              // QEMU crashed at reset (a blob over its whole DTB): check must flag that overlap.
              const chk = await runCli(["check", "--json", "--", binary, ...c.argv], dir);
              const ds = JSON.parse(chk.stdout).diagnostics as {
                code: string;
                severity: string;
                regions: string[];
              }[];
              expect(
                ds.some((d) => d.code === "overlap" && d.severity === "error" && d.regions.includes("dtb")),
              ).toBe(true);
              return;
            }
            if (!(e instanceof QemuRefused)) throw e;
          }
          if (!roms) {
            // QEMU refused: guestmap must say so with exit code 1.
            expect(r.code).toBe(1);
            return;
          }
          expect(r.code, r.stderr + r.stdout).toBe(0);
          const ours = (JSON.parse(r.stdout).regions as { name: string; addr: string; size: string }[])
            .map((x) => ({ name: x.name, addr: BigInt(x.addr), size: BigInt(x.size) }))
            .sort(byAddr);
          expect(ours).toEqual(
            roms.map((x) => ({ name: romName(x.name), addr: x.addr, size: x.size })).sort(byAddr),
          );
        });
      }
    });
  }
