/**
 * Layout → QEMU argv, in one canonical order:
 *
 *   program  -M type[,props]  -m  -cpu  -smp  -bios  -kernel  -append  -initrd  -dtb
 *   -device guest-loader… (layout order: it decides QEMU's /chosen node order)
 *   -device loader… (layout order)  extraArgs (verbatim, in order)
 *
 * `importArgv(exportArgv(layout))` gives back the layout (module ids renumbered m1…, loader ids
 * l1…). Values QEMU cannot carry are refused with an `ExportIssue`, never altered: a NUL anywhere,
 * a RAM size QEMU would round, a property key with `,`/`=`, an extra argument the importer would
 * read as a modelled option. Everything else survives QEMU 7.2 byte for byte (checked with
 * dumpdtb: `=`, leading/trailing spaces, newlines, tabs, quotes and UTF-8 in bootargs; `,` as `,,`).
 */
import type { Problem } from "../diagnostics.js";
import {
  type Arch,
  type GenericLoaderBlob,
  type GuestLoaderModule,
  type Layout,
  type LoaderDataWrite,
  moduleFile,
} from "../model/types.js";
import { importArgv } from "./import.js";
import { formatRamSize } from "./numbers.js";
import { groupArgs, optionName } from "./options.js";
import { formatQemuOpts } from "./qemuopts.js";
import { nulProblem, propertyKeyProblem, ramProblem, u64Problem } from "./value-checks.js";

/**
 * Export problems (all errors; nothing is exported while any remains):
 * - `nul-character`: a string holds U+0000, which no argv element can.
 * - `ram-not-expressible`: RAM is 0 or not a multiple of 8 KiB (QEMU would round it).
 * - `address-out-of-range`: an address outside 0 … 2^64 − 1.
 * - `bad-property-key`: an `-M` key that is empty or holds `,` or `=`.
 * - `bad-extra-args`: an extraArgs group the importer would split or read differently.
 * - `module-without-file`: the fixed-DTB form needs a file for every guest-loader stanza.
 * - `domains-need-fixed-dtb`: Xen dom0less domains export only in the fixed-DTB form.
 */
export type ExportIssueCode =
  | "nul-character"
  | "ram-not-expressible"
  | "address-out-of-range"
  | "bad-property-key"
  | "bad-extra-args"
  | "module-without-file"
  | "domains-need-fixed-dtb";

export interface ExportIssue extends Problem<ExportIssueCode> {
  readonly severity: "error";
  /** The layout field, e.g. `modules[1].bootargs`. */
  readonly where: string;
}

export type ExportResult =
  | { readonly ok: true; readonly argv: string[]; readonly groups: string[][] }
  | { readonly ok: false; readonly issues: ExportIssue[] };

export interface ExportOptions {
  /** argv[0]; default `qemu-system-<arch>`. */
  readonly program?: string;
  /** `-device` syntax: QemuOpts (`guest-loader,addr=…`, default) or JSON (`{"driver":…}`). */
  readonly deviceSyntax?: "opts" | "json";
}

/** The QEMU binary for an arch. */
export function qemuProgram(arch: Arch): string {
  return `qemu-system-${arch}`;
}

class Collector {
  readonly issues: ExportIssue[] = [];
  str(field: string, v: string): string {
    const why = nulProblem(v);
    if (why)
      this.issues.push({
        code: "nul-character",
        severity: "error",
        where: field,
        message: `${field}: ${why}`,
      });
    return v;
  }
  addr(field: string, v: bigint): string {
    const why = u64Problem(v);
    if (why)
      this.issues.push({
        code: "address-out-of-range",
        severity: "error",
        where: field,
        message: `${field}: ${why}`,
      });
    return `0x${v.toString(16)}`;
  }
}

function moduleDevice(c: Collector, m: GuestLoaderModule, i: number, json: boolean): string {
  const f = `modules[${i}]`;
  const props: [string, string][] = [["driver", "guest-loader"]];
  const addr = c.addr(`${f}.addr`, m.addr);
  props.push(["addr", addr]);
  if (m.kernel) props.push(["kernel", c.str(`${f}.kernel.path`, m.kernel.path)]);
  if (m.initrd) props.push(["initrd", c.str(`${f}.initrd.path`, m.initrd.path)]);
  if (m.bootargs !== undefined) props.push(["bootargs", c.str(`${f}.bootargs`, m.bootargs)]);
  return json ? jsonDevice(props, m.addr) : formatQemuOpts(props, "driver");
}

