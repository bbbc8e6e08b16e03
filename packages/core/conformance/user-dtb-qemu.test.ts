/**
 * A user `-dtb` with Xen's own /chosen (xen,xen-bootargs, xen,dom0-bootargs, dom0's module nodes,
 * a dom0less domU) against each real QEMU (7.2, 10.0.2): `resultingChosenFdt` must print exactly
 * the /chosen QEMU boots with (`-machine dumpdtb=`, through dtc; random seeds masked), and a module
 * node whose reg is stale must be flagged where pmemsave shows the whole, larger file loaded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  check,
  exportArgv,
  importArgv,
  type Layout,
  type LayoutBlob,
  layoutFromDtb,
  printDts,
  profileFor,
  resultingChosenFdt,
} from "../src/index.js";
import { dtcToDtb, dtcToDts } from "./fdt-tools.js";
import { dumpDtb, pmemsave, qemuInstalls } from "./qemu.js";
import { haveTool } from "./tools.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-user-dtb-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pattern(name: string, size: number, seed: number): void {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (seed + i * 3) & 255;
  writeFileSync(join(dir, name), b);
}
pattern("xen", 0x100000, 1);
pattern("Image", 0x300000, 2); // "rebuilt": the DTB below still says 0x200000
pattern("rootfs.cpio", 0x8000, 3);
pattern("domU.img", 0x10000, 4);

/** /chosen lines that come from QEMU's random seeds (different on every run). */
const SEEDS = /^\s*(rng-seed|kaslr-seed) = .*$/gm;

/** The `chosen { … };` block of dtc's output, seeds masked. */
function chosenBlock(dts: string): string {
  const start = dts.indexOf("\tchosen {");
  expect(start, dts).toBeGreaterThanOrEqual(0);
  const end = dts.indexOf("\n\t};\n", start);
  return dts.slice(start, end + 4).replace(SEEDS, "SEED");
}

function fill(layout: Layout): Layout {
  const f = (b: LayoutBlob): LayoutBlob => {
    const bytes = readFileSync(join(dir, b.path));
    return { path: b.path, size: BigInt(bytes.length), head: bytes.subarray(0, 65536) };
  };
  return {
    ...layout,
    ...(layout.kernel && { kernel: f(layout.kernel) }),
    ...(layout.initrd && { initrd: f(layout.initrd) }),
    ...(layout.dtb && { dtb: f(layout.dtb) }),
    modules: layout.modules.map((m) => ({
      ...m,
      ...(m.kernel && { kernel: f(m.kernel) }),
      ...(m.initrd && { initrd: f(m.initrd) }),
    })),
    loaders: layout.loaders.map((l) => ({ ...l, file: f(l.file) })),
  };
}

/** Xen's /chosen as ImageBuilder writes it, for a dom0 kernel and initrd and one dom0less domU. */
const XEN_CHOSEN = `
		#address-cells = <0x02>;
		#size-cells = <0x02>;
		xen,xen-bootargs = "console=dtuart dtuart=serial0 dom0_mem=512M bootscrub=0";
		xen,dom0-bootargs = "console=hvc0 earlycon=xen root=/dev/ram0";
`;
/** Module nodes at `b` (0x50000000 in ARM RAM, 0xb0000000 in RISC-V RAM): dom0 kernel and ramdisk, a domU kernel. */
const xenNodes = (b: number) => `
		module@${h(b)} {
			compatible = "multiboot,kernel", "multiboot,module";
			reg = <0x00 0x${h(b)} 0x00 0x200000>;
		};
		module@${h(b + 0x1000000)} {
			compatible = "multiboot,ramdisk", "multiboot,module";
			reg = <0x00 0x${h(b + 0x1000000)} 0x00 0x8000>;
		};
		domU1 {
			compatible = "xen,domain";
			#address-cells = <0x01>;
			#size-cells = <0x01>;
			memory = <0x00 0x40000>;
			cpus = <0x01>;
			module@${h(b + 0x2000000)} {
				compatible = "multiboot,kernel", "multiboot,module";
				reg = <0x${h(b + 0x2000000)} 0x10000>;
				bootargs = "console=ttyAMA0";
			};
		};
`;

