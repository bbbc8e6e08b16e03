/**
 * The input every command takes: a layout file, or `-- QEMU-ARGV...` (a whole QEMU command line as
 * argv, program first). Both become a layout with its files measured.
 */
import { dirname, resolve } from "node:path";
import {
  importCommandArgv,
  type Layout,
  MAX_CLI_LAYOUT_BLOBS,
  profileFor,
  type QemuVersion,
  unmodelledMachine,
} from "@guestmap/core";
import { fillBlobs } from "./blobs.js";
import { type Io, UsageError } from "./io.js";
import { checkArgvText, readTextFile } from "./read-text.js";

export interface CommonOptions {
  json: boolean;
  qemu?: QemuVersion;
  /** Arguments that are not common options, before `--`. */
  rest: string[];
  /** The QEMU argv after `--`, if given. */
  argv?: string[];
  /** `--trust-args`: the user vouches for the extra QEMU arguments (unsafe-option becomes a note). */
  trustArgs?: boolean;
}

/**
 * Splits out `--json`, `--qemu VER`, `--trust-args` (where the command knows them) and
 * `-- ARGV...`; other options stay in `rest` for the command.
 */
export function parseCommon(
  args: string[],
  known: { json?: boolean; trustArgs?: boolean } = { json: true },
): CommonOptions {
  const out: CommonOptions = { json: false, rest: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      out.argv = args.slice(i + 1);
      if (out.argv.length === 0)
        throw new UsageError("nothing after --: give a QEMU command line, program first");
      break;
    }
    if (a === "--json" && known.json) out.json = true;
    else if (a === "--trust-args" && known.trustArgs) out.trustArgs = true;
    else if (a === "--qemu" || a.startsWith("--qemu=")) {
      const v = a.startsWith("--qemu=") ? a.slice(7) : args[++i];
      if (v === undefined) throw new UsageError("--qemu needs a version, e.g. --qemu 7.2");
      try {
        out.qemu = profileFor(v).version;
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    } else out.rest.push(a);
  }
  return out;
}

export interface LoadedInput {
  layout: Layout;
  /** Folder relative blob paths resolve against. */
  baseDir: string;
  /** Where the layout came from, for messages. */
  source: string;
  /** The layout file's path, when the input was one (exports must never overwrite it). */
  layoutPath?: string;
}

/** Loads the layout from `rest[0]` or the argv, measuring every file it names. */
export async function loadInput(opts: CommonOptions, io: Io): Promise<LoadedInput> {
  if (opts.argv) {
    if (opts.rest.length > 0)
      throw new UsageError(
        `unexpected argument '${opts.rest[0]}' before --; give a layout file or -- QEMU-ARGV, not both`,
      );
    checkArgvText(opts.argv);
    const r = importCommandArgv(opts.argv);
    const machine = r.diagnostics.find((d) => d.code === "machine-not-modelled");
    if (machine) throw new UsageError(machine.message);
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    if (errors.length > 0) throw new UsageError(`cannot read the QEMU command line: ${errors[0]!.message}`);
    for (const d of r.diagnostics) io.stderr(`guestmap: note: ${d.message}\n`);
    return { layout: await fillBlobs(r.layout, io.cwd), baseDir: io.cwd, source: "the command line" };
  }
  const option = opts.rest.find((a) => a.startsWith("-") && a !== "-");
  if (option) throw new UsageError(`unknown option '${option}'; see guestmap --help`);
  const [file, ...extra] = opts.rest;
  if (!file) throw new UsageError("give a layout file (LAYOUT.json) or a QEMU command line after --");
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (file.startsWith("-")) throw new UsageError(`unknown option '${file}'; see guestmap --help`);
  const path = resolve(io.cwd, file);
  const text = await readTextFile(path, `layout ${file}`);
  const { LayoutFileError, parseLayoutJson } = await import("./layout-json.js");
  let layout: Layout;
  try {
    // The user's own file, not a link: the CLI's larger bound (see MAX_CLI_LAYOUT_BLOBS).
    layout = parseLayoutJson(text, file, { maxBlobs: MAX_CLI_LAYOUT_BLOBS });
  } catch (e) {
    if (e instanceof LayoutFileError)
      throw new UsageError(
        `${file} is not a valid guestmap layout: ${e.issues.map((i) => `${i.where || "(top level)"}: ${i.message}`).join("; ")}`,
      );
    throw e;
  }
  const unmodelled = unmodelledMachine(layout.machine.arch, layout.machine.type, layout.modules.length > 0);
  if (unmodelled) throw new UsageError(`${file}: ${unmodelled}`);
  const baseDir = dirname(path);
  return { layout: await fillBlobs(layout, baseDir), baseDir, source: file, layoutPath: path };
}
