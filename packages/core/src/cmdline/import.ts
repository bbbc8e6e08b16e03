/**
 * QEMU argv → layout. Never throws: every problem becomes an `ImportIssue` and the layout keeps
 * everything that could be understood. What QEMU itself would refuse while parsing options (a bad
 * integer, an unknown guest-loader property) is an error here; what it refuses later (a stanza
 * with both kernel and initrd, addr 0) is left to the rules, which see the faithful layout.
 *
 * QEMU 7.2 facts this relies on (checked with the binary): `--opt` means `-opt`; `-opt=value` is
 * an invalid option; repeated -M are merged (later keys win); the last -m/-kernel/… wins.
 */
import {
  type Arch,
  type Bios,
  type Blob,
  emptyLayout,
  type GenericLoaderBlob,
  type GuestLoaderModule,
  type Layout,
  type LoaderDataWrite,
} from "../model/types.js";
import { jsonDuplicateKey } from "./json-duplicate-key.js";
import { expectsIntegerMessage, parseQemuUint, parseRamSize } from "./numbers.js";
import { parseQemuOpts, type QemuOptsProp } from "./qemuopts.js";
import { ShellSplitError, shellSplit } from "./shell-split.js";
import { suggest } from "./suggest.js";

/**
 * Import diagnostics:
 * - `unknown-program`: argv[0] is not `qemu-system-{aarch64,arm,riscv64,riscv32}` (aarch64 assumed).
 * - `missing-argument`: an option that takes a value is last.
 * - `invalid-option`: `-opt=value` (QEMU has no such form).
 * - `no-machine`: no -M (ARM has no default machine; RISC-V's is `spike`).
 * - `bad-ram-size`: a `-m` QEMU rejects; `ram-rounded`: QEMU rounds it up to 8 KiB.
 * - `ram-option-dropped`: `-m` slots/maxmem are not modelled.
 * - `bad-integer`: an `addr=` QEMU rejects (`Parameter 'addr' expects integer`).
 * - `unknown-property`: a guest-loader/loader property QEMU does not have.
 * - `flag-property`: a `foo`/`nofoo` element (deprecated by QEMU, means foo=on/off).
 * - `property-dropped`: `id=` on a guest-loader (not modelled).
 * - `bad-json`: a JSON `-device` that is not a JSON object, repeats a key, or whose `addr` is not
 *   an integer.
 * - `repeated-option`: a second -m/-kernel/-append/… (the last one wins, as in QEMU).
 * - `shell-syntax`: the pasted text could not be split (see `ShellSplitError`).
 * - `environment-dropped`: a leading `VAR=value` of the pasted command (not kept in the layout).
 * - `loader-form`: a `-device loader` combination QEMU refuses (file with data, nothing to do…).
 */
export type ImportIssueCode =
  | "unknown-program"
  | "missing-argument"
  | "invalid-option"
  | "no-machine"
  | "bad-ram-size"
  | "ram-rounded"
  | "ram-option-dropped"
  | "bad-integer"
  | "unknown-property"
  | "flag-property"
  | "property-dropped"
  | "bad-json"
  | "repeated-option"
  | "shell-syntax"
  | "environment-dropped"
  | "loader-form";

export interface ImportIssue {
  readonly code: ImportIssueCode;
  readonly severity: "error" | "warning" | "info";
  /** What, where and how to fix it. */
  readonly message: string;
  /** Index of the argument in argv (0 is the program). */
  readonly argIndex?: number;
  /** Character offset inside that argument. */
  readonly offset?: number;
}

export interface ImportResult {
  readonly layout: Layout;
  readonly diagnostics: ImportIssue[];
}

