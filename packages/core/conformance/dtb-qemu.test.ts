/**
 * /chosen as every installed QEMU (7.2.22, 10.0.2) builds it, on generated command lines for every arch: 1–16 guest-loader
 * modules anywhere (above 4 GiB too), bootargs with commas, quotes, spaces and UTF-8, with and
 * without -append/-initrd. The QEMU argv is built here, independently of guestmap's exporter, and
 * QEMU's `-machine dumpdtb=` is the judge:
 *   - standalone: dtc's text of our DTB's /chosen == dtc's text of QEMU's /chosen, minus the
 *     machine's own stdout-path/rng-seed/kaslr-seed;
 *   - merged into QEMU's DTB of the same machine without the devices, -append and -initrd: dtc's
 *     text of the whole tree == QEMU's (RISC-V 7.2 has no dtb-randomness=off: rng-seed copied);
 *   - overlay: fdtoverlay applying our .dtbo to that base == the merged DTB;
 *   - import of QEMU's DTB lists the command line's modules.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type Arch,
  chosenOverlayDtb,
  decodeFdt,
  encodeFdt,
  type GuestLoaderModule,
  getPropValue,
  importDtb,
  type Layout,
  type LayoutBlob,
  mergeDtb,
  placements,
  profileFor,
  setProp,
  standaloneDtb,
} from "../src/index.js";
import { rawBlob } from "../test/fixtures/kernels.js";
import { dtcToDts } from "./fdt-tools.js";
import { dir, file, removeCaseDir, rng } from "./layouts.js";
import { dumpDtb, type QemuInstall, qemuInstalls, qemuLabel } from "./qemu.js";
import { haveTool } from "./tools.js";

afterAll(removeCaseDir);
const MiB = 1n << 20n;

/** Pieces bootargs are made of: QemuOpts commas, quotes, spaces, `=`, UTF-8. */
const WORDS = [
  "console=hvc0",
  "a,b",
  "root=/dev/vda ro",
  '"quoted"',
  "it's",
  "ü→λ",
  "x=y=z",
  ",",
  " ",
  "dom0_mem=1G,max:1G",
];

interface Case {
  label: string;
  layout: Layout;
  /** QEMU argv without the program, the full command line. */
  argv: string[];
  /** The same machine without guest-loader devices, -append and -initrd. */
  baseArgv: string[];
}

