/**
 * One answer from both front-ends: the same inputs fed to the CLI (`pack`, `fix`, `check --json`,
 * `export --dtb --base-dtb`, `export --image`) and to the core operations it adapts (`pack`,
 * `fixAll`, `check`, `mergeIntoBase`, `planMemoryImage` + `writeImage`) give identical addresses,
 * explanations, fixes, DTB bytes and image bytes. The merged DTB is also judged by every installed
 * QEMU (7.2.22, 10.0.2), each modelled by its own version: for a
 * packed layout, merged into QEMU's DTB dumped WITH the guest-loader devices on the command line
 * (which the CLI used to refuse with module-exists), it equals QEMU's own DTB as dtc prints it, at
 * QEMU's size (the header's block offsets aside: libfdt's writer starts the reserve map at 0x30).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  check,
  fixAll,
  hex,
  type Layout,
  mergeIntoBase,
  moduleFile,
  pack,
  parseLayoutJson,
  placements,
  planMemoryImage,
  profileFor,
  type QemuVersion,
  serializeLayout,
  writeImage,
} from "@guestmap/core";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { dtcToDts } from "../../core/conformance/fdt-tools.js";
import { firmwareSize } from "../../core/conformance/layouts.js";
import { dumpDtb, qemuInstalls, qemuLabel } from "../../core/conformance/qemu.js";
import { haveTool } from "../../core/conformance/tools.js";
import { arbLayoutSpec, type LayoutSpec, writeLayoutFiles } from "../../core/test/fixtures/layouts.js";
import { runCli } from "../test/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-opscli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes a spec's files and its layout file; returns the layout (heads as the CLI reads them). */
function setUp(
  spec: LayoutSpec,
  props: [string, string][] = [],
  qemu: QemuVersion = "7.2",
): { file: string; layout: Layout; bytes: Map<string, Uint8Array> } {
  const { layout: built, bytes } = writeLayoutFiles(spec, dir);
  const layout: Layout = { ...built, qemu, machine: { ...built.machine, props } };
  const file = `layout-${n++}.json`;
  writeFileSync(join(dir, file), serializeLayout(layout));
  return { file, layout, bytes };
}

const env = (l: Layout) => {
  const fw = firmwareSize(l.machine.arch);
  return { qemu: l.qemu ?? ("7.2" as const), ...(fw !== undefined && { firmwareSize: fw }) };
};
const addrs = (l: Layout) => [...l.modules, ...l.loaders].map((b) => `${b.id}@${hex(b.addr)}`);

const specs = (["aarch64", "riscv64", "arm"] as const).flatMap((arch) =>
  fc.sample(arbLayoutSpec({ archs: [arch], min: 5, max: 30, maxBlobSize: 256 << 10 }), {
    numRuns: 2,
    seed: 1130 + arch.length,
  }),
);

describe("CLI and core give the same answer", () => {
  specs.forEach((spec, i) => {
    it(`#${i + 1} ${spec.arch}, ${spec.blobs.length} blobs: pack, fix, check --json`, async () => {
      const { file, layout } = setUp(spec);

      const p = await runCli(["pack", "-o", `p${i}.json`, file], dir);
      const core = pack(layout, env(layout));
      expect(p.code, p.stdout + p.stderr).toBe(core.unplaced.length > 0 ? 1 : 0);
      expect(addrs(parseLayoutJson(readFileSync(join(dir, `p${i}.json`), "utf8")))).toEqual(
        addrs(core.layout),
      );
      for (const m of core.moves) expect(p.stdout).toContain(`${m.message}\n`);

      const f = await runCli(["fix", "-o", `f${i}.json`, file], dir);
      const fixed = fixAll(layout, env(layout));
      expect(f.code, f.stdout + f.stderr).toBe(fixed.remaining.length + fixed.unfixed.length > 0 ? 1 : 0);
      expect(addrs(parseLayoutJson(readFileSync(join(dir, `f${i}.json`), "utf8")))).toEqual(
        addrs(fixed.layout),
      );
      for (const m of fixed.moves) expect(f.stdout).toContain(`${m.message}\n`);

      const c = await runCli(["check", "--json", file], dir);
      const json = JSON.parse(c.stdout) as { diagnostics: { code: string; fix?: object }[] };
      const want = check(layout, env(layout)).diagnostics.map((d) => ({
        code: d.code,
        fix: d.fix && { region: d.fix.region, addr: hex(d.fix.addr), label: d.fix.label },
      }));
      expect(json.diagnostics.map((d) => ({ code: d.code, fix: d.fix }))).toEqual(want);
      expect(want.some((d) => d.fix)).toBe(true);
    });
  });

  it("export --image: the CLI's bytes are the core plan's, written by the core's writer", async () => {
    const { file, layout, bytes } = setUp(specs[0]!);
    const packed = pack(layout, env(layout)).layout;
    writeFileSync(join(dir, "packed.json"), serializeLayout(packed));
    for (const format of ["raw", "elf", "ihex"] as const) {
      const r = await runCli(
        ["export", "--image", `img.${format}`, "--image-format", format, "packed.json"],
        dir,
      );
      expect(r.code, r.stderr).toBe(0);
      const plan = planMemoryImage(
        packed,
        placements(packed, env(packed)),
        (b) => {
          const data = bytes.get(b.path)!;
          return {
            size: BigInt(data.length),
            read: async (o, len) => data.subarray(Number(o), Number(o) + len),
          };
        },
        { format },
      );
      expect(plan.ok).toBe(true);
      if (!plan.ok) return;
      const chunks: Uint8Array[] = [];
      await writeImage(
        plan.regions,
        { write: async (c) => void chunks.push(c) },
        { format, arch: packed.machine.arch, range: plan.range },
      );
      expect(Buffer.compare(readFileSync(join(dir, `img.${format}`)), Buffer.concat(chunks)), format).toBe(0);
      for (const note of plan.notes) expect(r.stderr).toContain(note.message);
    }
    expect(file).toBeDefined();
  });
});

