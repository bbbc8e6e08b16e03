/**
 * Generated layouts for the conformance suites: each with its files written to a temp folder and
 * the QEMU argv that means the same, built independently of guestmap's command-line exporter.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Arch, Blob, Layout } from "../src/index.js";
import {
  arm64Image,
  cpioBlob,
  elfKernel,
  rawBlob,
  riscvImage,
  uImage,
  zImage,
} from "../test/fixtures/kernels.js";

const MiB = 1 << 20;
/** The folder generated files go to; call `removeCaseDir()` in afterAll. */
export const dir = mkdtempSync(join(tmpdir(), "guestmap-conf-"));
export function removeCaseDir(): void {
  rmSync(dir, { recursive: true, force: true });
}

/** xorshift: a deterministic generator so a failing case can be rerun. */
export function rng(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
  return {
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p: number) => next() < p,
  };
}

let fileNo = 0;
export function file(bytes: Uint8Array, stem: string): Blob {
  const name = `${stem}-${fileNo++}.bin`;
  writeFileSync(join(dir, name), bytes);
  return { path: name, size: BigInt(bytes.length), head: bytes.subarray(0, 4096) };
}

const OPENSBI = {
  riscv64: "/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin",
  riscv32: "/usr/share/qemu/opensbi-riscv32-generic-fw_dynamic.bin",
};
export function firmwareSize(arch: Arch): bigint | null | undefined {
  if (arch !== "riscv64" && arch !== "riscv32") return undefined;
  const p = OPENSBI[arch];
  return existsSync(p) ? BigInt(statSync(p).size) : null;
}

export interface Case {
  label: string;
  layout: Layout;
  argv: string[];
}

const RAM_MB = [128, 200, 256, 512, 1024, 2048, 3072, 4096, 8192];