/** The JSON -device form; addr as a JSON integer written from the bigint (no 2^53 loss). */
function jsonDevice(props: readonly (readonly [string, string])[], addr: bigint): string {
  const parts = props.map(([k, v]) =>
    k === "addr" ? `${JSON.stringify(k)}:${addr.toString()}` : `${JSON.stringify(k)}:${JSON.stringify(v)}`,
  );
  return `{${parts.join(",")}}`;
}

function loaderDevice(
  c: Collector,
  field: string,
  l: Pick<GenericLoaderBlob, "addr" | "forceRaw" | "cpuNum" | "addrGiven"> & { path: string },
  json: boolean,
): string {
  const props: [string, string][] = [
    ["driver", "loader"],
    ["file", c.str(`${field}.path`, l.path)],
  ];
  if (l.addrGiven !== false || l.addr !== 0n) props.push(["addr", c.addr(`${field}.addr`, l.addr)]);
  if (l.forceRaw !== undefined) props.push(["force-raw", l.forceRaw ? "on" : "off"]);
  if (l.cpuNum !== undefined) props.push(["cpu-num", String(l.cpuNum)]);
  return json
    ? loaderJson(props, { addr: l.addr, "force-raw": l.forceRaw })
    : formatQemuOpts(props, "driver");
}

/** The JSON form of a loader stanza: integers and booleans as JSON values, not strings. */
function loaderJson(
  props: readonly (readonly [string, string])[],
  exact: Record<string, bigint | boolean | undefined>,
): string {
  const parts = props.map(([k, v]) => {
    const x = exact[k];
    if (x !== undefined) return `${JSON.stringify(k)}:${x.toString()}`;
    if (k === "cpu-num" || k === "data-len") return `${JSON.stringify(k)}:${v}`;
    return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
  });
  return `{${parts.join(",")}}`;
}

function dataDevice(c: Collector, field: string, d: LoaderDataWrite, json: boolean): string {
  const props: [string, string][] = [
    ["driver", "loader"],
    ["addr", c.addr(`${field}.addr`, d.addr)],
    ["data", `0x${d.data.toString(16)}`],
    ["data-len", String(d.len)],
  ];
  if (d.bigEndian) props.push(["data-be", "on"]);
  if (d.cpuNum !== undefined) props.push(["cpu-num", String(d.cpuNum)]);
  return json
    ? loaderJson(props, { addr: d.addr, data: d.data, "data-be": d.bigEndian })
    : formatQemuOpts(props, "driver");
}

function head(c: Collector, layout: Layout, opts: ExportOptions, dtbPath: string | undefined): string[][] {
  const m = layout.machine;
  const groups: string[][] = [[c.str("program", opts.program ?? qemuProgram(m.arch))]];
  for (const [k, v] of m.props) {
    c.str(`machine.props.${k}`, v);
    const why = propertyKeyProblem(k);
    if (why)
      c.issues.push({
        code: "bad-property-key",
        severity: "error",
        where: `machine.props.${k}`,
        message: `-M ${k}: ${why}`,
      });
  }
  groups.push(["-M", formatQemuOpts([["type", c.str("machine.type", m.type)], ...m.props], "type")]);
  const ram = formatRamSize(m.ram);
  const ramWhy = ramProblem(m.ram);
  if (ramWhy)
    c.issues.push({
      code: "ram-not-expressible",
      severity: "error",
      where: "machine.ram",
      message: `-m ${m.ram}: ${ramWhy}`,
    });
  groups.push(["-m", ram ?? String(m.ram)]);
  if (m.cpu !== undefined) groups.push(["-cpu", c.str("machine.cpu", m.cpu)]);
  if (m.smp !== undefined) groups.push(["-smp", c.str("machine.smp", m.smp)]);
  if (m.bios.kind === "none") groups.push(["-bios", "none"]);
  else if (m.bios.kind === "default" && m.bios.explicit) groups.push(["-bios", "default"]);
  else if (m.bios.kind === "file") groups.push(["-bios", c.str("machine.bios.path", m.bios.file.path)]);
  if (layout.kernel) groups.push(["-kernel", c.str("kernel.path", layout.kernel.path)]);
  if (layout.append !== undefined) groups.push(["-append", c.str("append", layout.append)]);
  if (layout.initrd) groups.push(["-initrd", c.str("initrd.path", layout.initrd.path)]);
  const dtb = dtbPath ?? layout.dtb?.path;
  if (dtb !== undefined) groups.push(["-dtb", c.str("dtb.path", dtb)]);
  return groups;
}

