/**
 * `guestmap placements --json -- <QEMU argv>` as a user runs it, against `info roms` of the same
 * argv on QEMU 7.2, for generated command lines on every arch.
 */
import { afterAll, describe, expect, it } from "vitest";
import { dir, genCase, removeCaseDir, romName } from "../../core/conformance/layouts.js";
import { infoRoms, QEMU_BINARIES, QemuRefused } from "../../core/conformance/qemu.js";
import { haveTool } from "../../core/conformance/tools.js";
import type { Arch } from "../../core/src/index.js";
import { runCli } from "../test/run-cli.js";

afterAll(removeCaseDir);

const byAddr = (a: { addr: bigint; name: string }, b: { addr: bigint; name: string }) =>
  a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : a.name.localeCompare(b.name);

for (const arch of ["aarch64", "arm", "riscv64", "riscv32"] as Arch[]) {
  const binary = QEMU_BINARIES[arch];
  describe.skipIf(!haveTool(binary))(`guestmap placements --json equals info roms: ${arch}`, () => {
    for (let seed = 101; seed <= 115; seed++) {
      const c = genCase(arch, seed);
      it(c.label, async () => {
        const r = await runCli(["placements", "--json", "--", binary, ...c.argv], dir);
        let roms: ReturnType<typeof infoRoms> | undefined;
        try {
          roms = infoRoms(binary, c.argv, dir);
        } catch (e) {
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
