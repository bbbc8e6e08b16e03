/**
 * Generated layouts for the conformance suites: each with its files written to a temp folder and
 * the QEMU argv that means the same, built independently of guestmap's command-line exporter.
 */
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Arch, Layout, LayoutBlob, QemuVersion } from "../src/index.js";
import {
  arm64Image,
  cpioBlob,
  efiZboot,
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
export function file(bytes: Uint8Array, stem: string): LayoutBlob {
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

const RAM_MB = [128, 200, 256, 512, 1024, 2048, 3072, 4096, 8192, 10240];

/** A generated layout for `arch`, modelled as QEMU `version` (the QEMU that will judge it). */
export function genCase(arch: Arch, seed: number, version: QemuVersion = "7.2"): Case {
  const r = rng(seed * 7919 + arch.length);
  // rv32 virt takes up to 10 GiB like rv64 (measured on 7.2 and 10.0.2).
  const ramMb = r.pick(RAM_MB);
  const ram = BigInt(ramMb) * BigInt(MiB);
  const argv = ["-M", "virt", "-m", `${ramMb}M`];
  // Harts grow the RISC-V FDT QEMU packs (8.0+): the forms users write.
  let smp: string | undefined;
  if (r.chance(0.35)) {
    const n = r.int(1, 8);
    smp = r.pick([
      `${n}`,
      n % 2 === 0 ? `${n},sockets=2` : `${n}`,
      `sockets=${n > 4 ? 2 : 1},cores=${Math.ceil(n / 2)}`,
    ]);
    argv.push("-smp", smp);
  }
  let cpu: string | undefined;
  if (arch === "aarch64") {
    cpu = r.pick([undefined, "cortex-a57", "max", "cortex-a53", "cortex-a15"]);
    if (cpu) argv.push("-cpu", cpu);
  }
  let bios: Layout["machine"]["bios"] = { kind: "default" };
  // rv32: Debian 12's QEMU 7.2 has no OpenSBI for it (QEMU refuses), 10.0.2's has.
  if (arch.startsWith("riscv") && r.chance(arch === "riscv32" ? 0.6 : 0.3)) {
    bios = { kind: "none" };
    argv.push("-bios", "none");
  } else if (arch.startsWith("riscv") && r.chance(0.15)) {
    argv.push("-bios", "default");
  } else if (r.chance(0.15)) {
    // ARM: firmware in flash at 0 (no addr= entry), kernel and initrd go to fw_cfg.
    // RISC-V: the file replaces OpenSBI at the base of RAM.
    const fw = file(rawBlob(r.int(2000, 300_000)), "fw");
    bios = { kind: "file", file: fw };
    argv.push("-bios", fw.path);
  }
  let kernel: LayoutBlob | undefined;
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
    "empty",
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
        // QEMU gunzips an AArch64 -kernel and loads the Image inside; an EFI zboot image (Linux's
        // layout) is unpacked from 8.0 and loaded raw by 7.2.
        const size = r.int(4096, 2 * MiB);
        const img = arm64Image(size, r.pick([0n, 0x80000n]), BigInt(size + r.int(0, 64) * 0x10000));
        const gz = new Uint8Array(gzipSync(img));
        const zboot = r.chance(0.5);
        kernel = {
          ...file(zboot ? efiZboot(gz) : gz, zboot ? "zboot" : "imagegz"),
          unpacked: { size: BigInt(size), head: img.subarray(0, 4096) },
        };
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
      // IH_OS: 5 Linux; 1 OpenBSD, 14 VxWorks, 17 RTEMS — QEMU boots those without stub or initrd.
      const os = r.chance(0.3) ? r.pick([1, 14, 17]) : 5;
      const type = !rv && r.chance(0.2) ? 14 : 2;
      const entry = rv && r.chance(0.5) ? load + 0x1000 : load;
      const u = uImage(r.int(1000, 200_000), load, { os, type, entry, arch: rv ? 26 : a64 ? 22 : 2 });
      if (r.chance(0.4)) {
        // mkimage -C gzip: QEMU loads the payload decompressed (the header's size is the gzip's).
        const payload = u.subarray(64);
        const gz = new Uint8Array(gzipSync(payload));
        const c = new Uint8Array(64 + gz.length);
        c.set(u.subarray(0, 64));
        new DataView(c.buffer).setUint32(12, gz.length);
        c[31] = 1;
        c.set(gz, 64);
        kernel = {
          ...file(c, "uimagegz"),
          unpacked: { size: BigInt(payload.length), head: payload.subarray(0, 4096) },
        };
      } else kernel = file(u, "uimage");
      break;
    }
    case "elf": {
      // ELF kernels load at their own addresses; sometimes over the base of RAM, sometimes high.
      const base = arch.startsWith("riscv") ? 0x80000000n : 0x40000000n;
      // Sometimes the other ARM state's ELF (an AArch64 Xen on the default 32-bit cpu): QEMU refuses.
      const wrongState = arch === "aarch64" && r.chance(0.25);
      const elf64 = arch === "riscv64" || a64 !== wrongState;
      const machine = arch.startsWith("riscv") ? 243 : elf64 ? 183 : 40;
      const bits = elf64 ? 64 : 32;
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
    case "empty":
      // A build that failed half-way: QEMU refuses an empty -kernel on RISC-V, ARM loads nothing.
      kernel = file(new Uint8Array(0), "emptyk");
      break;
  }
  if (kernel) argv.push("-kernel", kernel.path);
  let append: string | undefined;
  // Mostly with a kernel; sometimes without one, which QEMU refuses ("-append only allowed with -kernel option").
  if (r.chance(kernel ? 0.4 : 0.05)) {
    append = r.pick(["console=ttyS0", "dom0_mem=1G,max:1G loglvl=all", "root=/dev/vda ro quiet", ""]);
    argv.push("-append", append);
  }
  let initrd: LayoutBlob | undefined;
  if (kernel && r.chance(0.6)) {
    const form = r.pick(["cpio", "cpio", "cpio", "cpio", "uimage", "empty"]);
    initrd =
      form === "empty"
        ? file(new Uint8Array(0), "emptyinitrd")
        : form === "uimage"
          ? // mkimage -T ramdisk: QEMU loads only the payload.
            file(
              uImage(r.int(100, 2 * MiB), 0, { type: 3, arch: arch.startsWith("riscv") ? 26 : 22 }),
              "rduimage",
            )
          : file(cpioBlob(r.int(100, r.chance(0.2) ? 40 * MiB : 2 * MiB)), "initrd");
    argv.push("-initrd", initrd.path);
  }
  const modules: Layout["modules"][number][] = [];
  const nmods = r.int(0, 3);
  const base = arch.startsWith("riscv") ? 0x80000000 : 0x40000000;
  const top = base + Math.min(ramMb, 2048) * MiB;
  for (let i = 0; i < nmods; i++) {
    // Mostly clear of everything (high in RAM, 16 MiB apart); sometimes where users collide:
    // over QEMU's kernel, initrd, DTB/FDT or firmware, or over the previous module.
    let addr = BigInt(top - (6 + i * 2) * 8 * MiB);
    if (r.chance(0.25)) {
      const prev = modules[modules.length - 1];
      addr = BigInt(
        r.pick([
          base,
          base + 0x80000,
          base + 0x200000,
          base + 0x400000,
          base + Math.min((ramMb * MiB) / 2, 128 * MiB) + 0x200000,
          top - 2 * MiB,
          top - MiB,
          0x48000000,
        ]),
      );
      if (prev && r.chance(0.4)) addr = prev.addr + BigInt(r.int(0, 0x1000));
    } else if (addr < BigInt(base + (ramMb * MiB) / 2 + 48 * MiB)) break;
    if (modules.some((m) => m.addr === addr)) continue;
    const isKernel = r.chance(0.5);
    const empty = r.chance(0.06);
    const b = file(
      empty ? new Uint8Array(0) : isKernel ? rawBlob(r.int(1, 2 * MiB)) : cpioBlob(r.int(6, 2 * MiB)),
      isKernel ? "modk" : "modr",
    );
    const bootargs =
      isKernel && r.chance(0.3) ? r.pick(["console=hvc0", "root=/dev/ram0 rw init=/bin/sh"]) : undefined;
    modules.push({
      id: `m${i + 1}`,
      addr,
      ...(isKernel ? { kernel: b } : { initrd: b }),
      ...(bootargs !== undefined && { bootargs }),
    });
    argv.push(
      "-device",
      `guest-loader,addr=0x${addr.toString(16)},${isKernel ? "kernel" : "initrd"}=${b.path}${bootargs === undefined ? "" : `,bootargs=${bootargs}`}`,
    );
  }
  const layout: Layout = {
    machine: {
      arch,
      type: "virt",
      props: [],
      ram,
      ...(cpu && { cpu }),
      ...(smp !== undefined && { smp }),
      bios,
    },
    qemu: version,
    ...(kernel && { kernel }),
    ...(append !== undefined && { append }),
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
