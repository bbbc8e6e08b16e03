/**
 * The placement model against the real QEMU 7.2: for many generated layouts on every arch, the
 * regions we compute must equal `info roms` exactly (name, address, size), and where `check`
 * predicts that QEMU refuses to start, it must (and nowhere else).
 */
import { afterAll, describe, expect, it } from "vitest";
import { type Arch, check } from "../src/index.js";
import { dir, firmwareSize, genCase, removeCaseDir, romName } from "./layouts.js";
import { infoRoms, QEMU_BINARIES, QemuRefused } from "./qemu.js";
import { haveTool } from "./tools.js";

afterAll(removeCaseDir);

const COUNTS: Record<Arch, number> = { aarch64: 90, arm: 40, riscv64: 50, riscv32: 30 };

for (const arch of Object.keys(COUNTS) as Arch[]) {
  const binary = QEMU_BINARIES[arch];
  describe.skipIf(!haveTool(binary))(`placements equal QEMU 7.2 info roms: ${arch}`, () => {
    for (let seed = 1; seed <= COUNTS[arch]; seed++) {
      const c = genCase(arch, seed);
      it(c.label, () => {
        const { placement: p, diagnostics } = check(c.layout, { firmwareSize: firmwareSize(arch) });
        const refused = diagnostics.filter((d) => d.qemu === "refuses");
        if (refused.length > 0) {
          expect(() => infoRoms(binary, c.argv, dir), refused.map((d) => d.code).join()).toThrow(QemuRefused);
          return;
        }
        const roms = infoRoms(binary, c.argv, dir)
          .map((x) => ({ name: romName(x.name), addr: x.addr, size: x.size }))
          .sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : a.name.localeCompare(b.name)));
        const ours = p.regions
          // ARM's -bios is loaded into the flash device: info roms lists it as `virt.flash0`, no addr=.
          .filter((x) => x.space !== "flash")
          .map((x) => ({ name: x.name, addr: x.addr, size: x.size }))
          .sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : a.name.localeCompare(b.name)));
        expect(ours).toEqual(roms);
      });
    }
  });
}