/** QEMU options that take no value (everything else starting with `-` takes one). */
const NO_ARG = new Set([
  "h",
  "help",
  "version",
  "S",
  "s",
  "nographic",
  "no-acpi",
  "no-hpet",
  "no-reboot",
  "no-shutdown",
  "no-user-config",
  "nodefaults",
  "nodefconfig",
  "daemonize",
  "enable-kvm",
  "no-kvm",
  "full-screen",
  "snapshot",
  "usb",
  "only-migratable",
  "enable-sync-profile",
  "async-teardown",
  "preconfig",
  "no-fd-bootchk",
  "win2k-hack",
  "semihosting",
  "alt-grab",
  "ctrl-grab",
  "no-quit",
  "no-frame",
  "sdl",
  "curses",
  "singlestep",
  "xen-attach",
  "localtime",
  "enable-fips",
  "perfmap",
  "jitdump",
]);

const PROGRAM_RE = /(?:^|\/)qemu-system-(aarch64|arm|riscv64|riscv32)(?:\.exe)?$/;

/** The option name without its one or two leading dashes, or undefined for a non-option. */
export function optionName(arg: string): string | undefined {
  if (!arg.startsWith("-") || arg === "-" || arg === "--") return undefined;
  return arg.startsWith("--") ? arg.slice(2) : arg.slice(1);
}

/** Whether QEMU reads the next argv element as this option's value. */
export function optionTakesValue(name: string): boolean {
  return !NO_ARG.has(name);
}

/** Splits argv (without the program) into QEMU's option groups: `[opt, value]`, `[flag]`, `[file]`. */
export function groupArgs(args: readonly string[]): { group: string[]; index: number }[] {
  const out: { group: string[]; index: number }[] = [];
  for (let i = 0; i < args.length; ) {
    const a = args[i]!;
    const name = optionName(a);
    if (name !== undefined && optionTakesValue(name) && !name.includes("=") && i + 1 < args.length) {
      out.push({ group: [a, args[i + 1]!], index: i });
      i += 2;
    } else {
      out.push({ group: [a], index: i });
      i++;
    }
  }
  return out;
}

const GUEST_LOADER_PROPS = ["addr", "kernel", "initrd", "bootargs"];
const LOADER_PROPS = ["file", "addr", "force-raw", "data", "data-len", "data-be", "cpu-num"];
const BOOL_ON = new Set(["on", "yes", "true", "y"]);
const BOOL_OFF = new Set(["off", "no", "false", "n"]);

/** Imports a pasted shell command: split (see `shellSplit`), then `importArgv`. */
export function importShellCommand(text: string): ImportResult {
  try {
    const split = shellSplit(text);
    const r = importArgv(split.argv);
    // A layout is QEMU's argv; the environment is the user's shell's. Say what is left out.
    const env: ImportIssue[] = split.assignments.map((a) => ({
      code: "environment-dropped",
      severity: "info",
      message: `${a.name}=${a.value} sets the environment, which is not part of QEMU's command line: the layout leaves it out; set it in your shell when you run the exported command`,
    }));
    return env.length ? { ...r, diagnostics: [...env, ...r.diagnostics] } : r;
  } catch (e) {
    if (!(e instanceof ShellSplitError)) throw e;
    return {
      layout: emptyLayout("aarch64"),
      diagnostics: [
        { code: "shell-syntax", severity: "error", message: e.message, offset: e.position.offset },
      ],
    };
  }
}

