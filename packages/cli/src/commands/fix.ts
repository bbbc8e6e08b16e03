/**
 * `guestmap fix [-o OUT] [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)`: every quick fix applied
 * (the core's `fixAll`), the layout written to OUT (stdout without -o), each move explained.
 * Exit 1 when errors remain that no move cures, or a blob found no place.
 */
import { fixAll } from "@guestmap/core";
import { loadInput, parseCommon } from "../input.js";
import { EXIT_FINDINGS, EXIT_OK, type Io, UsageError } from "../io.js";
import { planLayoutOutput, takeOutput, writeLayoutOutput } from "../layout-output.js";
import { qemuEnvironment } from "../qemu-env.js";

const USAGE = "usage: guestmap fix [-o OUT.json] [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)";

export async function run(args: string[], io: Io): Promise<number> {
  const common = parseCommon(args, { json: false });
  const { out, rest } = takeOutput(common.rest, USAGE);
  const bad = rest.find((a) => a.startsWith("-"));
  if (bad) throw new UsageError(`unknown option '${bad}'; ${USAGE}`);
  const input = await loadInput({ ...common, rest }, io);
  const target = planLayoutOutput(out, input, io);
  const env = qemuEnvironment(input.layout.machine.arch, common.qemu, input.layout.qemu);

  const r = fixAll(input.layout, env.placement);
  const say = target === undefined || target.kind === "stdout" ? io.stderr : io.stdout;
  say(`QEMU profile ${env.choice.version} (${env.choice.why})\n`);
  if (r.moves.length === 0 && r.unfixed.length === 0) say("nothing to fix\n");
  for (const m of r.moves) say(`${m.message}\n`);
  for (const u of r.unfixed) say(`error: ${u.name} not fixed: ${u.reason}\n`);
  for (const d of r.remaining) say(`error: ${d.code}: ${d.message}\n`);
  await writeLayoutOutput(r.layout, target, input, io);
  if (target !== undefined && target.kind !== "stdout") say(`fixed layout written to ${out}\n`);
  return r.remaining.length > 0 || r.unfixed.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}
