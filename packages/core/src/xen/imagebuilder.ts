/**
 * Xen ImageBuilder (github.com/Xilinx/imagebuilder) configs: read one, place its files where its
 * `scripts/uboot-script-gen` would, and write one from a layout. ImageBuilder packs the files
 * itself — from MEMORY_START + 2 MiB (at least 12 MiB), the U-Boot script first, then XEN,
 * DOM0_KERNEL, DOM0_RAMDISK, each domU's kernel, ramdisk and passthrough DTB, and DEVICE_TREE,
 * each at the next 2 MiB boundary after the previous file's size — and checks only that they end
 * below MEMORY_END. It does not look at a kernel's image_size (its BSS) or, under QEMU, at where
 * QEMU puts its own DTB: guestmap's rules do, on the layout this makes.
 * Behaviour read from uboot-script-gen as of imagebuilder commit 7760210 (2021).
 */

import { ShellSplitError, shellSplit } from "../cmdline/shell-split.js";
import type { Problem } from "../diagnostics.js";
import type { GuestLoaderModule, Layout, LayoutBlob, XenDomain } from "../model/types.js";
import { emptyLayout, GiB, MiB } from "../model/types.js";
import { alignUp, hex } from "../util/bigint.js";

/** A config's assignments: scalars and `NAME[i]` array entries, values unquoted as bash would. */
export interface ImageBuilderConfig {
  readonly vars: ReadonlyMap<string, string>;
  readonly arrays: ReadonlyMap<string, ReadonlyMap<number, string>>;
}

export type ImageBuilderIssueCode =
  | "ib-syntax"
  | "ib-missing"
  | "ib-bad-number"
  | "ib-size-unknown"
  | "ib-out-of-memory"
  | "ib-not-representable";

/** A problem with a config or layout; `line` (1-based) when it comes from a config line. */
/**
 * `ib-syntax` (the line is skipped) and `ib-not-representable` (the config is written without it)
 * are warnings; the others stop the import or export.
 */
export interface ImageBuilderIssue extends Problem<ImageBuilderIssueCode> {
  readonly severity: "error" | "warning";
  readonly line?: number;
}

const ASSIGN = /^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?=(.*)$/;

/** Reads `NAME=value` and `NAME[i]=value` lines; nothing is evaluated (a `$VAR` is an issue). */
export function parseImageBuilderConfig(text: string): {
  config: ImageBuilderConfig;
  issues: ImageBuilderIssue[];
} {
  const vars = new Map<string, string>();
  const arrays = new Map<string, Map<number, string>>();
  const issues: ImageBuilderIssue[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = ASSIGN.exec(line);
    if (!m) {
      issues.push({
        code: "ib-syntax",
        severity: "warning",
        line: i + 1,
        message: `line ${i + 1}: "${line}" is not a NAME=value assignment; guestmap reads ImageBuilder configs without running them, so only assignments count`,
      });
      return;
    }
    let value: string;
    try {
      const words = shellSplit(`x ${m[3]}`).argv.slice(1);
      if (words.length > 1) throw new Error(`the value is ${words.length} words; quote it`);
      value = words[0] ?? "";
    } catch (e) {
      const why =
        e instanceof ShellSplitError
          ? e.message.replace(/^line \d+, column \d+: /, "")
          : (e as Error).message;
      issues.push({
        code: "ib-syntax",
        severity: "warning",
        line: i + 1,
        message: `line ${i + 1}: ${m[1]}: ${why}`,
      });
      return;
    }
    if (m[2] === undefined) vars.set(m[1]!, value);
    else {
      const a = arrays.get(m[1]!) ?? new Map<number, string>();
      a.set(Number(m[2]), value);
      arrays.set(m[1]!, a);
    }
  });
  return { config: { vars, arrays }, issues };
}

/** One file ImageBuilder loads: the config entry naming it, and where uboot-script-gen puts it. */
export interface ImageBuilderEntry {
  /** `XEN`, `DOM0_KERNEL`, `DOMU_RAMDISK[1]`, `DEVICE_TREE`, … */
  readonly name: string;
  readonly path: string;
  readonly addr: bigint;
  readonly size: bigint;
}

export interface ImageBuilderPlan {
  /** Where the U-Boot script goes (uboot-script-gen's `uboot_addr`). */
  readonly scriptAddr: bigint;
  readonly entries: readonly ImageBuilderEntry[];
}

const OFFSET = 2n * MiB;
const MIN_START = 0xc00000n;

