/**
 * `guestmap placements --json -- <QEMU argv>` as a user runs it, against `info roms` of the same
 * argv, on every installed QEMU (7.2.22, 10.0.2), for generated command lines on every arch. No
 * --qemu: guestmap must pick the behaviour and the firmware of the QEMU the command line names.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { dir, genCase, removeCaseDir, romName } from "../../core/conformance/layouts.js";
import { infoRoms, QemuCrashed, QemuRefused, qemuInstalls, qemuLabel } from "../../core/conformance/qemu.js";
import type { Arch } from "../../core/src/index.js";
import { arm64Image, efiZboot, uImage } from "../../core/test/fixtures/kernels.js";
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

/**
 * Compressed kernels through the CLI's own file reading (it streams each through the core's
 * Unpacker): a gzip uImage, an Image.gz and an EFI zboot image, on each QEMU.
 */
function compressedKernels(): Record<string, Uint8Array> {
  const img = arm64Image(1 << 20, 0n, 3n << 20n);
  img.fill(0, 0x40);
  const gz = new Uint8Array(gzipSync(img));
  const u = uImage(gz.length, 0x41000000);
  u.set(gz, 64);
  u[31] = 1; // ih_comp = gzip
  return { "cli-uimage.gz": u, "cli-Image.gz": gz, "cli-zboot.efi": efiZboot(gz) };
}

for (const q of qemuInstalls())
  describe(`guestmap placements --json equals ${qemuLabel(q)} info roms: compressed kernels`, () => {
    const files = compressedKernels();
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
    const binary = q.binary("aarch64");
    it.each(Object.keys(files))("%s", async (name) => {
      const argv = ["-M", "virt", "-cpu", "cortex-a57", "-m", "1G", "-kernel", name];
      const r = await runCli(["placements", "--json", "--", binary, ...argv], dir);
      expect(r.code, r.stderr).toBe(0);
      const ours = (JSON.parse(r.stdout).regions as { name: string; addr: string; size: string }[])
        .map((x) => ({ name: x.name, addr: BigInt(x.addr), size: BigInt(x.size) }))
        .sort(byAddr);
      const roms = infoRoms(binary, argv, dir);
      expect(ours).toEqual(
        roms.map((x) => ({ name: romName(x.name), addr: x.addr, size: x.size })).sort(byAddr),
      );
    });
  });
