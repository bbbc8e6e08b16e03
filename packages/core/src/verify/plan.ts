/**
 * What a verification runs: the layout made safe to hand to a real QEMU, and the argv the core's
 * exporter builds for it. A verifier (the CLI's `verify`, the local `serve` companion) never runs
 * a user-supplied argv string; it runs this.
 *
 * - Every file gets a plain name (`f1`, `f2`, … in the run's own folder), so a file name cannot
 *   smuggle QemuOpts (`a,bootargs=…`), an option (`-…`) or a path into the command line.
 * - `extraArgs` are not passed: they are free-form QEMU options (`-drive`, `-chardev`, `-plugin`,
 *   `-monitor`…) that could read or write anything; none of them moves a blob in RAM.
 * - `-M` properties are limited to the board options of `virt` that shape the machine; QEMU's
 *   generic machine options that name files (`dumpdtb=`, `kernel=`, `memory-backend=`, …) are
 *   refused, as are `-cpu`/`-smp` values outside plain option syntax.
 * - ARM: `dtb-randomness=off` is added (unless the layout sets it), so QEMU's DTB — and the count
 *   of bytes it overwrites in a blob — is the same on every run. A real boot's DTB differs only
 *   by its rng-seed and kaslr-seed (40 random bytes), which /chosen comparisons leave out anyway.
 * - Xen dom0less domains: the run is the fixed-DTB form (verify/fixed-dtb.ts), the only one that
 *   can carry /chosen/domU*; `fixedDtb` says how to build its DTB.
 */

import { type ExportIssue, exportArgv, exportFixedDtbArgv } from "../cmdline/export.js";
import type { Problem } from "../diagnostics.js";
import { layoutFiles } from "../model/layout-files.js";
import type { Layout, LayoutBlob } from "../model/types.js";
import { mapDomainModules } from "../xen/domains.js";
import { FIXED_DTB_NAME, fixedDtbBaseLayout } from "./fixed-dtb.js";

/**
 * Verification plan problems (all stop the run):
 * - `verify-machine-type`: only the `virt` machine is verified.
 * - `verify-machine-prop`: a `-M` property the verifier does not pass to QEMU.
 * - `verify-bad-value`: a `-cpu`/`-smp` value with characters outside option syntax.
 * - `verify-no-file`: a blob whose file the verifier does not have (a placeholder).
 * - `verify-export`: the exporter refused the layout (its message says why).
 */
export type VerifyPlanIssueCode =
  | "verify-machine-type"
  | "verify-machine-prop"
  | "verify-bad-value"
  | "verify-no-file"
  | "verify-export";

export interface VerifyPlanIssue extends Problem<VerifyPlanIssueCode> {
  readonly severity: "error";
  /** The layout field, e.g. `machine.props.dumpdtb`, `modules[1].kernel`. */
  readonly where: string;
}

/** One file the run needs: the plain name QEMU sees and the path the layout gave. */
export interface VerifyFile {
  /** `f1`, `f2`, …: the name in the run's folder (and in `info roms`). */
  readonly name: string;
  /** The blob's path as the layout has it (to find the upload or the file on disk). */
  readonly path: string;
  readonly size: bigint;
  readonly sha256?: string;
}

export type VerifyPlan =
  | {
      readonly ok: true;
      /** The layout with every file renamed to its plain name; predict and run with this one. */
      readonly layout: Layout;
      /** QEMU's arguments, program excluded. */
      readonly args: readonly string[];
      readonly files: readonly VerifyFile[];
      /** extraArgs groups left out of the run. */
      readonly dropped: readonly (readonly string[])[];
      /** What the plan added to the layout's command line, e.g. `-M dtb-randomness=off`. */
      readonly added: readonly string[];
      /**
       * Set for a layout with dom0less domains: `args` boot `-dtb dtb`, which the runner builds
       * with `fixedDtbRun` from QEMU's DTB dumped with `baseArgs` (program excluded).
       */
      readonly fixedDtb?: { readonly baseArgs: readonly string[]; readonly dtb: string };
    }
  | { readonly ok: false; readonly issues: readonly VerifyPlanIssue[] };

/**
 * `virt` board properties that only shape the machine (read from hw/arm/virt.c and
 * hw/riscv/virt.c, 7.2 → 10.2) plus `dtb-randomness`; nothing here names a file.
 */
export const VERIFY_MACHINE_PROPS: ReadonlySet<string> = new Set([
  "virtualization",
  "secure",
  "highmem",
  "highmem-redists",
  "highmem-ecam",
  "highmem-mmio",
  "highmem-mmio-size",
  "compact-highmem",
  "gic-version",
  "its",
  "iommu",
  "ras",
  "mte",
  "acpi",
  "dtb-randomness",
  "default-bus-bypass-iommu",
  "aia",
  "aia-guests",
  "aclint",
]);

const PLAIN_VALUE = /^[A-Za-z0-9_.,=+-]*$/;