function tail(c: Collector, layout: Layout, json: boolean): string[][] {
  const groups: string[][] = [];
  layout.loaders.forEach((l, i) => {
    groups.push(["-device", loaderDevice(c, `loaders[${i}].file`, { ...l, path: l.file.path }, json)]);
  });
  (layout.loaderData ?? []).forEach((d, i) => {
    groups.push(["-device", dataDevice(c, `loaderData[${i}]`, d, json)]);
  });
  (layout.loaderPcs ?? []).forEach((p, i) => {
    const props: [string, string][] = [
      ["driver", "loader"],
      ["addr", c.addr(`loaderPcs[${i}].addr`, p.addr)],
      ["cpu-num", String(p.cpuNum)],
    ];
    groups.push(["-device", json ? loaderJson(props, { addr: p.addr }) : formatQemuOpts(props, "driver")]);
  });
  layout.extraArgs.forEach((g, i) => {
    const field = `extraArgs[${i}]`;
    for (const [k, a] of g.entries()) c.str(`${field}[${k}]`, a);
    const regroup = groupArgs(g);
    const probe = importArgv([qemuProgram(layout.machine.arch), "-M", "virt", ...g]).layout;
    const name = optionName(g[0] ?? "");
    const modelled =
      probe.modules.length > 0 ||
      probe.loaders.length > 0 ||
      (probe.loaderData ?? []).length > 0 ||
      (probe.loaderPcs ?? []).length > 0 ||
      probe.extraArgs.length !== 1 ||
      ["M", "machine", "m", "cpu", "smp", "bios", "kernel", "append", "initrd", "dtb"].includes(name ?? "");
    if (regroup.length !== 1 || regroup[0]!.group.length !== g.length || modelled)
      c.issues.push({
        code: "bad-extra-args",
        severity: "error",
        where: field,
        message: `${field} = ${JSON.stringify(g)} is not one verbatim QEMU option (an option with its value, a flag, or a file) that guestmap does not model; move modelled options (-M, -m, -kernel, guest-loader/loader devices…) into their layout fields, and split or merge groups to match QEMU's options`,
      });
    groups.push([...g]);
  });
  return groups;
}

/** Exports a layout as QEMU argv groups (see the module comment for the order). */
export function exportArgv(layout: Layout, opts: ExportOptions = {}): ExportResult {
  const c = new Collector();
  const json = opts.deviceSyntax === "json";
  const groups = head(c, layout, opts, undefined);
  layout.modules.forEach((m, i) => {
    groups.push(["-device", moduleDevice(c, m, i, json)]);
  });
  if ((layout.domains ?? []).length > 0)
    c.issues.push({
      code: "domains-need-fixed-dtb",
      severity: "error",
      where: "domains",
      message:
        "the layout has Xen dom0less domains, whose /chosen/domU* nodes guest-loader cannot write: export the fixed-DTB form (a DTB with the domains, booted with -dtb, and -device loader per blob) instead",
    });
  groups.push(...tail(c, layout, json));
  if (c.issues.length > 0) return { ok: false, issues: c.issues };
  return { ok: true, argv: groups.flat(), groups };
}

/**
 * The fixed-DTB form: `-dtb dtbPath` (a DTB built elsewhere, which already holds the module nodes)
 * and each guest-loader blob as `-device loader,file=…,addr=…,force-raw=on` — the same RAM
 * contents without guest-loader. The layout's own `-dtb`, if any, is replaced by `dtbPath`.
 */
export function exportFixedDtbArgv(layout: Layout, dtbPath: string, opts: ExportOptions = {}): ExportResult {
  const c = new Collector();
  const json = opts.deviceSyntax === "json";
  const groups = head(c, layout, opts, dtbPath);
  layout.modules.forEach((m, i) => {
    const f = moduleFile(m);
    if (!f) {
      c.issues.push({
        code: "module-without-file",
        severity: "error",
        where: `modules[${i}]`,
        message: `modules[${i}] has neither kernel nor initrd, so there is nothing to load; give it a file or remove it`,
      });
      return;
    }
    groups.push([
      "-device",
      loaderDevice(
        c,
        `modules[${i}].${m.kernel ? "kernel" : "initrd"}`,
        { path: f.path, addr: m.addr, forceRaw: true },
        json,
      ),
    ]);
  });
  // Dom0less domain blobs: the DTB carries their nodes; QEMU only has to load the bytes.
  (layout.domains ?? []).forEach((d, i) => {
    for (const [k, m] of [
      ["kernel", d.kernel],
      ["ramdisk", d.ramdisk],
      ["dtb", d.dtb],
    ] as const) {
      if (m)
        groups.push([
          "-device",
          loaderDevice(
            c,
            `domains[${i}].${k}.file`,
            { path: m.file.path, addr: m.addr, forceRaw: true },
            json,
          ),
        ]);
    }
  });
  groups.push(...tail(c, layout, json));
  if (c.issues.length > 0) return { ok: false, issues: c.issues };
  return { ok: true, argv: groups.flat(), groups };
}
