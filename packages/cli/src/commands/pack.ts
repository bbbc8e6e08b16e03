/**
 * `guestmap pack [-o OUT] [--by-size] [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)`: every
 * guest-loader and loader blob placed collision-free and aligned (the core's `pack`), the layout
 * written to OUT (stdout without -o), each move explained. Exit 1 when a blob found no place or
 * errors remain.
 */
import { check, hasErrors, hex, pack } from "@guestmap/core";
import { loadInput, parseCommon } from "../input.js";
import { EXIT_FINDINGS, EXIT_OK, type Io, UsageError } from "../io.js";
import { planLayoutOutput, takeOutput, writeLayoutOutput } from "../layout-output.js";
import { qemuEnvironment } from "../qemu-env.js";

const USAGE = "usage: guestmap pack [-o OUT.json] [--by-size] [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)";

export async function run(args: string[], io: Io): Promise<number> {
  const common = parseCommon(args, { json: false });
  const { out, rest } = takeOutput(common.rest, USAGE);
  const bySize = rest.includes("--by-size");
  const positional = rest.filter((a) => a !== "--by-size");
  const bad = positional.find((a) => a.startsWith("-"));
  if (bad) throw new UsageError(`unknown option '${bad}'; ${USAGE}`);
  const input = await loadInput({ ...common, rest: positional }, io);
  const target = planLayoutOutput(out, input, io);
  const env = qemuEnvironment(input.layout.machine.arch, common.qemu, input.layout.qemu);

  const r = pack(input.layout, { ...env.placement, order: bySize ? "size" : "keep" });
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