/** Imports a QEMU argv (program first) into a layout plus diagnostics. Never throws. */
export function importArgv(argv: readonly string[]): ImportResult {
  const issues: ImportIssue[] = [];
  const program = argv[0] ?? "";
  const pm = PROGRAM_RE.exec(program);
  let arch: Arch = "aarch64";
  if (pm) arch = pm[1] as Arch;
  else
    issues.push({
      code: "unknown-program",
      severity: "error",
      argIndex: 0,
      message: /qemu-system-(x86_64|i386)/.test(program)
        ? `argument 0: '${program}': guest-loader needs a machine that boots with an FDT, and x86 machines (pc, q35, microvm) have none — QEMU refuses with "Cannot modify FDT fields if the machine has none". guestmap models qemu-system-aarch64, -arm, -riscv64 and -riscv32 virt; start the command with one of them`
        : `argument 0: '${program}' is not one of the QEMU binaries guestmap models (qemu-system-aarch64, -arm, -riscv64, -riscv32); start the command with the QEMU binary for your target`,
    });

  const base = emptyLayout(arch);
  let machineType: string | undefined;
  const props: [string, string][] = [];
  let ram = base.machine.ram;
  let cpu: string | undefined;
  let smp: string | undefined;
  let bios: Bios = { kind: "default" };
  let kernel: Blob | undefined;
  let append: string | undefined;
  let initrd: Blob | undefined;
  let dtb: Blob | undefined;
  const modules: GuestLoaderModule[] = [];
  const loaders: GenericLoaderBlob[] = [];
  const loaderData: LoaderDataWrite[] = [];
  const extraArgs: string[][] = [];
  const seen = new Set<string>();

  const once = (name: string, at: number) => {
    if (seen.has(name))
      issues.push({
        code: "repeated-option",
        severity: "warning",
        argIndex: at,
        message: `argument ${at}: -${name} is given again; QEMU uses the last one. Remove the earlier one`,
      });
    seen.add(name);
  };

  for (const { group, index } of groupArgs(argv.slice(1))) {
    const at = index + 1;
    const opt = group[0]!;
    const name = optionName(opt);
    const value = group[1];
    if (name === undefined) {
      extraArgs.push(group);
      continue;
    }
    if (name.includes("=")) {
      issues.push({
        code: "invalid-option",
        severity: "error",
        argIndex: at,
        offset: opt.indexOf("="),
        message: `argument ${at}: QEMU rejects '${opt}' (invalid option); write the value as a separate argument: '${opt.slice(0, opt.indexOf("="))} ${opt.slice(opt.indexOf("=") + 1)}'`,
      });
      extraArgs.push(group);
      continue;
    }
    if (optionTakesValue(name) && value === undefined) {
      issues.push({
        code: "missing-argument",
        severity: "error",
        argIndex: at,
        message: `argument ${at}: ${opt} needs a value (QEMU: 'requires an argument'); add it after ${opt}`,
      });
      extraArgs.push(group);
      continue;
    }
    switch (name) {
      case "M":
      case "machine": {
        for (const p of parseQemuOpts(value!, "type")) {
          if (p.form === "flag") flagIssue(issues, at + 1, p);
          if (p.key === "type") machineType = p.value;
          else {
            const k = props.findIndex(([key]) => key === p.key);
            if (k >= 0) props[k] = [p.key, p.value];
            else props.push([p.key, p.value]);
          }
        }
        break;
      }
      case "m": {
        once("m", at);
        const vat = at + 1;
        for (const p of parseQemuOpts(value!, "size")) {
          if (p.key !== "size") {
            issues.push({
              code: "ram-option-dropped",
              severity: "warning",
              argIndex: vat,
              offset: p.offset,
              message: `argument ${vat}: -m ${p.key}= is not modelled by guestmap and was dropped; only the RAM size is kept`,
            });
            continue;
          }
          const r = parseRamSize(p.value);
          if (!r) {
            issues.push({
              code: "bad-ram-size",
              severity: "error",
              argIndex: vat,
              offset: p.valueOffset,
              message: `argument ${vat}, character ${p.valueOffset}: QEMU says "Parameter 'size' expects a non-negative number below 2^64" for '${p.value}'; write a size like 2G, 512M or 512 (MiB)`,
            });
            continue;
          }
          if (r.ram !== r.given && r.given !== 0n)
            issues.push({
              code: "ram-rounded",
              severity: "info",
              argIndex: vat,
              message: `argument ${vat}: QEMU rounds -m ${p.value} up to ${r.ram} bytes (a multiple of 8 KiB)`,
            });
          ram = r.ram;
        }
        break;
      }
      case "cpu":
        once(name, at);
        cpu = value!;
        break;
      case "smp":
        once(name, at);
        smp = value!;
        break;
      case "bios":
        once(name, at);
        // `default` and `none` are QEMU keywords, not file names (ARM refuses both; see placeArm).
        bios =
          value === "none"
            ? { kind: "none" }
            : value === "default"
              ? { kind: "default", explicit: true }
              : { kind: "file", file: { path: value! } };
        break;
      case "kernel":
        once(name, at);
        kernel = { path: value! };
        break;
      case "append":
        once(name, at);
        append = value!;
        break;
      case "initrd":
        once(name, at);
        initrd = { path: value! };
        break;
      case "dtb":
        once(name, at);
        dtb = { path: value! };
        break;
      case "device": {
        const dev = parseDevice(value!, at + 1, issues);
        if (dev?.driver === "guest-loader") {
          const m = guestLoader(dev, at + 1, issues, `m${modules.length + 1}`);
          if (m) {
            modules.push(m);
            break;
          }
        } else if (dev?.driver === "loader") {
          const l = genericLoader(dev, at + 1, issues, {
            blob: `l${loaders.length + 1}`,
            data: `d${loaderData.length + 1}`,
          });
          if (l && "blob" in l) {
            loaders.push(l.blob);
            break;
          }
          if (l) {
            loaderData.push(l.data);
            break;
          }
        }
        extraArgs.push(group);
        break;
      }
      default:
        extraArgs.push(group);
    }
  }

  if (machineType === undefined) {
    const riscv = arch.startsWith("riscv");
    issues.push({
      code: "no-machine",
      severity: riscv ? "warning" : "error",
      message: riscv
        ? "no -M: QEMU uses the 'spike' machine, which guest-loader cannot use; add -M virt"
        : "no -M: QEMU refuses to start without a machine ('No machine specified'); add -M virt",
    });
    machineType = riscv ? "spike" : "virt";
  }

  const layout: Layout = {
    machine: {
      arch,
      type: machineType,
      props,
      ram,
      ...(cpu !== undefined && { cpu }),
      ...(smp !== undefined && { smp }),
      bios,
    },
    ...(kernel && { kernel }),
    ...(append !== undefined && { append }),
    ...(initrd && { initrd }),
    ...(dtb && { dtb }),
    modules,
    loaders,
    ...(loaderData.length > 0 && { loaderData }),
    extraArgs,
  };
  return { layout, diagnostics: issues };
}