/** The run's plan for `layout`, or why it cannot be verified. */
export function planVerification(layout: Layout, opts: { program?: string } = {}): VerifyPlan {
  const issues: VerifyPlanIssue[] = [];
  const m = layout.machine;
  if (!/^virt(-\d+\.\d+)?$/.test(m.type))
    issues.push({
      code: "verify-machine-type",
      severity: "error",
      where: "machine.type",
      message: `machine '${m.type}' is not verified: only virt has the FDT guest-loader writes to. Choose -M virt`,
    });
  for (const [k, v] of m.props) {
    if (!VERIFY_MACHINE_PROPS.has(k))
      issues.push({
        code: "verify-machine-prop",
        severity: "error",
        where: `machine.props.${k}`,
        message: `-M property '${k}' is not passed to QEMU by the verifier (allowed: ${[...VERIFY_MACHINE_PROPS].join(", ")}). Remove it to verify`,
      });
    else if (!/^[A-Za-z0-9_.+-]*$/.test(v))
      issues.push({
        code: "verify-bad-value",
        severity: "error",
        where: `machine.props.${k}`,
        message: `-M ${k}=${JSON.stringify(v)}: the verifier passes only plain values (letters, digits, . _ + -)`,
      });
  }
  for (const [field, v] of [
    ["machine.cpu", m.cpu],
    ["machine.smp", m.smp],
  ] as const)
    if (v !== undefined && !PLAIN_VALUE.test(v))
      issues.push({
        code: "verify-bad-value",
        severity: "error",
        where: field,
        message: `${field} ${JSON.stringify(v)}: the verifier passes only plain option values (letters, digits, . _ , = + -)`,
      });

  const files: VerifyFile[] = [];
  const byKey = new Map<string, string>();
  const rename = (field: string, b: LayoutBlob): LayoutBlob => {
    if (b.size === undefined) {
      issues.push({
        code: "verify-no-file",
        severity: "error",
        where: field,
        message: `${field} ${b.path} is a placeholder (no file): add the file before verifying`,
      });
      return b;
    }
    const key = `${b.sha256 ?? ""}\0${b.path}\0${b.size}`;
    let name = byKey.get(key);
    if (name === undefined) {
      name = `f${files.length + 1}`;
      byKey.set(key, name);
      files.push({ name, path: b.path, size: b.size, ...(b.sha256 && { sha256: b.sha256 }) });
    }
    return { ...b, path: name };
  };
  const arm = m.arch === "aarch64" || m.arch === "arm";
  const added =
    arm && !m.props.some(([k]) => k === "dtb-randomness")
      ? ["-M dtb-randomness=off (the same DTB bytes on every run)"]
      : [];
  const safe: Layout = {
    ...layout,
    machine: {
      ...m,
      props: added.length > 0 ? [...m.props, ["dtb-randomness", "off"]] : m.props,
      bios: m.bios.kind === "file" ? { kind: "file", file: rename("machine.bios", m.bios.file) } : m.bios,
    },
    ...(layout.kernel && { kernel: rename("kernel", layout.kernel) }),
    ...(layout.initrd && { initrd: rename("initrd", layout.initrd) }),
    ...(layout.dtb && { dtb: rename("dtb", layout.dtb) }),
    modules: layout.modules.map((mod, i) => ({
      ...mod,
      ...(mod.kernel && { kernel: rename(`modules[${i}].kernel`, mod.kernel) }),
      ...(mod.initrd && { initrd: rename(`modules[${i}].initrd`, mod.initrd) }),
    })),
    loaders: layout.loaders.map((l, i) => ({ ...l, file: rename(`loaders[${i}].file`, l.file) })),
    ...(layout.domains && {
      domains: mapDomainModules(layout.domains, (mod, kind, d) => ({
        ...mod,
        file: rename(`domains[${layout.domains!.indexOf(d)}].${kind}.file`, mod.file),
      })),
    }),
    extraArgs: [],
  };
  if (issues.length > 0) return { ok: false, issues };
  const program = { ...(opts.program !== undefined && { program: opts.program }) };
  const fixed = (safe.domains ?? []).length > 0;
  const exported = fixed ? exportFixedDtbArgv(safe, FIXED_DTB_NAME, program) : exportArgv(safe, program);
  const base = fixed ? exportArgv(fixedDtbBaseLayout(safe), program) : undefined;
  const refused = (e: { issues: readonly ExportIssue[] }): VerifyPlan => ({
    ok: false,
    issues: e.issues.map((x) => ({ ...x, code: "verify-export" })),
  });
  if (!exported.ok) return refused(exported);
  if (base && !base.ok) return refused(base);
  return {
    ok: true,
    layout: safe,
    args: exported.argv.slice(1),
    files,
    dropped: layout.extraArgs,
    added: fixed
      ? [
          ...added,
          `-dtb ${FIXED_DTB_NAME} with every blob as -device loader,force-raw=on (the fixed-DTB form: guest-loader cannot write /chosen/domU*)`,
        ]
      : added,
    ...(base?.ok && { fixedDtb: { baseArgs: base.argv.slice(1), dtb: FIXED_DTB_NAME } }),
  };
}

/** Every file path a layout names (`-bios`, `-kernel`, `-initrd`, `-dtb`, modules, loaders), once each. */
export function layoutFilePaths(layout: Layout): string[] {
  return uniqueLayoutFiles(layout).map((b) => b.path);
}

/** The blob behind each file path a layout names, the first one for each path. */
export function uniqueLayoutFiles(layout: Layout): LayoutBlob[] {
  const byPath = new Map<string, LayoutBlob>();
  for (const { blob } of layoutFiles(layout)) if (!byPath.has(blob.path)) byPath.set(blob.path, blob);
  return [...byPath.values()];
}