function num(cfg: ImageBuilderConfig, name: string, issues: ImageBuilderIssue[]): bigint | undefined {
  const v = cfg.vars.get(name);
  if (v === undefined) {
    issues.push({
      code: "ib-missing",
      severity: "error",
      message: `${name} is not set; ImageBuilder needs it`,
    });
    return undefined;
  }
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(v) ? BigInt(v) : undefined;
  if (n === undefined)
    issues.push({
      code: "ib-bad-number",
      severity: "error",
      message: `${name}="${v}" is not a number (decimal or 0x hex)`,
    });
  return n;
}

/** `NUM_DOMUS` and the per-domain arrays, index 0 up. */
function numDomus(cfg: ImageBuilderConfig, issues: ImageBuilderIssue[]): number {
  const v = cfg.vars.get("NUM_DOMUS");
  if (v === undefined || v === "") return 0;
  if (!/^\d+$/.test(v)) {
    issues.push({ code: "ib-bad-number", severity: "error", message: `NUM_DOMUS="${v}" is not a count` });
    return 0;
  }
  return Number(v);
}

/** The files in uboot-script-gen's load order. */
function loadOrder(cfg: ImageBuilderConfig, issues: ImageBuilderIssue[]): { name: string; path: string }[] {
  const out: { name: string; path: string }[] = [];
  const need = (name: string) => {
    const p = cfg.vars.get(name);
    if (p) out.push({ name, path: p });
    else
      issues.push({
        code: "ib-missing",
        severity: "error",
        message: `${name} is not set; ImageBuilder needs it`,
      });
  };
  const maybe = (name: string, path: string | undefined) => {
    if (path) out.push({ name, path });
  };
  need("XEN");
  need("DOM0_KERNEL");
  maybe("DOM0_RAMDISK", cfg.vars.get("DOM0_RAMDISK"));
  for (let i = 0; i < numDomus(cfg, issues); i++) {
    const at = (arr: string) => cfg.arrays.get(arr)?.get(i);
    if (at("DOMU_KERNEL")) out.push({ name: `DOMU_KERNEL[${i}]`, path: at("DOMU_KERNEL")! });
    else
      issues.push({
        code: "ib-missing",
        severity: "error",
        message: `DOMU_KERNEL[${i}] is not set but NUM_DOMUS says ${i + 1} domains or more`,
      });
    maybe(`DOMU_RAMDISK[${i}]`, at("DOMU_RAMDISK"));
    maybe(`DOMU_PASSTHROUGH_DTB[${i}]`, at("DOMU_PASSTHROUGH_DTB"));
  }
  need("DEVICE_TREE");
  return out;
}

/** Every path a config loads, in load order (for the adapter that reads their sizes). */
export function imageBuilderFiles(cfg: ImageBuilderConfig): string[] {
  return loadOrder(cfg, []).map((e) => e.path);
}

/** Where uboot-script-gen puts each file, given their sizes (`stat -L`: a gzip file's own size). */
export function imageBuilderPlan(
  cfg: ImageBuilderConfig,
  sizeOf: (path: string) => bigint | undefined,
): { plan?: ImageBuilderPlan; issues: ImageBuilderIssue[] } {
  const issues: ImageBuilderIssue[] = [];
  const start = num(cfg, "MEMORY_START", issues);
  const end = num(cfg, "MEMORY_END", issues);
  const files = loadOrder(cfg, issues);
  if (start === undefined || end === undefined || issues.length > 0) return { issues };
  let mem = start + OFFSET;
  if (mem < MIN_START) mem = MIN_START;
  const scriptAddr = mem;
  mem += OFFSET;
  const entries: ImageBuilderEntry[] = [];
  for (const f of files) {
    const size = sizeOf(f.path);
    if (size === undefined) {
      issues.push({
        code: "ib-size-unknown",
        severity: "error",
        message: `${f.name}="${f.path}": its size is needed (ImageBuilder packs by file size); make the file readable`,
      });
      continue;
    }
    entries.push({ name: f.name, path: f.path, addr: mem, size });
    mem = alignUp(mem + size, OFFSET);
  }
  if (issues.length > 0) return { issues };
  if (end - mem - OFFSET < 0n)
    issues.push({
      code: "ib-out-of-memory",
      severity: "error",
      message: `the files end at ${hex(mem)} and ImageBuilder wants 2 MiB more below MEMORY_END ${hex(end)}: it stops with "not enough memory to load all binaries"`,
    });
  return { plan: { scriptAddr, entries }, issues };
}

/** uboot-script-gen's defaults, for configs that leave them out. */
const DEFAULT_XEN_CMD =
  "console=dtuart dtuart=serial0 dom0_mem=1500M dom0_max_vcpus=1 bootscrub=0 vwfi=native sched=null";