interface DeviceValue {
  driver: string | undefined;
  props: QemuOptsProp[];
  json: boolean;
}

function flagIssue(issues: ImportIssue[], at: number, p: QemuOptsProp): void {
  issues.push({
    code: "flag-property",
    severity: "warning",
    argIndex: at,
    offset: p.offset,
    message: `argument ${at}, character ${p.offset}: QEMU reads the bare '${p.value === "off" ? "no" : ""}${p.key}' as ${p.key}=${p.value} (a deprecated short form); write ${p.key}=${p.value}, or if a value contains a comma write it as ',,'`,
  });
}

/** A -device value as properties: QemuOpts, or the JSON object form (`{"driver":…}`). */
function parseDevice(value: string, at: number, issues: ImportIssue[]): DeviceValue | undefined {
  if (value.trimStart().startsWith("{")) {
    let obj: unknown;
    try {
      obj = JSON.parse(value);
    } catch (e) {
      issues.push({
        code: "bad-json",
        severity: "error",
        argIndex: at,
        message: `argument ${at}: this -device JSON does not parse (${(e as Error).message}); fix the JSON or use the driver,key=value form`,
      });
      return undefined;
    }
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) return undefined;
    const dup = jsonDuplicateKey(value);
    if (dup !== undefined) {
      issues.push({
        code: "bad-json",
        severity: "error",
        argIndex: at,
        message: `argument ${at}: QEMU says "JSON parse error, duplicate key": "${dup}" appears twice in one object of this -device JSON; keep one`,
      });
      return undefined;
    }
    const props: QemuOptsProp[] = [];
    let driver: string | undefined;
    for (const [k, v] of Object.entries(obj)) {
      const off = value.indexOf(JSON.stringify(k));
      if (k === "driver" && typeof v === "string") driver = v;
      // JSON numbers above 2^53 lose precision in JSON.parse: take addr's digits from the text.
      let text: string;
      if ((k === "addr" || k === "data") && typeof v === "number") {
        const m = new RegExp(`"${k}"\\s*:\\s*(-?[0-9][0-9.eE+-]*)`).exec(value);
        text = m?.[1] ?? String(v);
        if (!/^[0-9]+$/.test(text)) {
          issues.push({
            code: "bad-json",
            severity: "error",
            argIndex: at,
            offset: off,
            message: `argument ${at}: QEMU says "Parameter 'addr' expects uint64" for ${text}; write addr as a non-negative JSON integer`,
          });
          continue;
        }
      } else if (k === "addr") {
        issues.push({
          code: "bad-json",
          severity: "error",
          argIndex: at,
          offset: off,
          message: `argument ${at}: QEMU says "Parameter 'addr' expects uint64": in the JSON form addr must be a JSON integer like 1207959552, not ${JSON.stringify(v)}`,
        });
        continue;
      } else if (typeof v === "string") text = v;
      else if (typeof v === "boolean") text = v ? "on" : "off";
      else text = JSON.stringify(v);
      props.push({ key: k, value: text, offset: off, valueOffset: off, form: "pair" });
    }
    return { driver, props, json: true };
  }
  const props = parseQemuOpts(value, "driver");
  let driver: string | undefined;
  for (const p of props) if (p.key === "driver") driver = p.value;
  return { driver, props, json: false };
}

