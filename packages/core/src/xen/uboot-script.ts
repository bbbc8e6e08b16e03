/**
 * A U-Boot script that boots a layout the way QEMU's `-kernel` + guest-loader would, for a board
 * (or QEMU with `-bios u-boot.bin`) where U-Boot loads the files: each file at the address the
 * layout gives it, the machine's DTB where QEMU would put its own, then `fdt` edits that write
 * what guest-loader writes (/chosen modules, Xen's command line) and the dom0less domains, and
 * `booti`. The `mkimage` form is uboot-image.ts.
 */

import type { Problem } from "../diagnostics.js";
import { type Layout, moduleFile } from "../model/types.js";
import { findSlot, takenIn } from "../ops/free-space.js";
import type { Placement } from "../qemu/region.js";
import { hex } from "../util/bigint.js";
import { DOMAIN_MEMORY_UNIT } from "./domains.js";

export interface UbootScriptOptions {
  /** The command that loads a file: `tftpb` (default), `load virtio 0:1`, … ; `none` writes no loads (files already in RAM). */
  readonly loadCmd?: string;
  /** The machine's DTB file to load (e.g. QEMU's `-machine dumpdtb=` of the machine alone). */
  readonly dtbFile: string;
  /**
   * Free bytes inside that DTB (totalsize minus its used part): the script grows it with
   * `fdt resize` only when the new nodes need more.
   */
  readonly dtbSlack: bigint;
}

export type UbootScriptIssueCode =
  | "uboot-no-kernel"
  | "uboot-no-dtb-address"
  | "uboot-initrd"
  | "uboot-no-room";

export interface UbootScriptIssue extends Problem<UbootScriptIssueCode> {
  readonly severity: "error";
}

export type UbootScriptResult =
  | {
      readonly ok: true;
      readonly text: string;
      /** Where to load the script itself (`tftpb ADDR boot.scr; source ADDR`): a free 2 MiB slot. */
      readonly scriptAddr: bigint;
      readonly kernelAddr: bigint;
      readonly dtbAddr: bigint;
    }
  | { readonly ok: false; readonly issues: readonly UbootScriptIssue[] };

const MiB = 1n << 20n;

