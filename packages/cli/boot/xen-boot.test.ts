/**
 * Boots Debian's real Xen 4.17 with a Linux 6.1 dom0 under QEMU TCG, on every QEMU we claim, from
 * what guestmap exports — and shows the layouts guestmap flags as colliding with QEMU's DTB fail.
 *
 * The judge is the console: dom0's /init prints a marker and powers off. A Xen panic reboots and
 * `-no-reboot` then exits 0, so the exit status proves nothing; only the marker does.
 * Files: scripts/fetch-xen-boot.sh (Debian 12's xen-hypervisor-4.17-arm64, linux-image-6.1.0-*-arm64,
 * busybox-static). At most two boots run at once (vitest.config.ts, project "boot").
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dumpDtb, type QemuInstall, qemuInstalls } from "../../core/conformance/qemu.js";
import { haveTool } from "../../core/conformance/tools.js";
import { runCli } from "../test/run-cli.js";
import { boot } from "./boot-qemu.js";
import { DOM0_MARKER, xenBootFiles } from "./xen-files.js";

const files = xenBootFiles();
const work = mkdtempSync(join(tmpdir(), "guestmap-xenboot-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The working line: virtualization=on (else Xen hangs), bootscrub=0 (else ~2 GB RSS). */
const MACHINE = [
  ...["-M", "virt,virtualization=on,gic-version=3", "-accel", "tcg,thread=multi"],
  ...["-cpu", "cortex-a57", "-smp", "2", "-m", "1G"],
];
const XEN = [
  ...["-kernel", "xen", "-append", "dom0_mem=256M console=dtuart dtuart=/pl011@9000000 bootscrub=0"],
];
const CONSOLE = ["-nographic", "-net", "none", "-no-reboot"];
const DOM0_ARGS = "console=hvc0 rdinit=/init panic=1";
const XEN_BUG = "Xen BUG at common/page_alloc.c";
const BOOT_TIMEOUT = 120_000;

function argv(modules: readonly string[]): string[] {
  return ["qemu-system-aarch64", ...MACHINE, ...XEN, ...CONSOLE, ...modules.flatMap((m) => ["-device", m])];
}

/** A fresh folder holding the real files under the names a user gives them, plus `extra`. */
function folder(name: string, extra: Record<string, Uint8Array> = {}): string {
  const d = join(work, name);
  mkdirSync(d);
  symlinkSync(files!.xen, join(d, "xen"));
  symlinkSync(files!.image, join(d, "Image"));
  symlinkSync(files!.dom0Cpio, join(d, "rootfs.cpio"));
  for (const [n, bytes] of Object.entries(extra)) writeFileSync(join(d, n), bytes);
  return d;
}

/** `sh run.sh` with this QEMU first on PATH, as the user would run the exported script. */
function runScript(q: QemuInstall, cwd: string, script = "run.sh", until = [DOM0_MARKER]) {
  const env = q.dir ? { ...process.env, PATH: `${q.dir}:${process.env.PATH}` } : process.env;
  return boot("sh", [script], { cwd, env, until, failOn: [XEN_BUG], timeoutMs: BOOT_TIMEOUT });
}

function farPointingBytes(size: number): Buffer {
  for (let seed = 0; ; seed++) {
    const b = pseudoRandom(size, seed);
    const totalsize = b.readUInt32BE(4);
    const offStruct = b.readUInt32BE(8);
    if (offStruct >= 0xc0000000 && offStruct + 64 <= totalsize) return b;
  }
}

/** Deterministic bytes without structure: SHA-256 in counter mode. */
function pseudoRandom(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i * 32 < size; i++)
    createHash("sha256")
      .update(`guestmap-${seed}-${i}`)
      .digest()
      .copy(out, i * 32);
  return out;
}

const GOOD = [
  `guest-loader,addr=0x42000000,kernel=Image,bootargs=${DOM0_ARGS}`,
  "guest-loader,addr=0x46000000,initrd=rootfs.cpio",
];

