/**
 * `guestmap pack [-o OUT] [--by-size] [--lock ID]... [--align SIZE] [--below-4g] [--qemu VER]
 * (LAYOUT.json | -- QEMU-ARGV...)`: every
 * guest-loader and loader blob placed collision-free and aligned (the core's `pack`), the layout
 * written to OUT (stdout without -o), each move explained. Exit 1 when a blob found no place or
 * errors remain.
 */
import { check, hasErrors, hex, type PackOptions, pack, parseSize } from "@guestmap/core";
import { loadInput, parseCommon } from "../input.js";
import { EXIT_FINDINGS, EXIT_OK, type Io, UsageError } from "../io.js";
import { planLayoutOutput, takeOutput, writeLayoutOutput } from "../layout-output.js";
import { qemuEnvironment } from "../qemu-env.js";

const USAGE =
  "usage: guestmap pack [-o OUT.json] [--by-size] [--lock ID]... [--align SIZE] [--below-4g] [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)";

interface PackArgs {
  readonly options: Pick<PackOptions, "order" | "locked" | "minAlign" | "below4G">;
  readonly positional: string[];
}

/** `--by-size`, `--lock ID` (repeatable, or comma-separated), `--align SIZE`, `--below-4g`. */
function parseArgs(rest: readonly string[]): PackArgs {
  const locked: string[] = [];
  const positional: string[] = [];
  let order: PackOptions["order"] = "keep";
  let minAlign: bigint | undefined;
  let below4G: boolean | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const value = (name: string) => {
      const v = a.startsWith(`${name}=`) ? a.slice(name.length + 1) : rest[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value; ${USAGE}`);
      return v;
    };
    if (a === "--by-size") order = "size";
    else if (a === "--below-4g") below4G = true;
    else if (a === "--lock" || a.startsWith("--lock=")) locked.push(...value("--lock").split(","));
    else if (a === "--align" || a.startsWith("--align=")) {
      const text = value("--align");
      const v = parseSize(text);
      if (v === undefined || v <= 0n || (v & (v - 1n)) !== 0n)
        throw new UsageError(`--align ${text}: expected a power of two such as 4K, 2M or 0x200000`);
      minAlign = v;
    } else if (a.startsWith("-")) throw new UsageError(`unknown option '${a}'; ${USAGE}`);
    else positional.push(a);
  }
  return {
    options: {
      order,
      ...(locked.length > 0 && { locked }),
      ...(minAlign !== undefined && { minAlign }),
      ...(below4G !== undefined && { below4G }),
    },
    positional,
  };
}

export async function run(args: string[], io: Io): Promise<number> {
  const common = parseCommon(args, { json: false });
  const { out, rest } = takeOutput(common.rest, USAGE);
  const { options, positional } = parseArgs(rest);
  const input = await loadInput({ ...common, rest: positional }, io);
  const ids = new Set([...input.layout.modules.map((m) => m.id), ...input.layout.loaders.map((l) => l.id)]);
  const unknown = options.locked?.find((id) => !ids.has(id));
  if (unknown !== undefined)
    throw new UsageError(
      `--lock ${unknown}: the layout has no blob with that id; its ids: ${[...ids].join(", ") || "(none)"}`,
    );
  const target = planLayoutOutput(out, input, io);
  const env = qemuEnvironment(input.layout.machine.arch, common.qemu, input.layout.qemu);

  const r = pack(input.layout, { ...env.placement, ...options });
  // Explanations go where the layout does not: stdout when it is written to a file.
  const say = target === undefined || target.kind === "stdout" ? io.stderr : io.stdout;
  say(`QEMU profile ${env.choice.version} (${env.choice.why})\n`);
  for (const m of r.moves) say(`${m.message}\n`);
  for (const u of r.unplaced) say(`error: ${u.name} not placed: ${u.reason}\n`);
  for (const n of r.notes) say(`note: ${n}\n`);
  if (r.span) say(`span [${hex(r.span.start)}, ${hex(r.span.end)})\n`);
  const errors = check(r.layout, env.placement).diagnostics.filter((d) => d.severity === "error");
  for (const d of errors) say(`error: ${d.code}: ${d.message}\n`);
  await writeLayoutOutput(r.layout, target, input, io);
  if (target !== undefined && target.kind !== "stdout") say(`packed layout written to ${out}\n`);
  return r.unplaced.length > 0 || hasErrors(errors) ? EXIT_FINDINGS : EXIT_OK;
}
