/**
 * Every collision `guestmap check` reports, shown on every installed QEMU (7.2.22, 10.0.2): where we say QEMU refuses
 * to start, it does (with the message we quote); where we say it starts and silently corrupts
 * memory, it starts, and `pmemsave` shows the blob's bytes overwritten.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  dumpDtb,
  infoRoms,
  pmemsave,
  type QemuArch,
  QemuRefused,
  qemuInstalls,
  qemuLabel,
} from "../../core/conformance/qemu.js";
import { decodeFdt, findNode } from "../../core/src/index.js";
import { arm64Image, cpioBlob, elfKernel, rawBlob } from "../../core/test/fixtures/kernels.js";
import { runCli } from "../test/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-collide-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files: Record<string, Uint8Array> = {
  "xen.bin": rawBlob(0x1000, 11),
  "initrd.bin": cpioBlob(0x3000, 12),
  "blob.bin": cpioBlob(0x20000, 13),
  "small.bin": cpioBlob(0x1000, 14),
  "empty.bin": new Uint8Array(0),
  "Image-bss": arm64Image(0x1000, 0n, 0x400000n, 15),
  "huge.bin": rawBlob(130 << 20, 16),
  "initrd-66m.bin": cpioBlob(66_800_000, 17),
  // An ELF kernel linked right above the base of RAM: no room for QEMU's 1 MiB DTB below it.
  "low.elf": elfKernel(183, 64, [{ paddr: 0x40080000n, filesz: 0x2000, memsz: 0x2000 }]),
  // An AArch64 ELF well inside RAM: fine on cortex-a57, refused on the default cortex-a15.
  "high.elf": elfKernel(183, 64, [{ paddr: 0x40200000n, filesz: 0x1000, memsz: 0x1000 }]),
};
for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);

const A64 = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a57", "-m", "2G"];
const RV64 = ["qemu-system-riscv64", "-M", "virt", "-m", "1G"];
const gl = (props: string) => ["-device", `guest-loader,${props}`];

interface Collision {
  label: string;
  argv: string[];
  code: string;
  severity: "error" | "warning" | "info";
  qemu: "starts" | "refuses";
  /** Text QEMU prints when it refuses. */
  stderr?: RegExp;
  /**
   * When QEMU starts: this blob's bytes at this address are overwritten by QEMU's own data — by
   * its DTB (`dtbOffset` into the DTB `-machine dumpdtb=` gives), or by what QEMU puts there
   * without the module (the boot stub, -kernel, -initrd).
   */
  overwritten?: { file: string; fileOffset: number; addr: bigint; length: number; dtbOffset?: number };
}

