/**
 * One core, two front-ends, the same answer: each command line below goes through the CLI (`guestmap
 * check --json`, `export --dtb`, `--base-dtb`, `--image`) and through the app's own adapter
 * functions, called as the app calls them — the pasted command imported (io/imports.ts), the files
 * dropped (io/file-store.ts storeFile, model/file-edits.ts, one batch of edits), the QEMU profile
 * chosen (a setQemu edit), then the panels' check(), the quick fixes and the downloads
 * (io/exports.ts). Diagnostics, quick fixes, DTB bytes (standalone and merged into a base DTB that
 * QEMU itself dumped with the modules on its command line) and memory-image bytes (raw, ELF, Intel
 * HEX) must be identical.
 *
 * The inputs are what users paste: the Xen seed, its rootfs grown over QEMU's DTB, a misaligned
 * kernel whose BSS runs over the next module, a -device loader beside guest-loader with a `,,` in
 * a bootargs, RISC-V with OpenSBI, and small files for Intel HEX.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  check,
  formatCommand,
  type ImageFormat,
  type Layout,
  layoutFiles,
  type QemuVersion,
} from "@guestmap/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { diagnosticJson } from "../../packages/cli/src/commands/check";
import { runCli } from "../../packages/cli/test/run-cli";
import { dumpDtb, qemuInstalls } from "../../packages/core/conformance/qemu";
import { arm64Image, newcCpio, rawBlob, riscvImage } from "../../packages/core/test/fixtures/kernels";
import { dtbBytes, memoryImage } from "../io/exports";
import { storeFile } from "../io/file-store";
import { importCommand } from "../io/imports";
import { loadRules } from "../lazy/after-map";
import { applyEdit } from "../model/edits";
import { addFileEdits } from "../model/file-edits";
import { argsTrusted } from "../model/trust-args";
import { checked } from "../store/derived";

const dir = mkdtempSync(join(tmpdir(), "guestmap-app-vs-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1 << 20;
const FILES: Record<string, Uint8Array> = {
  xen: arm64Image(0xf0008, 0n, 0x1360c8n, 21),
  Image: arm64Image(1 * MiB, 0n, 0x2010000n, 22),
  "rootfs.cpio": newcCpio(0x1c3200, 23),
  "initrd.cpio": newcCpio(1 * MiB, 24),
  "Image-bss": arm64Image(1 * MiB, 0n, 0x3000000n, 25),
  "stub.bin": rawBlob(0x2345, 26),
  "xen-rv": riscvImage(0x9c4a0, 0x200000n, 27),
  "xen-small": arm64Image(0x10000, 0n, 0x40000n, 29),
  "Image-small": arm64Image(0x18000, 0n, 0x100000n, 30),
  "initrd-small.cpio": newcCpio(0x9000, 31),
  "Image-rv": riscvImage(2 * MiB, 0x1400000n, 28),
};
for (const [name, bytes] of Object.entries(FILES)) writeFileSync(join(dir, name), bytes);

const A64 = ["qemu-system-aarch64", "-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "2G"];
const XEN = ["-kernel", "xen", "-append", "dom0_mem=1G,max:1G console=dtuart"];
const gl = (props: string) => ["-device", `guest-loader,${props}`];

const CASES: { label: string; argv: string[]; ihex?: true }[] = [
  {
    label: "the Xen seed: dom0 Image and rootfs",
    argv: [
      ...A64,
      ...XEN,
      ...gl("addr=0x42000000,kernel=Image,bootargs=root=/dev/ram0 console=hvc0"),
      ...gl("addr=0x47000000,initrd=rootfs.cpio"),
    ],
  },
  {
    label: "a rootfs reaching into QEMU's DTB (overlap, fix after the DTB)",
    argv: [
      ...A64,
      ...XEN,
      ...gl("addr=0x42000000,kernel=Image,bootargs=console=hvc0"),
      ...gl("addr=0x47f80000,initrd=initrd.cpio"),
    ],
  },
  {
    label: "a misaligned kernel whose BSS runs over the next module",
    argv: [
      ...A64,
      ...XEN,
      ...gl("addr=0x42001000,kernel=Image-bss"),
      ...gl("addr=0x44000000,initrd=rootfs.cpio"),
    ],
  },
  {
    label: "small files for every image format: an Image, a ramdisk and a raw loader blob",
    argv: [
      ...A64,
      "-kernel",
      "xen-small",
      ...gl("addr=0x40400000,kernel=Image-small,bootargs=console=hvc0"),
      ...gl("addr=0x40600000,initrd=initrd-small.cpio"),
      "-device",
      "loader,file=stub.bin,addr=0x40700000,force-raw=on",
    ],
    ihex: true,
  },
  {
    label: "-device loader beside guest-loader, a `,,` in bootargs, highmem=off",
    argv: [
      "qemu-system-aarch64",
      "-M",
      "virt,virtualization=on,highmem=off",
      "-cpu",
      "cortex-a57",
      "-m",
      "1G",
      ...XEN,
      ...gl("addr=0x42000000,kernel=Image,bootargs=a,,b"),
      "-device",
      "loader,file=stub.bin,addr=0x41000000,force-raw=on",
      ...gl("addr=0x40000000,initrd=rootfs.cpio"),
    ],
  },
  {
    label: "RISC-V 64 with OpenSBI: Xen, a dom0 kernel and its rootfs",
    argv: [
      "qemu-system-riscv64",
      "-M",
      "virt",
      "-m",
      "1G",
      "-kernel",
      "xen-rv",
      ...gl("addr=0x82000000,kernel=Image-rv,bootargs=console=hvc0"),
      ...gl("addr=0x84000000,initrd=rootfs.cpio"),
    ],
  },
];

/** The app: paste, drop the files, choose the profile — each step the function the app calls. */
async function appLayout(argv: readonly string[], qemu: QemuVersion): Promise<Layout> {
  const pasted = await importCommand(formatCommand([[...argv]], "line"));
  expect(pasted.issues.filter((d) => d.severity === "error")).toEqual([]);
  // The user drops the files the command names (each once).
  const names = [...new Set(layoutFiles(pasted.layout!).map((f) => f.blob.path))];
  const refs = await Promise.all(
    names.map(async (n) => (await storeFile(new File([FILES[n]! as Uint8Array<ArrayBuffer>], n))).ref),
  );
  let layout = pasted.layout!;
  layout = applyEdit(layout, { type: "batch", edits: addFileEdits(layout, refs).edits });
  return applyEdit(layout, { type: "setQemu", qemu });
}