/** A U-Boot (hush) double-quoted string: `\`, `"` and `$` escaped. */
export function ubootQuote(s: string): string {
  return `"${s.replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

const cells = (...v: bigint[]) => `<${v.map((x) => hex(x)).join(" ")}>`;
const reg = (addr: bigint, size: bigint) =>
  cells(addr >> 32n, addr & 0xffffffffn, size >> 32n, size & 0xffffffffn);

export function ubootScript(
  layout: Layout,
  placement: Placement,
  opts: UbootScriptOptions,
): UbootScriptResult {
  const issues: UbootScriptIssue[] = [];
  const kernel = placement.regions.find((r) => r.role === "kernel");
  const dtb = placement.regions.find((r) => r.role === "dtb");
  if (!kernel || !layout.kernel)
    issues.push({
      code: "uboot-no-kernel",
      severity: "error",
      message:
        "the layout has no -kernel (Xen) with a known size: the script boots it with booti; add -kernel",
    });
  if (!dtb)
    issues.push({
      code: "uboot-no-dtb-address",
      severity: "error",
      message:
        "QEMU places no DTB for this layout (an ELF or non-Linux kernel), so there is no address to load the machine's DTB at",
    });
  if (layout.initrd)
    issues.push({
      code: "uboot-initrd",
      severity: "error",
      message:
        "-initrd is not written by this script (Xen takes its ramdisks as /chosen modules): make it a guest-loader initrd module",
    });
  const ram = placement.ram[0];
  const scriptAddr =
    ram &&
    findSlot(takenIn(placement), placement.ram, {
      need: 64n * 1024n,
      align: 2n * MiB,
      offset: 0n,
      from: ram.start + 2n * MiB,
    });
  if (ram && scriptAddr === undefined)
    issues.push({
      code: "uboot-no-room",
      severity: "error",
      message: "no free 2 MiB-aligned place in RAM for the script itself",
    });
  if (issues.length > 0 || !kernel || !dtb || scriptAddr === undefined) return { ok: false, issues };

  const load = opts.loadCmd ?? "tftpb";
  const lines: string[] = [
    "# U-Boot script written by guestmap: load the files where the layout puts them, add what",
    "# QEMU's guest-loader would write to the machine's DTB (and the dom0less domains), boot Xen.",
  ];
  const loadLine = (addr: bigint, path: string) => {
    if (load !== "none") lines.push(`${load} ${hex(addr)} ${path}`);
  };
  loadLine(kernel.addr, layout.kernel!.path);
  for (const m of layout.modules) {
    const f = moduleFile(m);
    if (f) loadLine(m.addr, f.path);
  }
  for (const l of layout.loaders) loadLine(l.addr, l.file.path);
  for (const d of layout.domains ?? [])
    for (const m of [d.kernel, d.ramdisk, d.dtb]) if (m) loadLine(m.addr, m.file.path);
  loadLine(dtb.addr, opts.dtbFile);

  const edits: string[] = [];
  const chosen = "/chosen";
  edits.push(`fdt set ${chosen} \\#address-cells <0x2>`, `fdt set ${chosen} \\#size-cells <0x2>`);
  if (layout.append !== undefined)
    edits.push(`fdt set ${chosen} xen,xen-bootargs ${ubootQuote(layout.append)}`);
  const moduleNode = (parent: string, kind: string, addr: bigint, size: bigint, bootargs?: string) => {
    const node = `${parent}/module@${addr.toString(16)}`;
    edits.push(`fdt mknod ${parent} module@${addr.toString(16)}`);
    edits.push(`fdt set ${node} compatible "multiboot,${kind}" "multiboot,module"`);
    edits.push(`fdt set ${node} reg ${reg(addr, size)}`);
    if (bootargs !== undefined) edits.push(`fdt set ${node} bootargs ${ubootQuote(bootargs)}`);
  };
  for (const m of layout.modules) {
    const f = moduleFile(m);
    if (!f || f.size === undefined) continue;
    moduleNode(chosen, m.kernel ? "kernel" : "ramdisk", m.addr, f.size, m.kernel ? m.bootargs : undefined);
  }
  for (const d of layout.domains ?? []) {
    const node = `${chosen}/${d.name}`;
    edits.push(`fdt mknod ${chosen} ${d.name}`);
    edits.push(`fdt set ${node} compatible "xen,domain"`);
    edits.push(`fdt set ${node} \\#address-cells <0x2>`, `fdt set ${node} \\#size-cells <0x2>`);
    const kib = d.memory / DOMAIN_MEMORY_UNIT;
    edits.push(`fdt set ${node} memory ${cells(kib >> 32n, kib & 0xffffffffn)}`);
    edits.push(`fdt set ${node} cpus <${hex(BigInt(d.cpus))}>`);
    if (d.vpl011) edits.push(`fdt set ${node} vpl011`);
    moduleNode(node, "kernel", d.kernel.addr, d.kernel.file.size ?? 0n, d.bootargs);
    if (d.ramdisk) moduleNode(node, "ramdisk", d.ramdisk.addr, d.ramdisk.file.size ?? 0n);
    if (d.dtb) moduleNode(node, "device-tree", d.dtb.addr, d.dtb.file.size ?? 0n);
  }
  // Each edit adds at most a node or property header and its value; libfdt needs the room inside
  // the blob. Grow it only when the DTB's own slack is short: a resize moves its end.
  const need = BigInt(edits.reduce((n, e) => n + e.length + 32, 0));
  lines.push(`fdt addr ${hex(dtb.addr)}`);
  if (need > opts.dtbSlack) lines.push(`fdt resize ${need.toString()}`);
  lines.push(...edits);
  // booti would move the DTB elsewhere; keep it where the layout put it.
  lines.push("setenv fdt_high 0xffffffffffffffff");
  lines.push(`booti ${hex(kernel.addr)} - ${hex(dtb.addr)}`);
  return { ok: true, text: `${lines.join("\n")}\n`, scriptAddr, kernelAddr: kernel.addr, dtbAddr: dtb.addr };
}
