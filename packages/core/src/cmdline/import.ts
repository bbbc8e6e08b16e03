/**
 * QEMU argv → layout: the option groups (options.ts) and -device values (device.ts) become the
 * layout's fields. Never throws: every problem becomes an `ImportIssue` and the layout keeps
 * everything that could be understood. What QEMU itself would refuse while parsing options (a bad
 * integer, an unknown guest-loader property) is an error here; what it refuses later (a stanza
 * with both kernel and initrd, addr 0) is left to the rules, which see the faithful layout.
 *
 * Pasted text and wrapped commands (`sudo qemu-system-…`) are read in import-command.ts, apart:
 * the app's first paint exports command lines (export.ts probes with importArgv) but reads none.
 *
 * QEMU 7.2 facts this relies on (checked with the binary): `--opt` means `-opt`; `-opt=value` is
 * an invalid option; repeated -M are merged (later keys win); the last -m/-kernel/… wins.
 */
import {
  type Arch,
  type Bios,
  emptyLayout,
  type GenericLoaderBlob,
  type GuestLoaderModule,
  type Layout,
  type LayoutBlob,
  type LoaderDataWrite,
  type LoaderPc,
} from "../model/types.js";
import { unmodelledMachine } from "../qemu/machine-types.js";
import { flagIssue, genericLoader, guestLoader, parseDevice } from "./device.js";
import type { ImportIssue } from "./import-issues.js";
import { parseRamSize } from "./numbers.js";
import { groupArgs, optionName, optionTakesValue, PROGRAM_RE } from "./options.js";
import { parseQemuOpts } from "./qemuopts.js";

// Kept importable from here, as before the split; a bundle that never calls them leaves them out.
export { importCommandArgv, importShellCommand } from "./import-command.js";

export interface ImportResult {
  /** The layout; when `diagnostics` hold an error, an empty one that must not be used. */
  readonly layout: Layout;
  readonly diagnostics: ImportIssue[];
  /** Variables the pasted command needs values for (`importShellCommand` only, import-command.ts). */
  readonly missingVariables?: readonly string[];
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
  let seenMachine = false;
  const props: [string, string][] = [];
  let ram = base.machine.ram;
  let cpu: string | undefined;
  let smp: string | undefined;
  let bios: Bios = { kind: "default" };
  let kernel: LayoutBlob | undefined;
  let append: string | undefined;
  let initrd: LayoutBlob | undefined;
  let dtb: LayoutBlob | undefined;
  const modules: GuestLoaderModule[] = [];
  const loaders: GenericLoaderBlob[] = [];
  const loaderData: LoaderDataWrite[] = [];
  const loaderPcs: LoaderPc[] = [];
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
          if (p.key === "type") {
            machineType = p.value;
            seenMachine = true;
          } else {
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
            pc: `p${loaderPcs.length + 1}`,
          });
          if (l && "blob" in l) {
            loaders.push(l.blob);
            break;
          }
          if (l && "data" in l) {
            loaderData.push(l.data);
            break;
          }
          if (l) {
            loaderPcs.push(l.pc);
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
      severity: "error",
      message: riscv
        ? "no -M: QEMU uses the 'spike' machine, which guestmap does not model (and guest-loader cannot use); add -M virt"
        : "no -M: QEMU refuses to start without a machine ('No machine specified'); add -M virt",
    });
    machineType = riscv ? "spike" : "virt";
  }
  const unmodelled = unmodelledMachine(arch, machineType, modules.length > 0);
  // A binary guestmap does not model already says so (x86 gets its own message).
  if (unmodelled && seenMachine && pm)
    issues.push({ code: "machine-not-modelled", severity: "error", message: unmodelled });

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
    ...(loaderPcs.length > 0 && { loaderPcs }),
    extraArgs,
  };
  return { layout, diagnostics: issues };
}
