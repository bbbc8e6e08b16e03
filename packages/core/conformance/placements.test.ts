/**
 * The placement model against every real QEMU installed (7.2.22 on PATH, 10.0.2 beside it), each
 * modelled with the profile its own `--version` selects: for many generated layouts on every arch,
 * the regions we compute must equal `info roms` exactly (name, address, size), and where `check`
 * predicts that QEMU refuses to start, it must, with the message we quote (and nowhere else).
 */
import { afterAll, describe, expect, it } from "vitest";
import { type Arch, check } from "../src/index.js";
import { dir, genCase, removeCaseDir, romName } from "./layouts.js";
import { infoRoms, QemuCrashed, QemuRefused, qemuInstalls, qemuLabel } from "./qemu.js";

afterAll(removeCaseDir);

/** Per arch and QEMU: ~1.4 s per 10 cases on 2 cores; every kernel format comes up at these counts. */
const COUNTS: Record<Arch, number> = { aarch64: 64, arm: 32, riscv64: 48, riscv32: 40 };

for (const q of qemuInstalls()) {
  for (const arch of Object.keys(COUNTS) as Arch[]) {
    const binary = q.binary(arch);
    describe(`placements equal ${qemuLabel(q)} info roms: ${arch}`, () => {
      for (let seed = 1; seed <= COUNTS[arch]; seed++) {
        const c = genCase(arch, seed, q.version);
        it(c.label, () => {
          const fw = arch === "riscv64" || arch === "riscv32" ? q.firmwareSize(arch) : undefined;
          const { placement: p, diagnostics } = check(c.layout, {
            qemu: q.version,
            ...(fw !== undefined && { firmwareSize: fw }),
          });
          const refused = diagnostics.filter((d) => d.qemu === "refuses");
          let roms: ReturnType<typeof infoRoms>;
          try {
            roms = infoRoms(binary, c.argv, dir);
          } catch (e) {
            if (e instanceof QemuCrashed) {
              // Not a refusal: the DTB under a blob. We must have flagged that overlap as an error.
              expect(
                diagnostics.some(
                  (d) => d.code === "overlap" && d.severity === "error" && d.regions.includes("dtb"),
                ),
                e.message,
              ).toBe(true);
              return;
            }
            if (!(e instanceof QemuRefused)) throw e;
            expect(
              refused.map((d) => d.code),
              `QEMU refused: ${e.stderr}`,
            ).not.toEqual([]);
            // QEMU's own words are quoted in our message: the refusal is the one QEMU gives.
            const said = refusalText(e.stderr);
            expect(
              refused.some((d) => (said === "overlap" ? d.code === "overlap" : d.message.includes(said))),
              `QEMU said "${said}"; we said: ${refused.map((d) => d.message).join(" | ")}`,
            ).toBe(true);
            return;
          }
          expect(
            refused.map((d) => `${d.code}: ${d.message}`),
            "we predicted a refusal, QEMU started",
          ).toEqual([]);
          const theirs = roms
            .map((x) => ({ name: romName(x.name), addr: x.addr, size: x.size }))
            .sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : a.name.localeCompare(b.name)));
          const ours = p.regions
            .map((x) => ({ name: x.name, addr: x.addr, size: x.size }))
            .sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : a.name.localeCompare(b.name)));
          expect(ours).toEqual(theirs);
        });
      }
    });
  }
}

/**
 * The distinctive part of QEMU's refusal: the first line's message without the program name and
 * option prefix, cut before any file name (which we print relative, QEMU as given).
 */
export function refusalText(stderr: string): string {
  const line =
    stderr
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "" && !l.startsWith("WARNING")) ?? "";
  const msg = line.replace(/^qemu-system-\w+:\s*/, "").replace(/^-device [^:]*:\s*/, "");
  if (/^Some ROM regions are overlapping/.test(msg)) return "overlap";
  return msg.replace(/\s*['"]?[\w./-]+\.bin.*$/, "").slice(0, 40);
}