const DEFAULT_DOM0_CMD = "console=hvc0 earlycon=xen earlyprintk=xen clk_ignore_unused";
/** What uboot-script-gen writes as every domU kernel's bootargs (it has no per-domain setting). */
export const IMAGEBUILDER_DOMU_BOOTARGS = "console=ttyAMA0";
const VIRT_RAM_BASE = 0x40000000n;

export interface ImageBuilderLayout {
  readonly layout: Layout;
  readonly plan: ImageBuilderPlan;
  /** What the layout cannot say or changes, one sentence each. */
  readonly notes: string[];
}

/**
 * A layout that boots what the config describes on QEMU's aarch64 `virt`: Xen as `-kernel`, dom0's
 * kernel and ramdisk as guest-loader modules and the domUs as dom0less domains, each at the
 * address uboot-script-gen gives it. RAM is MEMORY_END − 0x40000000 (virt's RAM base).
 */
export function layoutFromImageBuilder(
  cfg: ImageBuilderConfig,
  files: (path: string) => LayoutBlob | undefined,
): { result?: ImageBuilderLayout; issues: ImageBuilderIssue[] } {
  const { plan, issues } = imageBuilderPlan(cfg, (p) => files(p)?.size);
  if (!plan) return { issues };
  const at = (name: string) => plan.entries.find((e) => e.name === name);
  const blob = (e: ImageBuilderEntry): LayoutBlob => files(e.path) ?? { path: e.path, size: e.size };
  const notes: string[] = [];
  const end = BigInt(cfg.vars.get("MEMORY_END")!);
  const start = BigInt(cfg.vars.get("MEMORY_START")!);
  let ram = end > VIRT_RAM_BASE ? end - VIRT_RAM_BASE : GiB;
  if (ram % 8192n !== 0n) ram = alignUp(ram, 8192n);
  if (start !== VIRT_RAM_BASE)
    notes.push(
      `MEMORY_START is ${hex(start)} but QEMU virt's RAM starts at ${hex(VIRT_RAM_BASE)}: the layout keeps ImageBuilder's addresses, so files below it are outside RAM`,
    );
  let dom0Cmd = cfg.vars.get("DOM0_CMD") || DEFAULT_DOM0_CMD;
  if (!/root=/.test(dom0Cmd) && !cfg.vars.get("DOM0_ROOTFS")) dom0Cmd += " root=/dev/ram0";
  const xen = at("XEN")!;
  const kernel = at("DOM0_KERNEL")!;
  const ramdisk = at("DOM0_RAMDISK");
  const modules: GuestLoaderModule[] = [
    { id: "m1", addr: kernel.addr, kernel: blob(kernel), bootargs: dom0Cmd },
    ...(ramdisk ? [{ id: "m2", addr: ramdisk.addr, initrd: blob(ramdisk) }] : []),
  ];
  const domains: XenDomain[] = [];
  const count = plan.entries.filter((e) => e.name.startsWith("DOMU_KERNEL[")).length;
  for (let i = 0; i < count; i++) {
    const name = `domU${i}`;
    const mem = cfg.arrays.get("DOMU_MEM")?.get(i);
    const vcpus = cfg.arrays.get("DOMU_VCPUS")?.get(i);
    const k = at(`DOMU_KERNEL[${i}]`)!;
    const r = at(`DOMU_RAMDISK[${i}]`);
    const d = at(`DOMU_PASSTHROUGH_DTB[${i}]`);
    domains.push({
      name,
      memory: BigInt(mem && /^\d+$/.test(mem) ? mem : "512") * MiB,
      cpus: vcpus && /^\d+$/.test(vcpus) ? Number(vcpus) : 1,
      vpl011: true,
      bootargs: IMAGEBUILDER_DOMU_BOOTARGS,
      kernel: { id: `${name}.kernel`, addr: k.addr, file: blob(k) },
      ...(r && { ramdisk: { id: `${name}.ramdisk`, addr: r.addr, file: blob(r) } }),
      ...(d && { dtb: { id: `${name}.dtb`, addr: d.addr, file: blob(d) } }),
    });
  }
  const dt = at("DEVICE_TREE")!;
  notes.push(
    `ImageBuilder loads Xen at ${hex(xen.addr)} and boots it with booti; the layout gives Xen to QEMU as -kernel, which QEMU places itself`,
    `ImageBuilder loads DEVICE_TREE ${dt.path} at ${hex(dt.addr)} and its U-Boot script at ${hex(plan.scriptAddr)}; under QEMU the machine's own DTB is used, placed by QEMU`,
  );
  const base = emptyLayout("aarch64");
  return {
    result: {
      layout: {
        ...base,
        machine: { ...base.machine, props: [["virtualization", "on"]], ram, cpu: "cortex-a57" },
        kernel: blob(xen),
        append: cfg.vars.get("XEN_CMD") || DEFAULT_XEN_CMD,
        modules,
        ...(domains.length > 0 && { domains }),
      },
      plan,
      notes,
    },
    issues,
  };
}