function unknownProp(issues: ImportIssue[], at: number, drv: string, p: QemuOptsProp, known: string[]): void {
  const s = suggest(p.key, known);
  issues.push({
    code: "unknown-property",
    severity: "error",
    argIndex: at,
    offset: p.offset,
    message: `argument ${at}, character ${p.offset}: unknown property '${p.key}' (QEMU: "Property '${drv}.${p.key}' not found")${s ? `; did you mean '${s}'?` : `; ${drv} has ${known.join(", ")}`}${p.form === "flag" ? ". A comma inside a value must be written ',,'" : ""}`,
  });
}

function parseAddr(p: QemuOptsProp, at: number, issues: ImportIssue[], json: boolean): bigint | undefined {
  const v = json ? BigInt(p.value) : parseQemuUint(p.value);
  if (v === undefined)
    issues.push({
      code: "bad-integer",
      severity: "error",
      argIndex: at,
      offset: p.valueOffset,
      message: `argument ${at}, character ${p.valueOffset}: QEMU says "${expectsIntegerMessage("addr")}" for '${p.value}'; write a plain integer like 0x48000000 (no K/M/G suffix, no '_', no trailing space)`,
    });
  return v;
}

function guestLoader(
  dev: DeviceValue,
  at: number,
  issues: ImportIssue[],
  id: string,
): GuestLoaderModule | undefined {
  let addr = 0n;
  let kernel: Blob | undefined;
  let initrd: Blob | undefined;
  let bootargs: string | undefined;
  for (const p of dev.props) {
    if (p.key === "driver") continue;
    if (p.form === "flag") flagIssue(issues, at, p);
    switch (p.key) {
      case "addr": {
        const v = parseAddr(p, at, issues, dev.json);
        if (v !== undefined) addr = v;
        break;
      }
      case "kernel":
        kernel = { path: p.value };
        break;
      case "initrd":
        initrd = { path: p.value };
        break;
      case "bootargs":
        bootargs = p.value;
        break;
      case "id":
        issues.push({
          code: "property-dropped",
          severity: "warning",
          argIndex: at,
          offset: p.offset,
          message: `argument ${at}: guest-loader id=${p.value} is not modelled and was dropped`,
        });
        break;
      default:
        unknownProp(issues, at, "guest-loader", p, GUEST_LOADER_PROPS);
    }
  }
  // The stanza stays in the layout even with a bad property: the user fixes it there.
  return {
    id,
    addr,
    ...(kernel && { kernel }),
    ...(initrd && { initrd }),
    ...(bootargs !== undefined && { bootargs }),
  };
}

