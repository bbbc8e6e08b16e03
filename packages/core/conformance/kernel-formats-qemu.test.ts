/**
 * Compressed and non-Linux kernels as every installed QEMU loads them: gzip uImages built by
 * Debian's real `mkimage` (kernel, kernel_noload, VxWorks, a payload past QEMU's 64 MiB, a payload
 * that is not gzip, bzip2), plain gzip Images, and arm64 EFI zboot images laid out as Linux builds
 * them (gzip, zstd, cut short, corrupt). Each command line is imported as a user's paste would be,
 * its files read the way the CLI reads them (the core's Unpacker), and modelled with the profile of
 * the QEMU's own `--version`; the placements must equal `info roms`, a refusal must be QEMU's, and
 * every line QEMU prints must be quoted by one of our diagnostics.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { check, importArgv, type Layout, unpackBytes, withLayoutFiles } from "../src/index.js";
import { arm64Image, cpioBlob, efiZboot, rawBlob, riscvImage } from "../test/fixtures/kernels.js";
import { hmp, type QemuArch, qemuInstalls, qemuLabel, qmpRun } from "./qemu.js";
import { haveTool } from "./tools.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-kformats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 1 << 20;
const put = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, name), bytes);
const gz = (b: Uint8Array) => new Uint8Array(gzipSync(b));

/** A kernel that compresses like a real one: its header, then mostly repetitive bytes. */
function compressible(img: Uint8Array): Uint8Array {
  for (let i = 0x40; i < img.length; i++) img[i] = i % 4096 < 3000 ? 0 : img[i]!;
  return img;
}

