/**
 * `guestmap import [-o LAYOUT.json] (-- QEMU-ARGV... | --from FILE.sh | --from-dtb FILE.dtb)`: a QEMU
 * command line (or the DTB QEMU built from one) → layout JSON. Blob paths in argv are relative to the cwd; in the written layout, to its folder.
 */
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import {
  type Blob,
  FdtError,
  type ImportResult,
  importArgv,
  importShellCommand,
  type Layout,
  layoutFromDtb,
  mapDomainModules,
  serializeLayout,
} from "@guestmap/core";
import { type Io, UsageError } from "../io.js";
import { openAtomicSink } from "../node-io.js";

/** Rewrites relative blob paths from `fromDir` to `toDir`. */
export function rebaseLayout(layout: Layout, fromDir: string, toDir: string): Layout {
  if (resolve(fromDir) === resolve(toDir)) return layout;
  const b = (x: Blob): Blob =>
    isAbsolute(x.path) ? x : { ...x, path: relative(toDir, resolve(fromDir, x.path)) || "." };
  const m = layout.machine;
  return {
    ...layout,
    machine: { ...m, bios: m.bios.kind === "file" ? { kind: "file", file: b(m.bios.file) } : m.bios },
    ...(layout.kernel && { kernel: b(layout.kernel) }),
    ...(layout.initrd && { initrd: b(layout.initrd) }),
    ...(layout.dtb && { dtb: b(layout.dtb) }),
    modules: layout.modules.map((x) => ({
      ...x,
      ...(x.kernel && { kernel: b(x.kernel) }),
      ...(x.initrd && { initrd: b(x.initrd) }),
    })),
    loaders: layout.loaders.map((l) => ({ ...l, file: b(l.file) })),
    ...(layout.domains && { domains: mapDomainModules(layout.domains, (m) => ({ ...m, file: b(m.file) })) }),
  };
}

export async function run(args: string[], io: Io): Promise<number> {
  let out: string | undefined;
  let from: string | undefined;
  let fromDtb: string | undefined;
  let argv: string[] | undefined;
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
    } else if (a === "--from") {
      from = args[++i];
      if (from === undefined)
        throw new UsageError("--from needs a shell script file holding the QEMU command");
    } else
      throw new UsageError(
        `unknown argument '${a}'; usage: guestmap import [-o LAYOUT.json] (-- QEMU-ARGV... | --from FILE.sh | --from-dtb FILE.dtb)`,
      );
  }
  if ([argv, from, fromDtb].filter((x) => x !== undefined).length !== 1)
    throw new UsageError("give exactly one of -- QEMU-ARGV..., --from FILE.sh or --from-dtb FILE.dtb");
  if (argv !== undefined && argv.length === 0)
    throw new UsageError("nothing after --: give a QEMU command line, program first");

  let r: ImportResult;
  if (fromDtb !== undefined) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(resolve(io.cwd, fromDtb)));
    } catch (e) {
      throw new UsageError(`cannot read ${fromDtb}: ${(e as Error).message}`);
    }
    let d: ReturnType<typeof layoutFromDtb>;
    try {
      d = layoutFromDtb(bytes);
    } catch (e) {
      if (e instanceof FdtError) throw new UsageError(`${fromDtb}: ${e.message}`);
      throw e;
    }
    for (const n of d.notes) io.stderr(`guestmap import: note: ${n}\n`);
    r = { layout: d.layout, diagnostics: [] };
  } else if (from !== undefined) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, from), "utf8");
    } catch (e) {
      throw new UsageError(`cannot read ${from}: ${(e as Error).message}`);
    }
    // Scripts usually start with a shebang; it is a comment to the splitter.
    r = importShellCommand(text);
    const shell = r.diagnostics.find((d) => d.code === "shell-syntax");
    if (shell) throw new UsageError(`${from}: ${shell.message}`);
  } else r = importArgv(argv!);

  for (const d of r.diagnostics) io.stderr(`guestmap import: ${d.severity}: ${d.message}\n`);
  if (out === undefined) io.stdout(serializeLayout(r.layout));
  else {
    const target = resolve(io.cwd, out);
    const inputs = [from, fromDtb].filter((x) => x !== undefined).map((x) => resolve(io.cwd, x));
    const sink = await openAtomicSink(target, inputs);
    try {
      const text = serializeLayout(rebaseLayout(r.layout, io.cwd, dirname(target)));
      await sink.write(new Uint8Array(Buffer.from(text, "utf8")));
      await sink.commit();
    } catch (e) {
      await sink.abort();
      throw e;
    }
  }
  return r.diagnostics.some((d) => d.severity === "error") ? 1 : 0;
}