const MACHINE = {
  aarch64: ["-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "2G"],
  riscv64: ["-M", "virt", "-m", "2G", "-bios", "none"],
} as const;

const h = (n: number) => n.toString(16);

/** The machine fields a DTB cannot tell (virtualization=on, -bios none), as MACHINE says. */
function machineOf(arch: "aarch64" | "riscv64"): Partial<Layout["machine"]> {
  return arch === "aarch64"
    ? { props: [["virtualization", "on"]], cpu: "cortex-a57" }
    : { bios: { kind: "none" } };
}
const BASE = { aarch64: 0x50000000, riscv64: 0xb0000000 } as const;

const loaders = (b: number) => [
  "-device",
  `loader,file=Image,addr=0x${h(b)},force-raw=on`,
  "-device",
  `loader,file=rootfs.cpio,addr=0x${h(b + 0x1000000)},force-raw=on`,
  "-device",
  `loader,file=domU.img,addr=0x${h(b + 0x2000000)},force-raw=on`,
];

for (const install of qemuInstalls()) {
  describe.skipIf(!haveTool("dtc"))(`-dtb with Xen's /chosen on QEMU ${install.version}`, () => {
    for (const arch of ["aarch64", "riscv64"] as const) {
      it(`${arch}: chosen shows the user's whole /chosen with QEMU's edits, and the stale reg`, () => {
        const bin = install.binary(arch);
        // The user's DTB: QEMU's own machine tree with Xen's /chosen added, as ImageBuilder makes it.
        const base = dtcToDts(dumpDtb(bin, [...MACHINE[arch]], dir)).stdout.toString("utf8");
        const at = base.indexOf("\tchosen {\n");
        const close = base.indexOf("\n\t};\n", at);
        const dts = `${base.slice(0, at)}\tchosen {\n${XEN_CHOSEN}${base.slice(at + 11, close)}${xenNodes(BASE[arch])}${base.slice(close)}`;
        expect(dts).not.toBe(base);
        const compiled = dtcToDtb(dts);
        expect(compiled.stderr).toBe("");
        writeFileSync(join(dir, `user-${arch}.dtb`), compiled.stdout);

        const args = [
          ...MACHINE[arch],
          "-kernel",
          "xen",
          "-append",
          "console=dtuart",
          "-initrd",
          "rootfs.cpio",
          "-dtb",
          `user-${arch}.dtb`,
          ...loaders(BASE[arch]),
          // RISC-V keeps guest-loader nodes in a -dtb; ARM drops them.
          "-device",
          `guest-loader,addr=0x${h(BASE[arch] + 0x3000000)},initrd=rootfs.cpio`,
        ];
        const real = chosenBlock(dtcToDts(dumpDtb(bin, args, dir)).stdout.toString("utf8"));
        const { layout: imported, diagnostics } = importArgv([`qemu-system-${arch}`, ...args]);
        expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const layout = fill(imported);
        const profile = profileFor(install.version);
        const userDtb = new Uint8Array(readFileSync(join(dir, `user-${arch}.dtb`)));
        const ours = chosenBlock(printDts(resultingChosenFdt(layout, profile, userDtb)));
        expect(ours).toBe(real);
        expect(ours).toContain("xen,xen-bootargs");
        expect(ours).toContain("domU1 {");

        // The dom0 kernel node says 0x200000 bytes; QEMU loads all 0x300000 of the rebuilt Image.
        const stale = check(layout, { qemu: profile.version }).diagnostics.filter(
          (d) => d.code === "dtb-module-stale",
        );
        expect(stale.map((d) => [d.severity, d.start])).toEqual([["error", BigInt(BASE[arch])]]);
        expect(stale[0]!.message).toContain(`/chosen/module@${h(BASE[arch])}`);
        // import --from-dtb keeps that /chosen whole: the layout boots the DTB itself, its modules
        // loaded raw; QEMU then boots exactly the user's /chosen.
        const back = layoutFromDtb(userDtb, { path: `user-${arch}.dtb` });
        expect(back.layout.dtb?.path).toBe(`user-${arch}.dtb`);
        expect(back.notes.join("\n")).toMatch(/xen,xen-bootargs, xen,dom0-bootargs, domU1/);
        for (const l of back.layout.loaders) pattern(l.file.path, Number(l.file.size), 9);
        const exported = exportArgv({
          ...back.layout,
          machine: { ...back.layout.machine, ...machineOf(arch) },
        });
        if (!exported.ok) throw new Error(JSON.stringify(exported.issues));
        const booted = chosenBlock(
          dtcToDts(dumpDtb(bin, exported.argv.slice(1), dir)).stdout.toString("utf8"),
        );
        expect(booted).toBe(chosenBlock(dtcToDts(userDtb).stdout.toString("utf8")));
        expect(back.layout.loaders.map((l) => l.addr)).toEqual(
          [0, 0x1000000, 0x2000000].map((o) => BigInt(BASE[arch] + o)),
        );

        const tail = pmemsave(
          bin,
          args.filter((a) => a !== "-dtb" && !a.startsWith("user-")),
          BigInt(BASE[arch] + 0x2ffff0),
          16n,
          dir,
        );
        const image = readFileSync(join(dir, "Image"));
        expect(Buffer.from(tail)).toEqual(image.subarray(0x2ffff0, 0x300000));
      });
    }
  });
}

/**
 * Why only /chosen of a -dtb matters to guestmap's checks (dtb/user-dtb.ts chosenPartOfDtb): QEMU
 * writes /memory from -m into any -dtb on ARM, whether the DTB has no memory node or a wrong one.
 */
for (const install of qemuInstalls()) {
  describe.skipIf(!haveTool("dtc"))(`-dtb /memory on QEMU ${install.version}`, () => {
    it.each([
      ["no memory node", ""],
      [
        "a 4 KiB memory node",
        'memory@40000000 { device_type = "memory"; reg = <0x0 0x40000000 0x0 0x1000>; };',
      ],
    ])("%s: QEMU boots it with RAM as -m says", (_, memory) => {
      const dtb = dtcToDtb(
        `/dts-v1/;\n/ {\n#address-cells = <2>;\n#size-cells = <2>;\nchosen { };\n${memory}\n};\n`,
      );
      expect(dtb.stderr).toBe("");
      writeFileSync(join(dir, "mem.dtb"), dtb.stdout);
      pattern("k", 0x1000, 5);
      const args = [...MACHINE.aarch64.slice(0, 4), "-m", "1G", "-kernel", "k", "-dtb", "mem.dtb"];
      const dts = dtcToDts(dumpDtb(install.binary("aarch64"), args, dir)).stdout.toString("utf8");
      expect(dts).toMatch(/memory@40000000 \{\s*reg = <0x00 0x40000000 0x00 0x40000000>;/);
    });
  });
}