function genCase(arch: Arch, seed: number, q: QemuInstall): Case {
  const r = rng(seed * 104729 + arch.length * 31);
  const words = () =>
    Array.from({ length: r.int(0, 4) }, () => r.pick(WORDS))
      .join(r.pick([" ", "", "  "]))
      .trim();
  const ramMb = r.pick(
    arch === "aarch64" ? [128, 1024, 2048, 8192] : arch === "riscv64" ? [256, 2048, 4096] : [256, 1024, 2048],
  );
  const machine = ["-M", arch === "riscv64" || arch === "riscv32" ? "virt" : "virt,dtb-randomness=off"];
  machine.push("-m", `${ramMb}M`);
  let cpu: string | undefined;
  if (arch === "aarch64") {
    cpu = r.pick([undefined, "cortex-a57", "max"]);
    if (cpu) machine.push("-cpu", cpu);
  }
  const biosNone =
    (arch === "riscv32" && q.firmwareSize(arch) === null) || (arch.startsWith("riscv") && r.chance(0.3));
  if (biosNone) machine.push("-bios", "none");

  const boot: string[] = [];
  const extra: string[] = [];
  let kernel: LayoutBlob | undefined;
  let initrd: LayoutBlob | undefined;
  let append: string | undefined;
  if (r.chance(0.75)) {
    kernel = file(rawBlob(r.int(64, 200_000), seed), "kern");
    boot.push("-kernel", kernel.path);
    if (r.chance(0.6)) {
      append = words() || "console=ttyAMA0,115200 ü";
      extra.push("-append", append);
    }
    if (r.chance(0.6)) {
      // Sometimes empty: QEMU then writes no linux,initrd-* at all.
      initrd = file(rawBlob(r.chance(0.15) ? 0 : r.int(1, 300_000), seed + 1), "ird");
      extra.push("-initrd", initrd.path);
    }
  }

  const n = r.int(1, 16);
  const used = new Set<bigint>();
  const modules: GuestLoaderModule[] = [];
  const devices: string[] = [];
  while (modules.length < n) {
    const high = r.chance(0.3);
    const page = BigInt(r.int(1, 0xfffff));
    let addr = high ? 0x100000000n + page * 0x10000n : page * 0x1000n;
    if (r.chance(0.2)) addr += BigInt(r.int(1, 0xfff)); // unaligned: QEMU does not care
    if (used.has(addr)) continue;
    used.add(addr);
    const isKernel = r.chance(0.55);
    const blob = file(
      rawBlob(r.chance(0.05) ? 0 : r.int(1, 70_000), seed + modules.length),
      isKernel ? "mk" : "mr",
    );
    const bootargs = isKernel && r.chance(0.7) ? words() : undefined;
    const id = `m${modules.length + 1}`;
    modules.push({
      id,
      addr,
      ...(isKernel ? { kernel: blob } : { initrd: blob }),
      ...(bootargs !== undefined && { bootargs }),
    });
    const opts = [
      "guest-loader",
      `addr=0x${addr.toString(16)}`,
      `${isKernel ? "kernel" : "initrd"}=${blob.path}`,
      ...(bootargs !== undefined ? [`bootargs=${bootargs.replaceAll(",", ",,")}`] : []),
    ];
    devices.push("-device", opts.join(","));
  }
  const layout: Layout = {
    machine: {
      arch,
      type: "virt",
      props: arch.startsWith("riscv") ? [] : [["dtb-randomness", "off"]],
      ram: BigInt(ramMb) * MiB,
      ...(cpu && { cpu }),
      bios: { kind: biosNone ? "none" : "default" },
    },
    qemu: q.version,
    ...(kernel && { kernel }),
    ...(initrd && { initrd }),
    ...(append !== undefined && { append }),
    modules,
    loaders: [],
    extraArgs: [],
  };
  const argv = [...machine, ...boot, ...extra, ...devices];
  return { label: `${arch} #${seed}: ${argv.join(" ")}`, layout, argv, baseArgv: [...machine, ...boot] };
}

const dts = (dtb: Uint8Array) => {
  const r = dtcToDts(dtb);
  if (r.status !== 0) throw new Error(`dtc failed: ${r.stderr}`);
  return r.stdout.toString("latin1");
};

/** dtc's `chosen { … };` block at depth 1, without the lines of the machine's own properties. */
function chosenBlock(text: string): string {
  const lines = text.split("\n");
  const start = lines.indexOf("\tchosen {");
  const end = lines.indexOf("\t};", start);
  if (start < 0 || end < 0) throw new Error(`no /chosen in:\n${text}`);
  return lines
    .slice(start, end + 1)
    .filter((l) => !/^\t\t(stdout-path|rng-seed|kaslr-seed) = /.test(l))
    .join("\n");
}

/** QEMU's seeds are random on RISC-V 7.2: give ours QEMU's bytes (in place, order untouched). */
function withSeedsOf(ours: Uint8Array, qemu: Uint8Array): Uint8Array {
  let fdt = decodeFdt(ours);
  for (const name of ["rng-seed", "kaslr-seed"]) {
    const v = getPropValue(decodeFdt(qemu), "/chosen", name);
    if (v && getPropValue(fdt, "/chosen", name)) fdt = setProp(fdt, "/chosen", name, v);
  }
  return encodeFdt(fdt);
}