const cli = async (args: string[]) => {
  const r = await runCli(args, dir);
  expect(r.stderr.replace(/guestmap export: (note|warning): [^\n]*\n/g, "")).toBe("");
  return r;
};
const bytesOf = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

// The profiles the app offers that CI verifies; the CLI is told the same one (--qemu).
const PROFILES: QemuVersion[] = ["7.2", "10.0"];
const judge = qemuInstalls()[0];

for (const qemu of PROFILES)
  describe(`the app's adapters and the CLI agree (QEMU profile ${qemu})`, () => {
    for (const c of CASES) {
      it(c.label, async () => {
        const layout = await appLayout(c.argv, qemu);
        const q = ["--qemu", qemu, "--", ...c.argv];

        // Diagnostics and quick fixes: the Diagnostics panel's list, rendered as the CLI renders its own.
        const app = check(layout).diagnostics;
        const r = await runCli(["check", "--json", ...q], dir);
        expect(JSON.parse(r.stdout).diagnostics).toEqual(JSON.parse(JSON.stringify(app.map(diagnosticJson))));
        const errors = app.some((d) => d.severity === "error");
        expect(r.code).toBe(errors ? 1 : 0);

        // A quick fix clicked in the app is the move the CLI's check names, and clears its blob's error.
        for (const d of app.filter((x) => x.fix && x.severity === "error")) {
          const moved = applyEdit(layout, { type: "moveBlob", id: d.fix!.region, addr: d.fix!.addr });
          expect(
            check(moved).diagnostics.filter((x) => x.code === d.code && x.regions[0] === d.fix!.region),
          ).toEqual([]);
        }

        // The standalone DTB.
        await cli(["export", "--dtb", "out.dtb", ...q]);
        expect(Buffer.from(dtbBytes(layout)).equals(Buffer.from(bytesOf("out.dtb")))).toBe(true);

        // Merged into the DTB QEMU dumps with these very modules on its command line.
        if (judge) {
          const program = judge.binary(c.argv[0]!.replace("qemu-system-", "") as "aarch64");
          writeFileSync(join(dir, "base.dtb"), dumpDtb(program, c.argv.slice(1), dir));
          await cli(["export", "--dtb", "merged.dtb", "--base-dtb", "base.dtb", ...q]);
          const app = dtbBytes(layout, bytesOf("base.dtb"));
          expect(Buffer.from(app).equals(Buffer.from(bytesOf("merged.dtb")))).toBe(true);
        }

        // The memory image (--force: the app builds images of layouts with errors too). Once, under
        // the app's default profile; Intel HEX (seconds of text per MiB) for the small files only.
        if (qemu !== "10.0") return;
        for (const format of ["raw", "elf", ...(c.ihex ? ["ihex"] : [])] as ImageFormat[]) {
          await cli(["export", "--image", `out.${format}`, "--image-format", format, "--force", ...q]);
          const { blob } = await memoryImage(layout, format);
          const mine = new Uint8Array(await blob.arrayBuffer());
          expect(mine.length, format).toBe(bytesOf(`out.${format}`).length);
          expect(Buffer.from(mine).equals(Buffer.from(bytesOf(`out.${format}`))), format).toBe(true);
        }
      });
    }
  });

describe("the app's trust switch and the CLI's --trust-args agree", () => {
  // The app checks once the rules chunk is in (lazy/after-map.ts); until then a check is pending.
  beforeAll(() => loadRules());
  // The Xen seed with a disk, as published Xen-on-QEMU lines add one: -drive opens a host file.
  const argv = [
    ...A64,
    ...XEN,
    ...gl("addr=0x42000000,kernel=Image,bootargs=root=/dev/vda console=hvc0"),
    ...gl("addr=0x47000000,initrd=rootfs.cpio"),
    "-drive",
    "if=none,file=rootfs.ext4,format=raw,id=hd0",
    "-device",
    "virtio-blk-device,drive=hd0",
  ];
  for (const trust of [false, true])
    it(
      trust ? "switch on, --trust-args: a note naming the risk" : "switch off: an unsafe-option error",
      async () => {
        const layout = await appLayout(argv, "10.0");
        // The panels' check as the switch leaves it (store/derived.ts).
        const app = checked(layout, argsTrusted(layout, trust ? layout.extraArgs : undefined)).diagnostics;
        const r = await runCli(
          ["check", "--json", ...(trust ? ["--trust-args"] : []), "--qemu", "10.0", "--", ...argv],
          dir,
        );
        expect(JSON.parse(r.stdout).diagnostics).toEqual(JSON.parse(JSON.stringify(app.map(diagnosticJson))));
        const unsafe = app.filter((d) => d.code === "unsafe-option");
        expect(unsafe.map((d) => d.severity)).toEqual([trust ? "info" : "error"]);
        expect(unsafe[0]!.message).toContain("touches host files");
        expect(r.code).toBe(app.some((d) => d.severity === "error") ? 1 : 0);
      },
    );
});