export function genCase(arch: Arch, seed: number): Case {
  const r = rng(seed * 7919 + arch.length);
  const ramMb = r.pick(RAM_MB.filter((m) => arch !== "riscv32" || m <= 2048));
  const ram = BigInt(ramMb) * BigInt(MiB);
  const argv = ["-M", "virt", "-m", `${ramMb}M`];
  let cpu: string | undefined;
  if (arch === "aarch64") {
    cpu = r.pick([undefined, "cortex-a57", "max", "cortex-a53", "cortex-a15"]);
    if (cpu) argv.push("-cpu", cpu);
  }
  let bios: Layout["machine"]["bios"] = { kind: "default" };
  if (arch === "riscv32" || (arch === "riscv64" && r.chance(0.3))) {
    bios = { kind: "none" };
    argv.push("-bios", "none");
  } else if (r.chance(0.15)) {
    // ARM: firmware in flash at 0 (no addr= entry), kernel and initrd go to fw_cfg.
    // RISC-V: the file replaces OpenSBI at the base of RAM.
    const fw = file(rawBlob(r.int(2000, 300_000)), "fw");
    bios = { kind: "file", file: fw };
    argv.push("-bios", fw.path);
  }
  let kernel: Blob | undefined;
  const kchoice = r.pick([
    "none",
    "raw",
    "raw-big",
    "image",
    "image0",
    "image-noimgsize",
    "uimage",
    "zimage",
    "elf",
    "image-gz",
  ]);
  const maxK = Math.min(ramMb / 4, 48) * MiB;
  const a64 = arch === "aarch64" && cpu !== undefined && cpu !== "cortex-a15";
  switch (kchoice) {
    case "raw":
      kernel = file(rawBlob(r.int(64, 300_000)), "raw");
      break;
    case "raw-big":
      kernel = file(rawBlob(r.int(MiB, maxK)), "rawbig");
      break;
    case "image-gz":
      if (a64) {
        // QEMU gunzips an AArch64 -kernel and loads the Image inside.
        const size = r.int(4096, 2 * MiB);
        const img = arm64Image(size, 0x80000n, BigInt(size + 0x10000));
        const gz = new Uint8Array(gzipSync(img));
        kernel = { ...file(gz, "imagegz"), unpacked: { size: BigInt(size), head: img.subarray(0, 4096) } };
      }
      break;
    case "image":
    case "image0":
    case "image-noimgsize": {
      const size = r.int(4096, Math.min(maxK, 12 * MiB));
      const imageSize = kchoice === "image-noimgsize" ? 0n : BigInt(size + r.int(0, 64) * 65536);
      const textOffset = kchoice === "image0" ? 0n : 0x80000n;
      kernel = file(
        arch.startsWith("riscv") ? riscvImage(size, imageSize) : arm64Image(size, textOffset, imageSize),
        "image",
      );
      break;
    }
    case "uimage": {
      const rv = arch.startsWith("riscv");
      const base = rv ? 0x80000000 : 0x40000000;
      const load = base + 0x1000000 + r.int(0, 15) * 0x100000;
      // Linux (5) mostly; sometimes another OS (QEMU then boots it without stub or initrd);
      // sometimes kernel_noload (14); on RISC-V an entry point above the load address.
      const os = r.chance(0.2) ? 17 : 5;
      const type = !rv && r.chance(0.2) ? 14 : 2;
      const entry = rv && r.chance(0.5) ? load + 0x1000 : load;
      kernel = file(
        uImage(r.int(1000, 200_000), load, { os, type, entry, arch: rv ? 26 : a64 ? 22 : 2 }),
        "uimage",
      );
      break;
    }
    case "elf": {
      // ELF kernels load at their own addresses; sometimes over the base of RAM, sometimes high.
      const base = arch.startsWith("riscv") ? 0x80000000n : 0x40000000n;
      const machine = arch.startsWith("riscv") ? 243 : a64 ? 183 : 40;
      const bits = arch === "riscv64" || a64 ? 64 : 32;
      const at = base + BigInt(r.pick([0, 0x80000, 0x200000, 0x1000000]));
      const segs = [{ paddr: at, filesz: r.int(0x100, 0x8000), memsz: 0 }];
      segs[0]!.memsz = segs[0]!.filesz + r.int(0, 0x4000);
      if (r.chance(0.5)) segs.push({ paddr: at + 0x100000n, filesz: 0x200, memsz: 0x1200 });
      kernel = file(elfKernel(machine, bits, segs), "elf");
      break;
    }
    case "zimage":
      if (!a64 && !arch.startsWith("riscv")) kernel = file(zImage(r.int(100_000, 3 * MiB)), "zimage");
      break;
  }
  if (kernel) argv.push("-kernel", kernel.path);
  let initrd: Blob | undefined;
  if (kernel && r.chance(0.6)) {
    initrd = file(cpioBlob(r.int(100, r.chance(0.2) ? 40 * MiB : 2 * MiB)), "initrd");
    argv.push("-initrd", initrd.path);
  }
  const modules: Layout["modules"][number][] = [];
  const nmods = r.int(0, 3);
  const base = arch.startsWith("riscv") ? 0x80000000 : 0x40000000;
  for (let i = 0; i < nmods; i++) {
    // Keep modules clear of everything so QEMU starts: high in RAM, 16 MiB apart.
    const top = base + Math.min(ramMb, 2048) * MiB;
    const addr = BigInt(top - (6 + i * 2) * 8 * MiB);
    if (addr < BigInt(base + (ramMb * MiB) / 2 + 48 * MiB)) break;
    const isKernel = r.chance(0.5);
    const b = file(
      isKernel ? rawBlob(r.int(1, 2 * MiB)) : cpioBlob(r.int(6, 2 * MiB)),
      isKernel ? "modk" : "modr",
    );
    modules.push({ id: `m${i + 1}`, addr, ...(isKernel ? { kernel: b } : { initrd: b }) });
    argv.push(
      "-device",
      `guest-loader,addr=0x${addr.toString(16)},${isKernel ? "kernel" : "initrd"}=${b.path}`,
    );
  }
  const layout: Layout = {
    machine: { arch, type: "virt", props: [], ram, ...(cpu && { cpu }), bios },
    qemu: "7.2",
    ...(kernel && { kernel }),
    ...(initrd && { initrd }),
    modules,
    loaders: [],
    extraArgs: [],
  };
  return { label: `${arch} #${seed}: ${argv.join(" ")}`, layout, argv };
}

/** QEMU prints the firmware's full path; we model its file name. */
export function romName(name: string): string {
  return name.includes("/share/qemu/") ? name.slice(name.lastIndexOf("/") + 1) : name;
}
