/**
 * `guestmap import [-o LAYOUT.json] [--var NAME=VALUE]... (-- QEMU-ARGV... | --from FILE.sh |
 * --from-dtb FILE.dtb [--edit-domains] | --from-imagebuilder CONFIG)`: a QEMU command line, a
 * pasted script holding one (`-` reads stdin), the DTB QEMU built from one, or a Xen ImageBuilder
 * config → layout JSON. LayoutBlob paths in argv are relative to the cwd; in the written
 * layout, to its folder. With any import error nothing is written (exit 1); a machine guestmap
 * does not model is bad input (exit 2).
 */
import { dirname, isAbsolute, relative, resolve } from "node:path";
import {
  check,
  FdtError,
  hex,
  type ImportResult,
  imageBuilderFiles,
  importCommandArgv,
  importShellCommand,
  type Layout,
  type LayoutBlob,
  layoutFiles,
  layoutFromDtb,
  layoutFromImageBuilder,
  parseImageBuilderConfig,
  serializeLayout,
  withLayoutFiles,
} from "@guestmap/core";
import { fill } from "../blobs.js";
import { type Io, UsageError } from "../io.js";
import { planOutputs, writeOutput } from "../output-file.js";
import { readDtbFile } from "../read-dtb.js";
import { checkArgvText, readTextFile } from "../read-text.js";

/** Rewrites relative blob paths from `fromDir` to `toDir`. */
export function rebaseLayout(layout: Layout, fromDir: string, toDir: string): Layout {
  if (resolve(fromDir) === resolve(toDir)) return layout;
  const b = (x: LayoutBlob): LayoutBlob =>
    isAbsolute(x.path) ? x : { ...x, path: relative(toDir, resolve(fromDir, x.path)) || "." };
  // Every file the layout names, through the core's one walk over them.
  return withLayoutFiles(layout, (f) => b(f.blob));
}

export async function run(args: string[], io: Io): Promise<number> {
  let out: string | undefined;
  let from: string | undefined;
  let fromDtb: string | undefined;
  let fromIb: string | undefined;
  let editDomains = false;
  let argv: string[] | undefined;
  const vars: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      argv = args.slice(i + 1);
      break;
    } else if (a === "-o" || a === "--output") {
      out = args[++i];
      if (out === undefined) throw new UsageError("-o needs a file name, e.g. -o layout.json");
    } else if (a === "--from-dtb") {
      fromDtb = args[++i];
      if (fromDtb === undefined)
        throw new UsageError("--from-dtb needs a DTB file, e.g. one from -machine dumpdtb=");
    } else if (a === "--var" || a.startsWith("--var=")) {
      const v = a === "--var" ? args[++i] : a.slice(6);
      const m = v === undefined ? null : /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+)=(.*)$/s.exec(v);
      if (!m) throw new UsageError("--var needs NAME=VALUE, e.g. --var KERNEL=Image");
      vars[m[1]!] = m[2]!;
    } else if (a === "--edit-domains") {
      editDomains = true;
    } else if (a === "--from-imagebuilder") {
      fromIb = args[++i];
      if (fromIb === undefined)
        throw new UsageError(
          "--from-imagebuilder needs an ImageBuilder config file (the one uboot-script-gen -c reads)",
        );
    } else if (a === "--from") {
      from = args[++i];
      if (from === undefined)
        throw new UsageError("--from needs a shell script file holding the QEMU command");
    } else
      throw new UsageError(
        `unknown argument '${a}'; usage: guestmap import [-o LAYOUT.json] [--var NAME=VALUE]... (-- QEMU-ARGV... | --from FILE.sh | --from-dtb FILE.dtb [--edit-domains] | --from-imagebuilder CONFIG)`,
      );
  }
  if ([argv, from, fromDtb, fromIb].filter((x) => x !== undefined).length !== 1)
    throw new UsageError(
      "give exactly one of -- QEMU-ARGV..., --from FILE.sh, --from-dtb FILE.dtb or --from-imagebuilder CONFIG",
    );
  if (argv !== undefined && argv.length === 0)
    throw new UsageError("nothing after --: give a QEMU command line, program first");
  if (Object.keys(vars).length > 0 && from === undefined)
    throw new UsageError(
      "--var gives values to a pasted script's variables: use it with --from FILE.sh (after --, your shell has already expanded them)",
    );

  let r: ImportResult;
  let checkErrors = false;
  if (fromIb !== undefined) {
    const ib = await importImageBuilder(fromIb, io);
    r = ib.result;
    checkErrors = ib.errors;
  } else if (fromDtb !== undefined) {
    const bytes = await readDtbFile(resolve(io.cwd, fromDtb), fromDtb);
    let d: ReturnType<typeof layoutFromDtb>;
    try {
      d = layoutFromDtb(bytes, { path: fromDtb, editDomains });
    } catch (e) {
      if (e instanceof FdtError) throw new UsageError(`${fromDtb}: ${e.message}`);
      throw e;
    }
    for (const n of d.notes) io.stderr(`guestmap import: note: ${n}\n`);
    r = { layout: d.layout, diagnostics: [] };
  } else if (from !== undefined) {
    const text = from === "-" ? await readStdin(io) : await readTextFile(resolve(io.cwd, from), from);
    // Scripts usually start with a shebang; it is a comment to the splitter.
    r = importShellCommand(text, { vars });
    const shell = r.diagnostics.find((d) => d.code === "shell-syntax");
    if (shell) throw new UsageError(`${from === "-" ? "stdin" : from}: ${shell.message}`);
  } else {
    checkArgvText(argv!);
    r = importCommandArgv(argv!);
  }

  for (const d of r.diagnostics) io.stderr(`guestmap import: ${d.severity}: ${d.message}\n`);
  const machine = r.diagnostics.find((d) => d.code === "machine-not-modelled");
  if (machine) throw new UsageError(machine.message);
  // A layout from a command with errors would carry what was not understood into exports.
  if (r.diagnostics.some((d) => d.severity === "error")) {
    io.stderr("guestmap import: nothing written: fix the errors above and import again\n");
    return 1;
  }
  if (out === undefined) io.stdout(serializeLayout(r.layout));
  else {
    // The layout must not replace the script or DTB it came from, nor a file it names (`-o Image`
    // with `-kernel Image` would destroy the kernel).
    const inputs = [
      ...[from, fromDtb, fromIb].filter((x) => x !== undefined).map((x) => resolve(io.cwd, x)),
      ...layoutFiles(r.layout).map((f) => resolve(io.cwd, f.blob.path)),
    ];
    const [target] = planOutputs([{ option: "-o", path: out }], inputs, io.cwd);
    const toDir = target!.kind === "file" ? dirname(target!.path) : io.cwd;
    const text = serializeLayout(rebaseLayout(r.layout, io.cwd, toDir));
    await writeOutput(target!, new Uint8Array(Buffer.from(text, "utf8")), io.stdoutBytes);
  }
  // An ImageBuilder layout is written even with check errors: they are findings about the config.
  return checkErrors ? 1 : 0;
}