/** Debian's mkimage (u-boot-tools), the tool users build uImages with. */
function mkimage(
  out: string,
  payload: Uint8Array,
  a: { arch: string; os: string; type: string; comp: string; load: number },
) {
  put(`${out}.payload`, payload);
  const hex = `0x${a.load.toString(16)}`;
  const r = spawnSync(
    "mkimage",
    [
      "-A",
      a.arch,
      "-O",
      a.os,
      "-T",
      a.type,
      "-C",
      a.comp,
      "-a",
      hex,
      "-e",
      hex,
      "-n",
      out,
      "-d",
      `${out}.payload`,
      out,
    ],
    { cwd: dir, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`mkimage failed: ${r.stderr}`);
}

interface Case {
  label: string;
  arch: QemuArch;
  args: string[];
}

function makeFiles(): Case[] {
  const linuxGz = gz(compressible(arm64Image(1536 * 1024 + 77, 0x80000n, 0x200000n)));
  mkimage("uk-gz", linuxGz, { arch: "arm64", os: "linux", type: "kernel", comp: "gzip", load: 0x41000000 });
  // 20 MiB unpacked from ~20 KiB: with -m 64M the initrd goes after the unpacked end, not the file's.
  mkimage("uk-gz-20m", gz(new Uint8Array(20 * MiB)), {
    arch: "arm64",
    os: "linux",
    type: "kernel",
    comp: "gzip",
    load: 0x41000000,
  });
  mkimage("uk-noload-gz", linuxGz, {
    arch: "arm64",
    os: "linux",
    type: "kernel_noload",
    comp: "gzip",
    load: 0,
  });
  mkimage("vx-arm64-gz", linuxGz, {
    arch: "arm64",
    os: "vxworks",
    type: "kernel",
    comp: "gzip",
    load: 0x41000000,
  });
  mkimage("vx-arm", rawBlob(300_000), {
    arch: "arm",
    os: "vxworks",
    type: "kernel",
    comp: "none",
    load: 0x41000000,
  });
  mkimage("rtems-arm64-gz", linuxGz, {
    arch: "arm64",
    os: "rtems",
    type: "kernel",
    comp: "gzip",
    load: 0x41000000,
  });
  // One byte past UBOOT_MAX_GUNZIP_BYTES (64 MiB), and exactly at it.
  mkimage("uk-gz-over", gz(new Uint8Array(64 * MiB + 1)), {
    arch: "arm64",
    os: "linux",
    type: "kernel",
    comp: "gzip",
    load: 0x41000000,
  });
  mkimage("uk-gz-64m", gz(new Uint8Array(64 * MiB)), {
    arch: "arm64",
    os: "linux",
    type: "kernel",
    comp: "gzip",
    load: 0x41000000,
  });
  // mkimage does not check what -C claims: a raw Image labelled gzip, and a bzip2 one.
  mkimage("uk-notgz", rawBlob(200_000), {
    arch: "arm64",
    os: "linux",
    type: "kernel",
    comp: "gzip",
    load: 0x41000000,
  });
  mkimage("uk-bz2", rawBlob(200_000), {
    arch: "arm64",
    os: "linux",
    type: "kernel",
    comp: "bzip2",
    load: 0x41000000,
  });
  mkimage("rd-as-kernel", cpioBlob(100_000), {
    arch: "arm64",
    os: "linux",
    type: "ramdisk",
    comp: "none",
    load: 0,
  });
  // A ramdisk uImage is loaded as stored, gzip or not (the kernel unpacks it): the payload only.
  mkimage("rd-gz", gz(cpioBlob(300_000)), {
    arch: "arm64",
    os: "linux",
    type: "ramdisk",
    comp: "gzip",
    load: 0,
  });
  mkimage("uk-arm-gz", gz(compressible(rawBlob(2 * MiB + 5))), {
    arch: "arm",
    os: "linux",
    type: "kernel",
    comp: "gzip",
    load: 0x41000000,
  });
  const rvGz = gz(compressible(riscvImage(3 * MiB + 3, 0x400000n)));
  mkimage("uk-rv-gz", rvGz, { arch: "riscv", os: "linux", type: "kernel", comp: "gzip", load: 0x80200000 });
  mkimage("uk-rv32-gz", rvGz, { arch: "riscv", os: "linux", type: "kernel", comp: "gzip", load: 0x80400000 });
  mkimage("uk-rv-noload", rvGz, { arch: "riscv", os: "linux", type: "kernel_noload", comp: "gzip", load: 0 });
  mkimage("ld-arm64-gz", linuxGz, {
    arch: "arm64",
    os: "linux",
    type: "kernel",
    comp: "gzip",
    load: 0x50000000,
  });
  mkimage("ld-rv-gz", rvGz, { arch: "riscv", os: "linux", type: "kernel", comp: "gzip", load: 0x88000000 });

  put("Image.gz", gz(compressible(arm64Image(2 * MiB + 9, 0x80000n, 0x300000n))));
  const zImg = compressible(arm64Image(3 * MiB + 123, 0n, 0x500000n));
  put("zboot.efi", efiZboot(gz(zImg)));
  put("zboot-zstd.efi", efiZboot(gz(zImg), { compression: "zstd" }));
  put("zboot-cut.efi", efiZboot(gz(zImg), { payloadSize: gz(zImg).length + 100 }));
  const bad = gz(zImg);
  bad.fill(0xff, 30, 60);
  put("zboot-bad.efi", efiZboot(bad));
  put("initrd.cpio", cpioBlob(MiB + 17));

  const a64 = (...args: string[]) => ["-M", "virt", "-cpu", "cortex-a57", "-m", "1G", ...args];
  return [
    {
      label: "gzip uImage (Linux, arm64)",
      arch: "aarch64",
      args: a64("-kernel", "uk-gz", "-initrd", "initrd.cpio"),
    },
    {
      label: "gzip uImage unpacking to 20 MiB, -m 64M: the initrd follows the unpacked kernel",
      arch: "aarch64",
      args: [
        "-M",
        "virt",
        "-cpu",
        "cortex-a57",
        "-m",
        "64M",
        "-kernel",
        "uk-gz-20m",
        "-initrd",
        "initrd.cpio",
      ],
    },
    { label: "gzip kernel_noload uImage", arch: "aarch64", args: a64("-kernel", "uk-noload-gz") },
    {
      label: "gzip VxWorks uImage for arm64: booted like Linux",
      arch: "aarch64",
      args: a64("-kernel", "vx-arm64-gz"),
    },
    { label: "VxWorks uImage for 32-bit ARM: not Linux", arch: "aarch64", args: a64("-kernel", "vx-arm") },
    {
      label: "gzip RTEMS uImage: not Linux",
      arch: "aarch64",
      args: a64("-kernel", "rtems-arm64-gz", "-initrd", "initrd.cpio"),
    },
    {
      label: "gzip uImage unpacking to 64 MiB + 1: loaded raw",
      arch: "aarch64",
      args: a64("-kernel", "uk-gz-over"),
    },
    { label: "gzip uImage unpacking to exactly 64 MiB", arch: "aarch64", args: a64("-kernel", "uk-gz-64m") },
    {
      label: "uImage labelled gzip holding raw bytes: loaded raw",
      arch: "aarch64",
      args: a64("-kernel", "uk-notgz"),
    },
    { label: "bzip2 uImage: loaded raw", arch: "aarch64", args: a64("-kernel", "uk-bz2") },
    { label: "ramdisk uImage as -kernel: loaded raw", arch: "aarch64", args: a64("-kernel", "rd-as-kernel") },
    { label: "gzip Image", arch: "aarch64", args: a64("-kernel", "Image.gz", "-initrd", "initrd.cpio") },
    {
      label: "gzip ramdisk uImage as -initrd: its payload as stored",
      arch: "aarch64",
      args: a64("-kernel", "Image.gz", "-initrd", "rd-gz"),
    },
    {
      label: "gzip Image on the default 32-bit cpu: raw",
      arch: "aarch64",
      args: ["-M", "virt", "-m", "1G", "-kernel", "Image.gz"],
    },
    {
      label: "EFI zboot (gzip)",
      arch: "aarch64",
      args: a64("-kernel", "zboot.efi", "-initrd", "initrd.cpio"),
    },
    { label: "EFI zboot (zstd)", arch: "aarch64", args: a64("-kernel", "zboot-zstd.efi") },
    { label: "EFI zboot cut short", arch: "aarch64", args: a64("-kernel", "zboot-cut.efi") },
    { label: "EFI zboot with a corrupt payload", arch: "aarch64", args: a64("-kernel", "zboot-bad.efi") },
    {
      label: "EFI zboot on a 32-bit cpu: raw",
      arch: "arm",
      args: ["-M", "virt", "-m", "1G", "-kernel", "zboot.efi"],
    },
    {
      label: "-device loader with a gzip uImage",
      arch: "aarch64",
      args: a64("-kernel", "Image.gz", "-device", "loader,file=ld-arm64-gz,addr=0x60000000"),
    },
    {
      label: "gzip uImage on 32-bit ARM",
      arch: "arm",
      args: ["-M", "virt", "-m", "256M", "-kernel", "uk-arm-gz", "-initrd", "initrd.cpio"],
    },
    {
      label: "gzip uImage on riscv64",
      arch: "riscv64",
      args: ["-M", "virt", "-m", "256M", "-kernel", "uk-rv-gz", "-initrd", "initrd.cpio"],
    },
    {
      label: "gzip ramdisk uImage as -initrd on riscv64",
      arch: "riscv64",
      args: ["-M", "virt", "-m", "256M", "-kernel", "uk-rv-gz", "-initrd", "rd-gz"],
    },
    {
      label: "kernel_noload uImage on riscv64: loaded raw",
      arch: "riscv64",
      args: ["-M", "virt", "-m", "256M", "-kernel", "uk-rv-noload"],
    },
    {
      label: "-device loader with a gzip uImage on riscv64",
      arch: "riscv64",
      args: ["-M", "virt", "-m", "512M", "-device", "loader,file=ld-rv-gz,addr=0x90000000"],
    },
    {
      label: "gzip uImage on riscv32",
      arch: "riscv32",
      args: ["-M", "virt", "-m", "256M", "-bios", "none", "-kernel", "uk-rv32-gz", "-initrd", "initrd.cpio"],
    },
  ];
}

/** The layout with each file read as the CLI reads it: size, head, and what QEMU unpacks. */
function fromDisk(layout: Layout): Layout {
  return withLayoutFiles(layout, (f) => {
    const bytes = new Uint8Array(readFileSync(join(dir, f.blob.path)));
    const blob = { path: f.blob.path, size: BigInt(bytes.length), head: bytes.subarray(0, 65536) };
    const unpacked = f.kind === "kernel" || f.kind === "loader" ? unpackBytes(bytes) : undefined;
    return unpacked ? { ...blob, unpacked } : blob;
  });
}

/** QEMU's stderr lines that are zlib's own chatter (printed before the line we quote). */
const ZLIB_NOISE = /^Error: (inflate\(\) returned|Bad gzipped data|gunzip out of data)/;

describe.skipIf(!haveTool("mkimage"))("compressed and non-Linux kernels", () => {
  const cases = haveTool("mkimage") ? makeFiles() : [];
  for (const q of qemuInstalls()) {
    describe(qemuLabel(q), () => {
      it.each(cases)("$label", ({ arch, args }) => {
        const imported = importArgv([`qemu-system-${arch}`, ...args]);
        expect(imported.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const fw = arch === "riscv64" || arch === "riscv32" ? q.firmwareSize(arch as "riscv64") : undefined;
        const { placement, diagnostics } = check(fromDisk(imported.layout), {
          qemu: q.version,
          ...(fw !== undefined && fw !== null && { firmwareSize: fw }),
        });
        const r = qmpRun(q.binary(arch), args, [hmp("info roms")], dir);
        const said = r.stderr
          .split("\n")
          .map((l) => l.replace(/^qemu-system-\w+: /, "").trim())
          .filter((l) => l !== "" && !ZLIB_NOISE.test(l) && !l.startsWith("WARNING"));
        // Every line QEMU prints is one we quote.
        for (const line of said)
          expect(
            diagnostics.some((d) => d.message.includes(line)),
            `QEMU said "${line}"; we said: ${diagnostics.map((d) => d.message).join(" | ")}`,
          ).toBe(true);
        const refused = diagnostics.filter((d) => d.qemu === "refuses");
        const text = r.returns[0];
        if (typeof text !== "string") {
          expect(
            refused.map((d) => d.code),
            `QEMU refused: ${r.stderr}`,
          ).not.toEqual([]);
          return;
        }
        expect(
          refused.map((d) => d.message),
          "we predicted a refusal, QEMU started",
        ).toEqual([]);
        const theirs = [...text.matchAll(/^addr=([0-9a-f]+) size=0x([0-9a-f]+) mem=\w+ name="(.*)"$/gm)]
          .map(
            (m) =>
              `${m[3]!.replace(/^.*\/share\/qemu\//, "")}@${BigInt(`0x${m[1]}`).toString(16)}+${m[2]!.replace(/^0+(?=.)/, "")}`,
          )
          .sort();
        const ours = placement.regions
          .map((x) => `${x.name}@${x.addr.toString(16)}+${x.size.toString(16)}`)
          .sort();
        expect(ours).toEqual(theirs);
        expect(placement.regions.filter((x) => x.approximate)).toEqual([]);
      });
    });
  }
});