/** A bash double-quoted value: `\`, `"`, `$` and backtick escaped. */
function q(s: string): string {
  return `"${s.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

/**
 * An ImageBuilder config for a layout (Xen as -kernel, one dom0 kernel and ramdisk, dom0less
 * domains). ImageBuilder chooses addresses itself, so the layout's are not kept; what the config
 * cannot say (a second dom0 ramdisk, loaders, a domU's own bootargs or no vpl011) is an issue.
 */
export function imageBuilderConfig(
  layout: Layout,
  opts: { deviceTree: string; ubootSource?: string; ubootScript?: string },
): { text?: string; issues: ImageBuilderIssue[] } {
  const issues: ImageBuilderIssue[] = [];
  const bad = (message: string) =>
    issues.push({ code: "ib-not-representable", severity: "warning", message });
  const kernels = layout.modules.filter((m) => m.kernel);
  const ramdisks = layout.modules.filter((m) => m.initrd && !m.kernel);
  if (!layout.kernel) bad("the layout has no -kernel: ImageBuilder's XEN is required");
  if (kernels.length !== 1)
    bad(
      `ImageBuilder boots exactly one dom0 kernel (DOM0_KERNEL); the layout has ${kernels.length} guest-loader kernels`,
    );
  if (ramdisks.length > 1) bad(`ImageBuilder takes one DOM0_RAMDISK; the layout has ${ramdisks.length}`);
  if (layout.loaders.length > 0) bad("-device loader blobs have no place in an ImageBuilder config");
  if (layout.initrd) bad("-initrd has no place in an ImageBuilder config: make it a guest-loader initrd");
  const lines = [
    "# Xen ImageBuilder config written by guestmap. ImageBuilder packs the files itself from",
    "# MEMORY_START, 2 MiB apart: the layout's addresses are not kept. See where they land, and",
    "# what collides, with: guestmap import --from-imagebuilder THIS-FILE",
    `MEMORY_START=${q(hex(VIRT_RAM_BASE))}`,
    `MEMORY_END=${q(hex(VIRT_RAM_BASE + layout.machine.ram))}`,
    `DEVICE_TREE=${q(opts.deviceTree)}`,
  ];
  if (layout.kernel) lines.push(`XEN=${q(layout.kernel.path)}`);
  if (layout.append !== undefined) lines.push(`XEN_CMD=${q(layout.append)}`);
  const k = kernels[0];
  if (k?.kernel) {
    lines.push(`DOM0_KERNEL=${q(k.kernel.path)}`);
    if (k.bootargs !== undefined) lines.push(`DOM0_CMD=${q(k.bootargs)}`);
  }
  const r = ramdisks[0]?.initrd;
  if (r) lines.push(`DOM0_RAMDISK=${q(r.path)}`);
  const domains = layout.domains ?? [];
  lines.push(`NUM_DOMUS=${domains.length}`);
  domains.forEach((d, i) => {
    if (d.memory % MiB !== 0n)
      bad(`${d.name}: DOMU_MEM is in MiB; ${d.memory} bytes is not a whole number of them`);
    if (!d.vpl011) bad(`${d.name}: ImageBuilder always gives domUs a vpl011`);
    if (d.bootargs !== undefined && d.bootargs !== IMAGEBUILDER_DOMU_BOOTARGS)
      bad(
        `${d.name}: ImageBuilder writes bootargs "${IMAGEBUILDER_DOMU_BOOTARGS}" for every domU; "${d.bootargs}" is lost`,
      );
    lines.push(`DOMU_KERNEL[${i}]=${q(d.kernel.file.path)}`);
    if (d.ramdisk) lines.push(`DOMU_RAMDISK[${i}]=${q(d.ramdisk.file.path)}`);
    if (d.dtb) lines.push(`DOMU_PASSTHROUGH_DTB[${i}]=${q(d.dtb.file.path)}`);
    lines.push(`DOMU_MEM[${i}]=${d.memory / MiB}`, `DOMU_VCPUS[${i}]=${d.cpus}`);
  });
  lines.push(
    `UBOOT_SOURCE=${q(opts.ubootSource ?? "boot.source")}`,
    `UBOOT_SCRIPT=${q(opts.ubootScript ?? "boot.scr")}`,
  );
  return { text: `${lines.join("\n")}\n`, issues };
}