const CASES: Collision[] = [
  {
    label: "ARM: a module under QEMU's DTB (the seed's rootfs > 16 MiB)",
    argv: [...A64, "-kernel", "xen.bin", ...gl("addr=0x47ff0000,initrd=blob.bin")],
    code: "overlap",
    severity: "error",
    qemu: "starts",
    overwritten: { file: "blob.bin", fileOffset: 0x10000, addr: 0x48000000n, length: 0x10000, dtbOffset: 0 },
  },
  {
    label: "ARM: a module over the boot stub",
    argv: [...A64, "-kernel", "xen.bin", ...gl("addr=0x40000000,initrd=small.bin")],
    code: "overlap",
    severity: "error",
    qemu: "starts",
    overwritten: { file: "small.bin", fileOffset: 0, addr: 0x40000000n, length: 0x28 },
  },
  {
    label: "ARM: a module over -kernel",
    argv: [...A64, "-kernel", "xen.bin", ...gl("addr=0x40080000,initrd=small.bin")],
    code: "overlap",
    severity: "error",
    qemu: "starts",
    overwritten: { file: "small.bin", fileOffset: 0, addr: 0x40080000n, length: 0x1000 },
  },
  {
    label: "ARM: a module over -initrd",
    argv: [...A64, "-kernel", "xen.bin", "-initrd", "initrd.bin", ...gl("addr=0x48000000,initrd=small.bin")],
    code: "overlap",
    severity: "error",
    qemu: "starts",
    overwritten: { file: "small.bin", fileOffset: 0, addr: 0x48000000n, length: 0x1000 },
  },
  {
    label: "ARM: two modules overlap each other",
    argv: [...A64, ...gl("addr=0x50000000,initrd=blob.bin"), ...gl("addr=0x50010000,initrd=small.bin")],
    code: "overlap",
    severity: "error",
    qemu: "refuses",
    stderr: /Some ROM regions are overlapping/,
  },
  {
    label: "RISC-V: a module over the FDT",
    argv: [...RV64, ...gl("addr=0xbfe00000,initrd=small.bin")],
    code: "overlap",
    severity: "error",
    qemu: "refuses",
    stderr: /Some ROM regions are overlapping/,
  },
  {
    label: "RISC-V: a module over OpenSBI",
    argv: [...RV64, ...gl("addr=0x80010000,initrd=small.bin")],
    code: "overlap",
    severity: "error",
    qemu: "refuses",
    stderr: /Some ROM regions are overlapping/,
  },
  {
    label: "RISC-V: a module over -kernel",
    argv: [...RV64, "-kernel", "xen.bin", ...gl("addr=0x80200000,initrd=small.bin")],
    code: "overlap",
    severity: "error",
    qemu: "refuses",
    stderr: /Some ROM regions are overlapping/,
  },
  {
    label: "ARM: a module on the UART, outside RAM",
    argv: [...A64, ...gl("addr=0x09000000,initrd=small.bin")],
    code: "outside-ram",
    severity: "error",
    qemu: "starts",
  },
  {
    label: "ARM: a module past the end of 2 GiB of RAM",
    argv: [...A64, ...gl("addr=0xc0000000,initrd=small.bin")],
    code: "outside-ram",
    severity: "error",
    qemu: "starts",
  },
  {
    // Xen copies a guest-loader kernel into its domain before running it: only a note.
    label: "a module kernel's BSS (image_size) running into the next module",
    argv: [...A64, ...gl("addr=0x50000000,kernel=Image-bss"), ...gl("addr=0x50200000,initrd=small.bin")],
    code: "bss-overlap",
    severity: "info",
    qemu: "starts",
  },
  {
    // QEMU runs -kernel (Image at 0x40200000) in place: its BSS is cleared over the module.
    label: "the -kernel's BSS (image_size) running into a module",
    argv: [...A64, "-kernel", "Image-bss", ...gl("addr=0x40400000,initrd=small.bin")],
    code: "bss-overlap",
    severity: "warning",
    qemu: "starts",
  },
  {
    label: "two modules at one address",
    argv: [...A64, ...gl("addr=0x50000000,initrd=small.bin"), ...gl("addr=0x50000000,kernel=xen.bin")],
    code: "duplicate-addr",
    severity: "error",
    qemu: "refuses",
    stderr: /FDT_ERR_EXISTS/,
  },
  {
    label: "a module file larger than RAM",
    argv: [
      "qemu-system-aarch64",
      "-M",
      "virt",
      "-cpu",
      "cortex-a57",
      "-m",
      "128M",
      ...gl("addr=0x41000000,initrd=huge.bin"),
    ],
    code: "too-large",
    severity: "error",
    qemu: "refuses",
    stderr: /Cannot load specified image/,
  },
  {
    label: "an empty module file (7.2 writes a size-0 node)",
    argv: [...A64, ...gl("addr=0x50000000,initrd=empty.bin")],
    code: "empty-file",
    severity: "warning",
    qemu: "starts",
  },
  {
    label: "guest-loader on -M none, a machine without an FDT",
    argv: ["qemu-system-aarch64", "-M", "none", "-m", "1G", ...gl("addr=0x50000000,initrd=small.bin")],
    code: "no-fdt-machine",
    severity: "error",
    qemu: "refuses",
    stderr: /Cannot modify FDT fields if the machine has none/,
  },
  {
    label: "QEMU's own DTB running past the end of RAM (QEMU checks only its start)",
    argv: [
      "qemu-system-aarch64",
      "-M",
      "virt",
      "-m",
      "128M",
      "-kernel",
      "xen.bin",
      "-initrd",
      "initrd-66m.bin",
    ],
    code: "outside-ram",
    severity: "warning",
    qemu: "starts",
  },
  {
    label: "a stanza without an address",
    argv: [...A64, ...gl("kernel=xen.bin")],
    code: "addr-zero",
    severity: "error",
    qemu: "refuses",
    stderr: /Need to specify the address of guest blob/,
  },
  {
    label: "kernel and initrd in one stanza",
    argv: [...A64, ...gl("addr=0x50000000,kernel=xen.bin,initrd=small.bin")],
    code: "kernel-and-initrd",
    severity: "error",
    qemu: "refuses",
    stderr: /Cannot specify a kernel and initrd in same stanza/,
  },
  {
    label: "bootargs on an initrd",
    argv: [...A64, ...gl("addr=0x50000000,initrd=small.bin,bootargs=quiet")],
    code: "bootargs-on-initrd",
    severity: "error",
    qemu: "refuses",
    stderr: /Boot args only relevant to kernel blobs/,
  },
  {
    label: "an AArch64 ELF -kernel on the default (32-bit) cpu",
    argv: ["qemu-system-aarch64", "-M", "virt", "-m", "1G", "-kernel", "high.elf"],
    code: "kernel-incompatible",
    severity: "error",
    qemu: "refuses",
    // 10.0.2 says why; 7.2.22 exits 1 without a word.
    stderr: /incompatible architecture|^\s*$/,
  },
  {
    label: "a stanza with no file",
    argv: [...A64, ...gl("addr=0x50000000")],
    code: "no-file",
    severity: "error",
    qemu: "refuses",
    stderr: /Need to specify a kernel or initrd image/,
  },
];

