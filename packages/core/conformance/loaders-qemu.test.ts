/**
 * Every `-device loader` form, `-bios` keyword and flash placement against each real QEMU
 * (qemuInstalls(): 7.2 and 10.0.2): for each command line, guestmap's `check` must predict QEMU's
 * refusal (with QEMU's own words) or its `info roms` exactly, and where two blobs overlap without
 * a refusal, the bytes that win in RAM (pmemsave) must be the ones guestmap says win.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, importArgv, type Layout, type LayoutBlob } from "../src/index.js";
import { type Region, spaceRank } from "../src/qemu/region.js";
import { elfKernel, uImage } from "../test/fixtures/kernels.js";
import { romName } from "./layouts.js";
import { hmp, pmemsave, qemuInstalls, qmpRun } from "./qemu.js";
import { haveTool } from "./tools.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-loaders-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `size` bytes repeating `seed, seed+1, seed+2, seed+3`: each blob is recognisable in RAM. */
function pattern(name: string, size: number, seed: number): void {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (seed + (i & 3)) & 255;
  writeFileSync(join(dir, name), b);
}
pattern("k.bin", 0x200000, 0x01);
pattern("b.bin", 0x1000, 0xb0);
pattern("c.bin", 0x1000, 0xc0);
pattern("i.bin", 0x10000, 0xe0);
pattern("fw.bin", 0x3000, 0xf0);
const EM_RISCV = 243;
const EM_AARCH64 = 183;
writeFileSync(
  join(dir, "seg.elf"),
  elfKernel(EM_AARCH64, 64, [
    { paddr: 0x50000000n, filesz: 0x800, memsz: 0x2000 },
    { paddr: 0x50100000n, filesz: 0x400, memsz: 0x400 },
  ]),
);
writeFileSync(join(dir, "u.img"), uImage(0x1800, 0x51000000));
// Intel HEX with two blocks, written by objcopy (the real tool), as users convert a binary.
writeFileSync(join(dir, "h1.bin"), new Uint8Array(0x1800).fill(0x5a));
writeFileSync(join(dir, "h2.bin"), new Uint8Array(0x100).fill(0xa5));
const hex = (bin: string, at: string) => {
  const r = spawnSync(
    "objcopy",
    ["-I", "binary", "-O", "ihex", "--change-addresses", at, bin, `${bin}.hex`],
    { cwd: dir },
  );
  if (r.status !== 0) throw new Error(`objcopy: ${r.stderr}`);
  return readFileSync(join(dir, `${bin}.hex`), "latin1");
};
if (haveTool("objcopy"))
  writeFileSync(
    join(dir, "two.hex"),
    hex("h1.bin", "0x50000000").replace(":00000001FF\n", "") + hex("h2.bin", "0x50100000"),
  );
// A U-Boot script (mkimage -T script) and a kernel_noload uImage: QEMU loads both raw at addr=.
writeFileSync(join(dir, "boot.scr"), uImage(0x400, 0x51000000, { type: 6 }));
writeFileSync(join(dir, "noload.img"), uImage(0x400, 0x51000000, { type: 14 }));
// OpenSBI ELFs shaped like Debian's: linked at RAM (QEMU 7.2's, memsz ≫ filesz) and at 0x0 (opensbi 1.5.1).
writeFileSync(
  join(dir, "fw-ram.elf"),
  elfKernel(EM_RISCV, 64, [{ paddr: 0x80000000n, filesz: 0x1c280, memsz: 0x45ac8 }]),
);
writeFileSync(
  join(dir, "fw-zero.elf"),
  elfKernel(EM_RISCV, 64, [
    { paddr: 0x0n, filesz: 0x23bc8, memsz: 0x23bc8 },
    { paddr: 0x40000n, filesz: 0x2868, memsz: 0x6020 },
  ]),
);

/** The layout with each file's size and first bytes, as the CLI reads them. */
function fill(layout: Layout): Layout {
  const f = (b: LayoutBlob): LayoutBlob => {
    const bytes = readFileSync(join(dir, b.path));
    return { path: b.path, size: BigInt(bytes.length), head: bytes.subarray(0, 65536) };
  };
  const m = layout.machine;
  return {
    ...layout,
    machine: { ...m, bios: m.bios.kind === "file" ? { kind: "file", file: f(m.bios.file) } : m.bios },
    ...(layout.kernel && { kernel: f(layout.kernel) }),
    ...(layout.initrd && { initrd: f(layout.initrd) }),
    modules: layout.modules.map((x) => ({
      ...x,
      ...(x.kernel && { kernel: f(x.kernel) }),
      ...(x.initrd && { initrd: f(x.initrd) }),
    })),
    loaders: layout.loaders.map((l) => ({ ...l, file: f(l.file) })),
  };
}