/**
 * `-device loader` in the forms of QEMU's docs/system/generic-loader.rst: a file (`file=`, with or
 * without `addr=`, `force-raw=`, `cpu-num=`) or a value (`data=`, `data-len=`, `data-be=`, `addr=`,
 * `cpu-num=`). A PC-only stanza (`addr=` + `cpu-num=`), a combination QEMU refuses and duplicated
 * keys stay verbatim (undefined), the refusal reported here.
 */
function genericLoader(
  dev: DeviceValue,
  at: number,
  issues: ImportIssue[],
  ids: { blob: string; data: string },
): { blob: GenericLoaderBlob } | { data: LoaderDataWrite } | undefined {
  const keys = dev.props.filter((p) => p.key !== "driver");
  for (const p of keys)
    if (!LOADER_PROPS.includes(p.key) && p.key !== "id") unknownProp(issues, at, "loader", p, LOADER_PROPS);
  if (keys.some((p) => !LOADER_PROPS.includes(p.key))) return undefined;
  // Duplicated keys would not survive a round trip: keep such stanzas verbatim.
  if (new Set(keys.map((p) => p.key)).size !== keys.length) return undefined;
  const get = (k: string) => keys.find((p) => p.key === k);
  const file = get("file");
  const addrP = get("addr");
  const raw = get("force-raw");
  const cpuP = get("cpu-num");
  const dataP = get("data");
  const lenP = get("data-len");
  const beP = get("data-be");
  const refuse = (msg: string) => {
    issues.push({
      code: "loader-form",
      severity: "error",
      argIndex: at,
      message: `argument ${at}: QEMU refuses this -device loader ("${msg}"); see QEMU's generic-loader documentation for the file and data forms`,
    });
    return undefined;
  };
  const addr = addrP ? parseAddr(addrP, at, issues, dev.json) : 0n;
  if (addr === undefined) return undefined;
  let cpuNum: number | undefined;
  if (cpuP) {
    const v = parseQemuUint(cpuP.value);
    if (v === undefined || v > 0xffff_fffen) return badInteger(issues, at, cpuP);
    cpuNum = Number(v);
  }
  const bool = (p: QemuOptsProp | undefined): boolean | undefined | null =>
    p === undefined ? undefined : BOOL_ON.has(p.value) ? true : BOOL_OFF.has(p.value) ? false : null;
  const forceRaw = bool(raw);
  const bigEndian = bool(beP);
  if (forceRaw === null || bigEndian === null) return undefined;

  if (dataP || lenP || bigEndian) {
    if (file) return refuse("Specifying a file is not supported when loading memory values");
    if (forceRaw) return refuse("Specifying force-raw is not supported when loading memory values");
    const data = dataP ? parseQemuUint(dataP.value) : 0n;
    if (data === undefined && dataP) return badInteger(issues, at, dataP);
    const len = lenP ? parseQemuUint(lenP.value) : 0n;
    if (len === undefined || len > 255n) return lenP ? badInteger(issues, at, lenP) : undefined;
    return {
      data: {
        id: ids.data,
        addr,
        data: data ?? 0n,
        len: Number(len),
        ...(bigEndian && { bigEndian }),
        ...(cpuNum !== undefined && { cpuNum }),
      },
    };
  }
  if (!file) {
    if (forceRaw === undefined && addr !== 0n && cpuNum !== undefined) return undefined;
    if (addr !== 0n) return refuse("cpu_num must be specified when setting a program counter");
    return refuse("please include valid arguments");
  }
  return {
    blob: {
      id: ids.blob,
      addr,
      file: { path: file.value },
      ...(forceRaw !== undefined && { forceRaw }),
      ...(cpuNum !== undefined && { cpuNum }),
      ...(!addrP && { addrGiven: false as const }),
    },
  };
}

function badInteger(issues: ImportIssue[], at: number, p: QemuOptsProp): undefined {
  issues.push({
    code: "bad-integer",
    severity: "error",
    argIndex: at,
    offset: p.valueOffset,
    message: `argument ${at}, character ${p.valueOffset}: QEMU says "${expectsIntegerMessage(p.key)}" for '${p.value}'; write a plain integer like 0x10 (no K/M/G suffix, no '_')`,
  });
  return undefined;
}