for (const q of haveTool("dtc") ? qemuInstalls() : [])
  describe(`the DTB merge policy, judged by ${qemuLabel(q)}`, () => {
    it("a base dumped with the guest-loader devices on the command line: their nodes are replaced, and the merge equals QEMU's DTB", async () => {
      const spec: LayoutSpec = {
        arch: "aarch64",
        ramMb: 1024,
        cpu: "cortex-a57",
        kernel: { kind: "arm64-image", size: 300_000, imageSize: 1 << 20, textOffset: 0 },
        initrd: 50_000,
        blobs: [
          {
            slot: "module-kernel",
            file: { kind: "arm64-image", size: 70_000, imageSize: 3 << 20, textOffset: 0 },
            at: 0x2000000,
          },
          { slot: "module-initrd", file: { kind: "cpio", size: 12_345 }, at: 0x2100000 },
        ],
      };
      const { layout } = setUp(spec, [["dtb-randomness", "off"]], q.version);
      const packed = pack(layout, env(layout)).layout;
      writeFileSync(join(dir, "dtb-packed.json"), serializeLayout(packed));
      const argv = (withInitrd: boolean) => [
        "-M",
        "virt,dtb-randomness=off",
        "-cpu",
        "cortex-a57",
        "-m",
        "1024M",
        "-kernel",
        packed.kernel!.path,
        ...(withInitrd ? ["-initrd", packed.initrd!.path] : []),
        ...packed.modules.flatMap((m) => [
          "-device",
          `guest-loader,addr=${hex(m.addr)},${m.kernel ? "kernel" : "initrd"}=${moduleFile(m)!.path}`,
        ]),
      ];
      const base = dumpDtb(q.binary("aarch64"), argv(false), dir);
      writeFileSync(join(dir, "base-with-modules.dtb"), base);
      const r = await runCli(
        ["export", "--dtb", "merged.dtb", "--base-dtb", "base-with-modules.dtb", "dtb-packed.json"],
        dir,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/already had module@0x[0-9a-f]+, module@0x[0-9a-f]+ .*replaced/);
      const cli = new Uint8Array(readFileSync(join(dir, "merged.dtb")));
      const core = mergeIntoBase(base, packed, profileFor(q.version), { env: {} }).bytes;
      expect(Buffer.compare(Buffer.from(cli), Buffer.from(core))).toBe(0);
      const qemu = dumpDtb(q.binary("aarch64"), argv(true), dir);
      const dts = (b: Uint8Array) => dtcToDts(b).stdout.toString("latin1");
      expect(dts(cli)).toBe(dts(qemu));
      // Byte for byte but for the header's layout: libfdt's sequential writer (QEMU) puts the
      // reservation map at 0x30, the encoder (like dtc) at 0x28. Same size: padded like QEMU's.
      expect(cli.length).toBe(qemu.length);
    });
  });