/** The command line without its last `-device` stanza (the colliding module). */
function withoutLastDevice(args: readonly string[]): string[] {
  const at = args.lastIndexOf("-device");
  return [...args.slice(0, at), ...args.slice(at + 2)];
}

for (const q of qemuInstalls())
  describe(`guestmap check's collisions, shown on ${qemuLabel(q)}`, () => {
    // The same command line, run by this QEMU: guestmap models the program it names.
    const on = (argv: readonly string[]) => [
      q.binary(argv[0]!.replace("qemu-system-", "") as QemuArch),
      ...argv.slice(1),
    ];
    for (const c of CASES) {
      it(c.label, async () => {
        const argv = on(c.argv);
        const r = await runCli(["check", "--json", "--", ...argv], dir);
        const ds = JSON.parse(r.stdout).diagnostics as {
          code: string;
          severity: string;
          message: string;
          qemu?: string;
        }[];
        const d = ds.find((x) => x.code === c.code);
        expect(d, `${c.code} in ${r.stdout}`).toBeDefined();
        expect(d!.severity).toBe(c.severity);
        // The diagnostic says, as data, what QEMU does; QEMU below shows it.
        expect(d!.qemu).toBe(c.qemu);
        expect(r.code).toBe(ds.some((x) => x.severity === "error") ? 1 : 0);
        const [bin, ...args] = argv;
        if (c.qemu === "refuses") {
          if (c.code === "overlap") expect(d!.message).toMatch(/refuses to start/);
          let err: unknown;
          try {
            infoRoms(bin!, args, dir);
          } catch (e) {
            err = e;
          }
          expect(err).toBeInstanceOf(QemuRefused);
          expect((err as QemuRefused).stderr).toMatch(c.stderr!);
        } else {
          if (c.code === "overlap") expect(d!.message).toMatch(/starts without a word/);
          expect(() => infoRoms(bin!, args, dir)).not.toThrow();
          if (c.overwritten) {
            const o = c.overwritten;
            // No random seeds in the DTB, so two runs write the same bytes.
            const fixed = [...args, "-machine", "dtb-randomness=off"];
            const ram = pmemsave(bin!, fixed, o.addr, BigInt(o.length), dir);
            const mine = files[o.file]!.subarray(o.fileOffset, o.fileOffset + o.length);
            // QEMU's own bytes won: RAM holds exactly what QEMU writes there — its DTB as dumped,
            // or what it puts there when the module is not on the command line at all.
            const expected =
              o.dtbOffset !== undefined
                ? dumpDtb(bin!, fixed, dir).subarray(o.dtbOffset, o.dtbOffset + o.length)
                : pmemsave(bin!, withoutLastDevice(fixed), o.addr, BigInt(o.length), dir);
            expect(expected.length).toBe(o.length);
            expect(Buffer.from(ram).equals(Buffer.from(expected))).toBe(true);
            expect(Buffer.from(expected).equals(Buffer.from(mine))).toBe(false);
          }
        }
      });
    }

    it("ARM -dtb: QEMU starts, loads the blob, and its /chosen has no module (dtb-drops-modules)", async () => {
      writeFileSync(join(dir, "user.dtb"), dumpDtb(q.binary("aarch64"), A64.slice(1), dir));
      const argv = on([
        ...A64,
        "-kernel",
        "xen.bin",
        "-dtb",
        "user.dtb",
        ...gl("addr=0x50000000,initrd=small.bin"),
      ]);
      const r = await runCli(["check", "--json", "--", ...argv], dir);
      const d = JSON.parse(r.stdout).diagnostics.find(
        (x: { code: string }) => x.code === "dtb-drops-modules",
      );
      expect(d).toMatchObject({ severity: "error", qemu: "starts" });
      const [bin, ...args] = argv;
      expect(infoRoms(bin!, args, dir).some((x) => x.name === "small.bin" && x.addr === 0x50000000n)).toBe(
        true,
      );
      const chosen = findNode(decodeFdt(dumpDtb(bin!, args, dir)), "/chosen");
      expect(chosen?.children.map((c) => c.name)).toEqual([]);
      // guestmap chosen shows what QEMU builds: no module node either.
      const c = await runCli(["chosen", "--", ...argv], dir);
      expect(c.stdout).not.toContain("module@");
    });

    it("ARM ELF kernel low in RAM: QEMU loads no DTB and no initrd (no-dtb, initrd-ignored)", async () => {
      const argv = on([...A64, "-kernel", "low.elf", "-initrd", "initrd.bin", "-append", "console=hvc0"]);
      const r = await runCli(["check", "--json", "--", ...argv], dir);
      const codes = JSON.parse(r.stdout).diagnostics.map((x: { code: string }) => x.code);
      expect(codes).toContain("no-dtb");
      expect(codes).toContain("initrd-ignored");
      const [bin, ...args] = argv;
      const names = infoRoms(bin!, args, dir).map((x) => x.name);
      expect(names).not.toContain("dtb");
      expect(names).not.toContain("initrd.bin");
      expect(names).toContain("low.elf ELF program header segment 0");
      // And no base DTB can be dumped from it: 7.2 runs the guest instead, 10.0.2 segfaults.
      const nodtb = JSON.parse(r.stdout).diagnostics.find((x: { code: string }) => x.code === "no-dtb");
      expect(nodtb.message).toMatch(/dumpdtb/);
      const out = join(dir, `dump-${q.version}.dtb`);
      const dump = spawnSync(
        bin!,
        [
          ...args,
          "-display",
          "none",
          "-serial",
          "none",
          "-monitor",
          "none",
          "-net",
          "none",
          "-machine",
          `dumpdtb=${out}`,
        ],
        {
          cwd: dir,
          timeout: 5000,
        },
      );
      // 7.2: still running at the timeout (killed: ETIMEDOUT); 10.0.2: SIGSEGV.
      expect(dump.error !== undefined || dump.signal === "SIGSEGV", String(dump.status)).toBe(true);
      expect(existsSync(out)).toBe(false);
    });

    it("the DTB that overwrites a module is QEMU's (magic d00dfeed where the module's bytes should be)", () => {
      const [bin, ...args] = on(CASES[0]!.argv);
      const ram = pmemsave(bin!, args, 0x48000000n, 4n, dir);
      expect(Array.from(ram)).toEqual([0xd0, 0x0d, 0xfe, 0xed]);
    });
  });