function fdtoverlay(base: Uint8Array, overlay: Uint8Array): Uint8Array {
  const d = mkdtempSync(join(tmpdir(), "guestmap-ovl-"));
  try {
    writeFileSync(join(d, "base.dtb"), base);
    writeFileSync(join(d, "o.dtbo"), overlay);
    const r = spawnSync("fdtoverlay", ["-i", "base.dtb", "-o", "out.dtb", "o.dtbo"], {
      cwd: d,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`fdtoverlay failed: ${r.stderr}`);
    return new Uint8Array(readFileSync(join(d, "out.dtb")));
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
}

const hexish = (m: GuestLoaderModule) => ({
  addr: m.addr,
  kind: m.kernel ? "kernel" : "initrd",
  size: (m.kernel ?? m.initrd)?.size,
  bootargs: m.bootargs,
});

const ARCHES: Arch[] = ["aarch64", "arm", "riscv64", "riscv32"];
const CASES_PER_ARCH = 8;

for (const q of qemuInstalls())
  for (const arch of ARCHES) {
    const bin = q.binary(arch);
    const profile = profileFor(q.version);
    describe.skipIf(!haveTool("dtc") || !haveTool("fdtoverlay"))(
      `/chosen vs ${qemuLabel(q)} on ${arch}`,
      () => {
        for (let seed = 1; seed <= CASES_PER_ARCH; seed++) {
          const c = genCase(arch, seed, q);
          it(c.label, () => {
            const fw = arch === "riscv64" || arch === "riscv32" ? q.firmwareSize(arch) : undefined;
            const placement = placements(c.layout, {
              qemu: q.version,
              ...(fw !== undefined && { firmwareSize: fw }),
            });
            const qemu = dumpDtb(bin, c.argv, dir);
            const qemuText = dts(qemu);

            // standalone: /chosen, seeds and stdout-path aside
            const standalone = standaloneDtb(c.layout, profile, { placement });
            expect(chosenBlock(dts(standalone))).toBe(chosenBlock(qemuText));

            // merged into QEMU's device-less DTB: the whole tree
            const base = dumpDtb(bin, c.baseArgv, dir);
            const merged = mergeDtb(base, c.layout, profile, { placement, padTo: "base" });
            expect(dts(withSeedsOf(merged, qemu))).toBe(qemuText);
            // Same tree, and on ARM the same 1 MiB padding (RISC-V 7.2 dumps a packed tree followed by
            // stale bytes). The bytes differ only in layout: libfdt's fdt_create puts the reservation
            // map at 48 (dtc and our encoder: 40) and QEMU's strings block is in the order of its
            // setprop history, which a decoded base no longer has.
            if (!arch.startsWith("riscv")) expect(merged.length).toBe(qemu.length);

            // overlay applied by dtc's fdtoverlay == merged (see overlay.ts for RISC-V 7.2 bootargs)
            const applied = dts(
              withSeedsOf(fdtoverlay(base, chosenOverlayDtb(c.layout, profile, { placement })), qemu),
            );
            if (arch.startsWith("riscv") && c.layout.append) {
              const sorted = (t: string) => chosenBlock(t).split("\n").sort().join("\n");
              expect(sorted(applied)).toBe(sorted(qemuText));
            } else {
              expect(applied).toBe(dts(withSeedsOf(merged, qemu)));
            }

            // import of QEMU's own DTB: the command line's modules, in command-line order
            const imported = importDtb(qemu);
            expect(imported.modules.map(hexish)).toEqual(c.layout.modules.map(hexish));
            expect(imported.bootargs).toBe(c.layout.append || undefined);
            // An empty -initrd: RISC-V still writes its (equal) start and end, ARM nothing.
            const ird =
              placement.regions.find((r) => r.id === "initrd") ??
              (arch.startsWith("riscv") ? placement.empty.find((r) => r.id === "initrd") : undefined);
            expect(imported.initrd).toEqual(ird && { start: ird.addr, end: ird.addr + ird.size });
            expect(imported.warnings).toEqual([]);
          });
        }
      },
    );
  }