interface Case {
  label: string;
  arch: "aarch64" | "riscv64";
  args: string[];
  /** A diagnostic code the case is about (so a case cannot silently stop testing its point). */
  code?: string;
  /** Bytes RAM must hold at 0x50000000 (written down from what QEMU does). */
  ram?: number[];
  /** cpu 0's PC at reset (`info registers`), as QEMU showed it. */
  pc?: bigint;
}

const ARM = ["-M", "virt", "-cpu", "cortex-a57", "-m", "1G", "-kernel", "k.bin"];
const RV = ["-M", "virt", "-m", "1G", "-kernel", "k.bin"];
const dev = (s: string) => ["-device", s];

const CASES: Case[] = [
  // Item 1: which overlaps QEMU refuses, by address space.
  {
    label: "ARM loader over the boot stub",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=b.bin,addr=0x40000000")],
    code: "overlap",
  },
  {
    label: "ARM loader over -kernel",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=b.bin,addr=0x40100000")],
    code: "overlap",
  },
  {
    label: "ARM loader over QEMU's DTB",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=b.bin,addr=0x48000000")],
    code: "overlap",
  },
  {
    label: "ARM loader over -initrd",
    arch: "aarch64",
    args: [...ARM, "-initrd", "i.bin", ...dev("loader,file=b.bin,addr=0x48000000")],
    code: "overlap",
  },
  {
    label: "ARM loader cpu-num=0 over -kernel",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=b.bin,addr=0x40100000,cpu-num=0")],
    code: "overlap",
  },
  {
    label: "ARM loader cpu-num=1 over -kernel (-smp 2)",
    arch: "aarch64",
    args: [...ARM, "-smp", "2", ...dev("loader,file=b.bin,addr=0x40100000,cpu-num=1")],
    code: "overlap",
  },
  {
    label: "ARM guest-loader over -kernel",
    arch: "aarch64",
    args: [...ARM, ...dev("guest-loader,addr=0x40100000,initrd=b.bin")],
    code: "overlap",
  },
  {
    label: "ARM guest-loader and loader at one address",
    arch: "aarch64",
    args: [
      ...ARM,
      ...dev("loader,file=b.bin,addr=0x50000000"),
      ...dev("guest-loader,addr=0x50000000,initrd=c.bin"),
    ],
    code: "overlap",
  },
  {
    label: "ARM loader over loader",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=b.bin,addr=0x50000000"), ...dev("loader,file=c.bin,addr=0x50000800")],
    code: "overlap",
  },
  {
    label: "ARM guest-loader over guest-loader",
    arch: "aarch64",
    args: [
      ...ARM,
      ...dev("guest-loader,addr=0x50000000,initrd=b.bin"),
      ...dev("guest-loader,addr=0x50000800,initrd=c.bin"),
    ],
    code: "overlap",
  },
  {
    label: "RISC-V loader over OpenSBI",
    arch: "riscv64",
    args: [...RV, ...dev("loader,file=b.bin,addr=0x80001000")],
    code: "overlap",
  },
  {
    label: "RISC-V loader over -kernel",
    arch: "riscv64",
    args: [...RV, ...dev("loader,file=b.bin,addr=0x80300000")],
    code: "overlap",
  },
  {
    label: "RISC-V loader over the FDT",
    arch: "riscv64",
    args: [...RV, ...dev("loader,file=b.bin,addr=0xbfe00000")],
    code: "overlap",
  },
  {
    label: "RISC-V loader over the MROM reset vector",
    arch: "riscv64",
    args: [...RV, ...dev("loader,file=b.bin,addr=0x1000")],
    code: "overlap",
  },
  {
    label: "RISC-V guest-loader and loader at one address",
    arch: "riscv64",
    args: [
      ...RV,
      ...dev("loader,file=b.bin,addr=0x90000000"),
      ...dev("guest-loader,addr=0x90000000,initrd=c.bin"),
    ],
    code: "overlap",
  },
  {
    label: "RISC-V loader over loader",
    arch: "riscv64",
    args: [...RV, ...dev("loader,file=b.bin,addr=0x90000000"), ...dev("loader,file=c.bin,addr=0x90000800")],
    code: "overlap",
  },
  {
    label: "RISC-V guest-loader over -kernel",
    arch: "riscv64",
    args: [...RV, ...dev("guest-loader,addr=0x80300000,initrd=c.bin")],
    code: "overlap",
  },
  // Item 2: every loader form.
  {
    label: "ARM loader ELF with addr= (segments at their own addresses)",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=seg.elf,addr=0x60000000")],
  },
  {
    label: "ARM loader ELF force-raw (the file at addr=)",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=seg.elf,addr=0x60000000,force-raw=on")],
  },
  {
    label: "ARM loader uImage (at its header's load address)",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=u.img,addr=0x60000000")],
  },
  {
    label: "ARM loader U-Boot script uImage (raw at addr=)",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=boot.scr,addr=0x60000000")],
  },
  {
    label: "ARM loader kernel_noload uImage (raw at addr=)",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=noload.img,addr=0x60000000")],
  },
  {
    // The shape of published Xen-on-U-Boot scripts (e.g. calinyara/xen-demos dom0domu.sh).
    label: "ARM U-Boot as -bios, raw Image and boot script as loaders",
    arch: "aarch64",
    args: [
      ...["-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "1G", "-bios", "fw.bin"],
      ...dev("loader,file=k.bin,force-raw=on,addr=0x48400000"),
      ...dev("loader,file=i.bin,addr=0x40400000"),
      ...dev("loader,file=boot.scr,addr=0x40200000"),
    ],
  },
  // Intel HEX cases need objcopy (skipped loudly by haveTool where it is missing).
  ...(haveTool("objcopy")
    ? ([
        {
          label: "ARM loader Intel HEX (blocks at their record addresses)",
          arch: "aarch64",
          args: [...ARM, ...dev("loader,file=two.hex,addr=0x60000000")],
        },
        {
          label: "ARM loader Intel HEX force-raw (the text at addr=)",
          arch: "aarch64",
          args: [...ARM, ...dev("loader,file=two.hex,addr=0x60000000,force-raw=on")],
        },
      ] satisfies Case[])
    : []),
  {
    label: "ARM loader uImage force-raw",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=u.img,addr=0x60000000,force-raw=on")],
  },
  {
    label: "ARM loader without addr= (raw at 0x0, in flash)",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=b.bin")],
    code: "in-flash",
  },
  { label: "ARM loader ELF without addr=", arch: "aarch64", args: [...ARM, ...dev("loader,file=seg.elf")] },
  {
    label: "ARM loader ELF over -kernel",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=seg.elf,addr=0x0"), "-initrd", "i.bin", "-m", "512M"],
  },
  // cpu-num= with a file also sets that cpu's PC: cpu 0 skips QEMU's boot code.
  {
    label: "ARM loader cpu-num=0 sets cpu 0's PC past the boot stub",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=b.bin,addr=0x50000000,cpu-num=0")],
    code: "loader-sets-pc",
    pc: 0x50000000n,
  },
  {
    label: "ARM loader addr=,cpu-num=0 alone sets cpu 0's PC past the boot stub",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,addr=0x50000000,cpu-num=0")],
    code: "loader-sets-pc",
    pc: 0x50000000n,
  },
  {
    label: "ARM loader addr=,cpu-num=2 with -smp 2",
    arch: "aarch64",
    args: [...ARM, "-smp", "2", ...dev("loader,addr=0x50000000,cpu-num=2")],
    code: "loader-cpu-missing",
  },
  {
    label: "ARM loader without cpu-num leaves the PC at the boot stub",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=b.bin,addr=0x50000000")],
    pc: 0x40000000n,
  },
  {
    label: "RISC-V loader cpu-num=0 sets cpu 0's PC past the MROM",
    arch: "riscv64",
    args: [...RV, ...dev("loader,file=b.bin,addr=0x90000000,cpu-num=0")],
    code: "loader-sets-pc",
    pc: 0x90000000n,
  },
  {
    label: "ARM loader cpu-num=1 without -smp",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=b.bin,addr=0x50000000,cpu-num=1")],
    code: "loader-cpu-missing",
  },
  {
    label: "ARM loader data= in free RAM",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,data=0x11223344,data-len=4,addr=0x50000000")],
    ram: [0x44, 0x33, 0x22, 0x11],
  },
  // data-be=on writes the first data-len bytes of the 64-bit big-endian value: its top bytes.
  {
    label: "ARM loader data= big-endian, a 4-byte value",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,data=0x11223344,data-len=4,data-be=on,addr=0x50000000")],
    code: "loader-data-be",
    ram: [0, 0, 0, 0],
  },
  {
    label: "ARM loader data= big-endian, the value in the top bytes",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,data=0x1122334400000000,data-len=4,data-be=on,addr=0x50000000")],
    ram: [0x11, 0x22, 0x33, 0x44],
  },
  {
    label: "ARM loader data= inside -kernel",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,data=0x11223344,data-len=4,addr=0x40100000")],
    code: "loader-data-lost",
  },
  {
    label: "ARM loader data= inside a guest-loader blob",
    arch: "aarch64",
    args: [
      ...ARM,
      ...dev("loader,data=0x11223344,data-len=4,addr=0x50000010"),
      ...dev("guest-loader,addr=0x50000000,initrd=b.bin"),
    ],
    code: "loader-data-lost",
  },
  {
    label: "ARM loader data= in flash",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,data=0x11223344,data-len=4,addr=0x100")],
    code: "loader-data-lost",
  },
  {
    label: "ARM loader data-len=9",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,data=0x11,data-len=9,addr=0x50000000")],
    code: "loader-data-len",
  },
  {
    label: "RISC-V loader data= inside -kernel",
    arch: "riscv64",
    args: [...RV, ...dev("loader,data=0x11223344,data-len=4,addr=0x80300000")],
    code: "loader-data-lost",
  },
  // Item 3: -bios keywords and ELF firmware.
  { label: "ARM -bios none", arch: "aarch64", args: [...ARM, "-bios", "none"], code: "firmware-missing" },
  {
    label: "ARM -bios default",
    arch: "aarch64",
    args: [...ARM, "-bios", "default"],
    code: "firmware-missing",
  },
  { label: "RISC-V -bios default", arch: "riscv64", args: [...RV, "-bios", "default"] },
  { label: "RISC-V -bios none", arch: "riscv64", args: [...RV, "-bios", "none"] },
  {
    label: "RISC-V ELF -bios linked at RAM (sized by p_memsz)",
    arch: "riscv64",
    args: [...RV, "-bios", "fw-ram.elf"],
  },
  {
    label: "RISC-V ELF -bios linked at 0x0 (over the MROM)",
    arch: "riscv64",
    args: [...RV, "-bios", "fw-zero.elf"],
    code: "overlap",
  },
  // Item 4: ARM virt flash.
  {
    label: "ARM guest-loader in flash",
    arch: "aarch64",
    args: [...ARM, ...dev("guest-loader,addr=0x1000,initrd=b.bin")],
    code: "in-flash",
  },
  {
    label: "ARM loader in flash1",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=b.bin,addr=0x4000000")],
    code: "in-flash",
  },
  {
    label: "ARM loader over loader in flash",
    arch: "aarch64",
    args: [...ARM, ...dev("loader,file=b.bin,addr=0x0"), ...dev("loader,file=c.bin,addr=0x800")],
    code: "overlap",
  },
  {
    label: "ARM -bios file and a loader over it in flash",
    arch: "aarch64",
    args: [...ARM, "-bios", "fw.bin", ...dev("loader,file=b.bin,addr=0x1000")],
    code: "overlap",
  },
];

/** `info roms` with an address (flash-device ROMs like `-bios` on ARM have none) or QEMU's refusal. */
function run(bin: string, args: string[]) {
  const r = qmpRun(bin, args, [hmp("info roms")], dir);
  const text = r.returns[0];
  if (typeof text !== "string") return { refused: r.stderr, roms: [], flash: [] };
  const roms: { name: string; addr: bigint; size: bigint }[] = [];
  // ROMs loaded into a flash device carry its name instead of an address.
  const flash: { name: string; size: bigint }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^addr=([0-9a-f]+) size=0x([0-9a-f]+) mem=\w+ name="(.*)"$/.exec(line);
    const f = /^virt\.flash0 size=0x([0-9a-f]+) name="(.*)"$/.exec(line);
    if (f) flash.push({ size: BigInt(`0x${f[1]}`), name: f[2]! });
    if (m) roms.push({ addr: BigInt(`0x${m[1]}`), size: BigInt(`0x${m[2]}`), name: romName(m[3]!) });
  }
  return { refused: undefined, roms, flash };
}

