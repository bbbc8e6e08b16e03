/**
 * The `-M` option as text ⇄ the layout's machine type and properties, through the core's QemuOpts
 * parser (so `,,` is a literal comma, as in QEMU). The Machine panel's properties field and the
 * command-line import/export read and write the same text.
 */
import { formatQemuOpts, parseQemuOpts } from "../cmdline/qemuopts.js";
import type { Problem } from "../diagnostics.js";
import type { Machine } from "../model/types.js";

/** A property text that cannot be taken as is. */
export interface MachineOptionIssue extends Problem<"flag-property" | "type-in-props" | "empty-key"> {
  /** Character offset into the text. */
  readonly offset: number;
  readonly message: string;
}

export interface ParsedMachineOption {
  /** The machine type, when the text names one (`virt,…` or `type=virt`). */
  readonly type?: string;
  /** Properties in order; a key given twice keeps its last value at its first place (as QEMU). */
  readonly props: readonly (readonly [string, string])[];
  readonly issues: readonly MachineOptionIssue[];
}

/** `virt,virtualization=on,dumpdtb=a,,b.dtb`: the `-M` value for a machine. */
export function formatMachineOption(machine: Pick<Machine, "type" | "props">): string {
  return formatQemuOpts([["type", machine.type], ...machine.props], "type");
}

/** `virtualization=on,highmem=off`: the properties alone, as the Machine panel shows them. */
export function formatMachineProps(props: Machine["props"]): string {
  return formatQemuOpts(props);
}

/**
 * Parses a `-M` value (`withType`, the default: the first bare element is the machine type) or a
 * properties-only text. Bare flags (`highmem`, `nohighmem`) are read as QEMU reads them (on/off)
 * and reported, since QEMU deprecates them.
 */
export function parseMachineOption(text: string, opts: { withType?: boolean } = {}): ParsedMachineOption {
  const withType = opts.withType ?? true;
  const props: [string, string][] = [];
  const issues: MachineOptionIssue[] = [];
  let type: string | undefined;
  for (const p of parseQemuOpts(text, withType ? "type" : undefined)) {
    if (p.form === "flag")
      issues.push({
        code: "flag-property",
        severity: "warning",
        offset: p.offset,
        message: `'${text.slice(p.offset).split(",")[0]}' at ${p.offset} is a bare flag, read as ${p.key}=${p.value} (QEMU deprecates this form); write ${p.key}=${p.value}`,
      });
    if (p.key === "") {
      issues.push({
        code: "empty-key",
        severity: "error",
        offset: p.offset,
        message: `a property at ${p.offset} has no name before '='; write key=value`,
      });
      continue;
    }
    if (p.key === "type") {
      if (withType) type = p.value;
      else
        issues.push({
          code: "type-in-props",
          severity: "error",
          offset: p.offset,
          message: `type=${p.value} at ${p.offset} names the machine type, which is not a property; choose the type separately`,
        });
      continue;
    }
    const k = props.findIndex(([key]) => key === p.key);
    if (k >= 0) props[k] = [p.key, p.value];
    else props.push([p.key, p.value]);
  }
  return { ...(type !== undefined && { type }), props, issues };
}

/**
 * Why a typed `-M` properties text (the Machine panel's field) cannot be taken, or undefined: the
 * first problem {@link parseMachineOption} finds (a bare flag is read as QEMU reads it, not refused).
 */
export function machinePropsProblem(text: string): string | undefined {
  return parseMachineOption(text, { withType: false }).issues.find((i) => i.code !== "flag-property")
    ?.message;
}
