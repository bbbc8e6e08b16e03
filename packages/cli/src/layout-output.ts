/**
 * Where `pack` and `fix` put the layout they made: `-o OUT` (written atomically, blob paths
 * rewritten relative to OUT's folder, never over an input), else stdout. Also their shared
 * argument parsing: `[-o OUT] [--qemu VER] [--json] (LAYOUT.json | -- QEMU-ARGV...)`.
 */
import { dirname, resolve } from "node:path";
import { fileSlots, type Layout, serializeLayout } from "@guestmap/core";
import { rebaseLayout } from "./commands/import.js";
import type { LoadedInput } from "./input.js";
import { type Io, UsageError } from "./io.js";
import { openAtomicSink } from "./node-io.js";

/** Takes `-o OUT` / `--output OUT` out of `rest`; returns OUT and what is left. */
export function takeOutput(rest: readonly string[], usage: string): { out?: string; rest: string[] } {
  const left: string[] = [];
  let out: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === "-o" || a === "--output") {
      out = rest[++i];
      if (out === undefined) throw new UsageError(`${a} needs a file name; ${usage}`);
    } else if (a.startsWith("--output=")) out = a.slice(9);
    else left.push(a);
  }
  return { ...(out !== undefined && { out }), rest: left };
}

/** Bad input (exit 2) when OUT is the input layout itself: check before doing any work. */
export function refuseInputAsOutput(out: string | undefined, input: LoadedInput, io: Io): void {
  if (out === undefined || input.layoutPath === undefined) return;
  if (resolve(input.layoutPath) === resolve(io.cwd, out))
    throw new UsageError(
      `refusing to write ${out}: it is the input layout; write to another file (e.g. -o ${out.replace(/\.json$/, "")}.packed.json) and compare`,
    );
}

/**
 * Writes `layout` as a layout file to `out` (relative to the cwd), or to stdout without one.
 * Blob paths are rewritten from the input's folder to OUT's. Returns where it went, for messages.
 */
export async function writeLayoutOutput(
  layout: Layout,
  out: string | undefined,
  input: LoadedInput,
  io: Io,
): Promise<string> {
  if (out === undefined) {
    io.stdout(serializeLayout(rebaseLayout(layout, input.baseDir, io.cwd)));
    return "stdout";
  }
  const target = resolve(io.cwd, out);
  const inputs = [
    ...fileSlots(input.layout).map((s) => resolve(input.baseDir, s.blob.path)),
    ...(input.layoutPath ? [input.layoutPath] : []),
  ];
  refuseInputAsOutput(out, input, io);
  const sink = await openAtomicSink(target, inputs);
  try {
    const text = serializeLayout(rebaseLayout(layout, input.baseDir, dirname(target)));
    await sink.write(new Uint8Array(Buffer.from(text, "utf8")));
    await sink.commit();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  return out;
}