const byAddr = (a: { addr: bigint; name: string }, b: { addr: bigint; name: string }) =>
  a.addr !== b.addr ? (a.addr < b.addr ? -1 : 1) : a.name.localeCompare(b.name);

/** The bytes a file-backed region puts at `at`: what RAM must hold there if that region wins. */
function fileByte(r: Region, at: bigint): number | undefined {
  if (!r.file || r.id.includes("#")) return undefined;
  const bytes = readFileSync(join(dir, r.file.path));
  const offset = Number(at - r.addr) + (r.size < BigInt(bytes.length) ? bytes.length - Number(r.size) : 0);
  return bytes[offset];
}

for (const install of qemuInstalls()) {
  describe(`-device loader, -bios and flash on QEMU ${install.version}`, () => {
    it.each(CASES)("$label", (c) => {
      const bin = install.binary(c.arch);
      const argv = [`qemu-system-${c.arch}`, ...c.args];
      const imported = importArgv(argv);
      expect(imported.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const layout = fill(imported.layout);
      const result = check(layout, {
        qemu: install.version,
        ...(c.arch === "riscv64" && { firmwareSize: install.firmwareSize(c.arch) }),
      });
      const codes = result.diagnostics.map((d) => d.code);
      if (c.code) expect(codes).toContain(c.code);
      const refusals = result.diagnostics.filter((d) => d.qemu === "refuses");
      const real = run(bin, c.args);
      if (real.refused !== undefined) {
        expect(refusals.map((d) => d.message).join("\n"), real.refused).not.toBe("");
        // guestmap quotes the first line of QEMU's refusal.
        const said = real.refused.split("\n")[0]!.replace(/^[^:]*: (-device [^:]*: )?/, "");
        expect(
          refusals.some((d) => d.message.includes(said)),
          `QEMU said: ${said}`,
        ).toBe(true);
        return;
      }
      expect(refusals.map((d) => d.message)).toEqual([]);
      const ours = result.placement.regions
        .filter((r) => r.role !== "loader-data" && r.space !== "flash")
        .map((r) => ({ name: r.name, addr: r.addr, size: r.size, approximate: r.approximate }));
      const theirs = real.roms.map((x) => {
        const mine = ours.find((o) => o.name === x.name && o.addr === x.addr);
        // A packed FDT's size (QEMU 8.0+) is an estimate in guestmap: compare where it is.
        return { ...x, size: mine?.approximate ? mine.size : x.size };
      });
      expect(ours.map(({ approximate: _, ...o }) => o).sort(byAddr)).toEqual(theirs.sort(byAddr));
      expect(
        result.placement.regions
          .filter((r) => r.space === "flash")
          .map((r) => ({ name: r.name, size: r.size })),
      ).toEqual(real.flash);

      // Where guestmap says QEMU starts over an overlap, the winner's bytes are what RAM holds.
      for (const d of result.diagnostics) {
        if (d.qemu !== "starts" || d.start === undefined) continue;
        const [x, y] = d.regions.map((id) => result.placement.regions.find((r) => r.id === id));
        if (d.code === "overlap" && x && y) {
          const winner = spaceRank(x.space) > spaceRank(y.space) ? x : y;
          const want = fileByte(winner, d.start);
          if (want === undefined) continue;
          const got = pmemsave(bin, c.args, d.start, 1n, dir);
          expect(got[0], `${winner.name} wins at 0x${d.start.toString(16)}`).toBe(want);
        }
        if (d.code === "loader-data-lost") {
          const w = layout.loaderData?.find((v) => v.id === d.regions[0]);
          const got = pmemsave(bin, c.args, d.start, 1n, dir);
          expect(got[0], "the data= value never reaches RAM").not.toBe(Number(w!.data & 0xffn));
        }
        if (d.code === "in-flash" && x?.file) {
          const got = pmemsave(bin, c.args, x.addr, 1n, dir);
          expect(got[0], "the guest reads the blob back from flash").toBe(fileByte(x, x.addr));
        }
      }
      if (c.pc !== undefined) {
        const regs = qmpRun(bin, c.args, [hmp("info registers")], dir).returns[0];
        const m = /(?:PC=| pc +)([0-9a-f]+)/.exec(String(regs));
        expect(BigInt(`0x${m?.[1]}`), "cpu 0's PC at reset").toBe(c.pc);
        expect(codes.includes("loader-sets-pc")).toBe(
          c.pc !== (c.arch === "aarch64" ? 0x40000000n : 0x1000n),
        );
      }
      if (c.ram) expect([...pmemsave(bin, c.args, 0x50000000n, BigInt(c.ram.length), dir)]).toEqual(c.ram);
    });
  });
}