/**
 * An ImageBuilder config as a layout, files where uboot-script-gen puts them (paths relative to
 * the config's folder, as uboot-script-gen's -d DIRECTORY usually is), then every check guestmap
 * makes that ImageBuilder does not, printed.
 */
async function importImageBuilder(
  config: string,
  io: Io,
): Promise<{ result: ImportResult; errors: boolean }> {
  const path = resolve(io.cwd, config);
  const text = await readTextFile(path, config);
  const dir = dirname(path);
  const parsed = parseImageBuilderConfig(text);
  for (const i of parsed.issues) io.stderr(`guestmap import: ${i.severity}: ${config}: ${i.message}\n`);
  const blobs = new Map<string, LayoutBlob>();
  for (const p of imageBuilderFiles(parsed.config)) {
    if (!blobs.has(p)) blobs.set(p, await fill({ path: p }, (x) => resolve(dir, x), dir, `${config}:`));
  }
  const { result, issues } = layoutFromImageBuilder(parsed.config, (p) => blobs.get(p));
  if (!result) throw new UsageError(`${config}: ${issues.map((i) => i.message).join("; ")}`);
  for (const i of issues) io.stderr(`guestmap import: error: ${config}: ${i.message}\n`);
  io.stderr(
    `guestmap import: note: uboot-script-gen's placement (script at ${hex(result.plan.scriptAddr)}):\n`,
  );
  for (const e of result.plan.entries)
    io.stderr(`  ${e.name.padEnd(24)} ${hex(e.addr).padEnd(12)} ${hex(e.size).padEnd(10)} ${e.path}\n`);
  for (const n of result.notes) io.stderr(`guestmap import: note: ${n}\n`);
  const layout = rebaseLayout(result.layout, dir, io.cwd);
  // Every finding about the files' places, notes included (a kernel's BSS is one); the two lints
  // about QEMU's own /chosen say nothing about ImageBuilder.
  const found = check(layout).diagnostics.filter(
    (d) => d.code !== "chosen-cells" && d.code !== "unit-address-format",
  );
  if (found.length > 0) io.stderr("guestmap import: what ImageBuilder does not check, on QEMU virt:\n");
  for (const d of found) io.stderr(`guestmap import: ${d.severity}: ${d.code}: ${d.message}\n`);
  return {
    result: { layout, diagnostics: [] },
    errors: found.some((d) => d.severity === "error") || issues.length > 0,
  };
}

async function readStdin(io: Io): Promise<string> {
  if (io.stdin) return io.stdin();
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