describe.skipIf(!files || !haveTool("sh"))(
  "Debian's Xen 4.17 + Linux 6.1 dom0, booted from guestmap's exports",
  () => {
    for (const q of qemuInstalls()) {
      describe.concurrent(`QEMU ${q.version}`, () => {
        it("the exported command line boots to dom0's /init", async () => {
          const d = folder(`cmdline-${q.version}`);
          const c = await runCli(["check", "--", ...argv(GOOD)], d);
          expect(c.code, c.stdout + c.stderr).toBe(0);
          const e = await runCli(["export", "--cmdline", "run.sh", "--", ...argv(GOOD)], d);
          expect(e.code, e.stderr).toBe(0);
          const r = await runScript(q, d);
          expect(r.marker, r.output.slice(-3000)).toBe(DOM0_MARKER);
          console.log(
            `QEMU ${q.version}: guest-loader command line → dom0 marker in ${r.seconds.toFixed(1)} s`,
          );
        });

        it("the fixed-DTB form (merged DTB + generic loaders) boots to dom0's /init", async () => {
          const d = folder(`fixed-${q.version}`);
          writeFileSync(join(d, "base.dtb"), dumpDtb(q.binary("aarch64"), MACHINE, d));
          const e = await runCli(
            [...["export", "--dtb", "merged.dtb", "--base-dtb", "base.dtb", "--fixed-dtb"]].concat([
              "--cmdline",
              "run.sh",
              "--",
              ...argv(GOOD),
            ]),
            d,
          );
          expect(e.code, e.stderr).toBe(0);
          const script = readFileSync(join(d, "run.sh"), "utf8");
          expect(script).toContain("-dtb merged.dtb");
          expect(script).not.toContain("guest-loader");
          const r = await runScript(q, d);
          expect(r.marker, r.output.slice(-3000)).toBe(DOM0_MARKER);
          console.log(`QEMU ${q.version}: fixed-DTB command line → dom0 marker in ${r.seconds.toFixed(1)} s`);
        });

        it("the memory image (one raw file for both modules) with the merged DTB boots to dom0's /init", async () => {
          const d = folder(`image-${q.version}`);
          writeFileSync(join(d, "base.dtb"), dumpDtb(q.binary("aarch64"), MACHINE, d));
          const e = await runCli(
            ["export", "--dtb", "merged.dtb", "--base-dtb", "base.dtb", "--fixed-dtb"].concat([
              "--image",
              "mem.bin",
              "--",
              ...argv(GOOD),
            ]),
            d,
          );
          expect(e.code, e.stderr).toBe(0);
          // The image starts at the lowest blob: the kernel module at 0x42000000.
          const modules = ["loader,file=mem.bin,addr=0x42000000,force-raw=on"];
          const cmd = [...argv([]).slice(1), ...modules.flatMap((m) => ["-device", m]), "-dtb", "merged.dtb"];
          const r = await boot(q.binary("aarch64"), cmd, {
            cwd: d,
            until: [DOM0_MARKER],
            failOn: [XEN_BUG],
            timeoutMs: BOOT_TIMEOUT,
          });
          expect(r.marker, r.output.slice(-3000)).toBe(DOM0_MARKER);
          console.log(
            `QEMU ${q.version}: memory image + merged DTB → dom0 marker in ${r.seconds.toFixed(1)} s`,
          );
        });

        it("an initrd crossing QEMU's DTB is an overlap error, and Xen dies on it (page_alloc BUG)", async () => {
          const bad = [GOOD[0]!, "guest-loader,addr=0x47f00000,initrd=rootfs.cpio"];
          const d = folder(`cross-${q.version}`);
          const c = await runCli(["check", "--json", "--", ...argv(bad)], d);
          expect(c.code).toBe(1);
          const o = JSON.parse(c.stdout).diagnostics.find((x: { code: string }) => x.code === "overlap");
          expect(o.regions).toContain("dtb");
          expect(o.message).not.toMatch(/segmentation fault/);
          await runCli(["export", "--cmdline", "run.sh", "--", ...argv(bad)], d);
          const r = await runScript(q, d);
          expect(r.marker, r.output.slice(-3000)).toBe(XEN_BUG);
        });

        it("a module holding the DTB's whole 1 MiB makes QEMU itself segfault, as check says; 1 byte less does not", async () => {
          // Compressed data is bytes without structure. Which bytes crash depends on where the
          // words read as the FDT header (totalsize, off_dt_struct) send libfdt: pick bytes whose
          // off_dt_struct is 3+ GiB past the buffer (unmapped) and within totalsize, so the crash
          // does not depend on QEMU's memory map (about half of arbitrary random megabytes crash).
          const gz = farPointingBytes(1 << 20);
          const d = folder(`cover-${q.version}`, {
            "rootfs.cpio.gz": gz,
            "short.cpio.gz": gz.subarray(0, gz.length - 1),
          });
          const whole = [GOOD[0]!, "guest-loader,addr=0x48000000,initrd=rootfs.cpio.gz"];
          const c = await runCli(["check", "--json", "--", ...argv(whole)], d);
          const o = JSON.parse(c.stdout).diagnostics.find((x: { code: string }) => x.code === "overlap");
          expect(o.message).toMatch(/segmentation fault/);
          await runCli(["export", "--cmdline", "run.sh", "--", ...argv(whole)], d);
          const r = await runScript(q, d);
          expect(r.marker).toBeUndefined();
          expect(r.status, r.output.slice(-2000)).toBe(139); // sh's status for a child killed by SIGSEGV

          const short = [GOOD[0]!, "guest-loader,addr=0x48000000,initrd=short.cpio.gz"];
          const c2 = await runCli(["check", "--json", "--", ...argv(short)], d);
          const o2 = JSON.parse(c2.stdout).diagnostics.find((x: { code: string }) => x.code === "overlap");
          expect(o2.message).not.toMatch(/segmentation fault/);
          await runCli(["export", "--cmdline", "run-short.sh", "--", ...argv(short)], d);
          const r2 = await runScript(q, d, "run-short.sh");
          expect(r2.status).not.toBe(139);
          expect(r2.output).toContain("(XEN)");
          expect(r2.output).not.toContain(DOM0_MARKER);
        });
      });
    }
  },
);
