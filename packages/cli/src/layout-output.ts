/**
 * Where `pack` and `fix` put the layout they made: `-o OUT` (decided before any work — never an
 * input, blob paths rewritten relative to OUT's folder, written atomically), else stdout.
 */
import { dirname, resolve } from "node:path";
import { type Layout, layoutFiles, serializeLayout } from "@guestmap/core";
import { rebaseLayout } from "./commands/import.js";
import type { LoadedInput } from "./input.js";
import { type Io, UsageError } from "./io.js";
import { type OutputTarget, planOutputs, writeOutput } from "./output-file.js";

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

/**
 * Decides where `-o OUT` goes, before any work: bad input (exit 2) when it is the input layout or
 * a file it names. Undefined without `-o` (stdout).
 */
export function planLayoutOutput(
  out: string | undefined,
  input: LoadedInput,
  io: Io,
): OutputTarget | undefined {
  if (out === undefined) return undefined;
  const inputs = [
    ...layoutFiles(input.layout).map((f) => resolve(input.baseDir, f.blob.path)),
    ...(input.layoutPath ? [input.layoutPath] : []),
  ];
  return planOutputs([{ option: "-o", path: out }], inputs, io.cwd)[0];
}

/** Writes `layout` as a layout file to `target` (see planLayoutOutput), or to stdout without one. */
export async function writeLayoutOutput(
  layout: Layout,
  target: OutputTarget | undefined,
  input: LoadedInput,
  io: Io,
): Promise<void> {
  if (target === undefined) {
    io.stdout(serializeLayout(rebaseLayout(layout, input.baseDir, io.cwd)));
    return;
  }
  const toDir = target.kind === "file" ? dirname(target.path) : io.cwd;
  const text = serializeLayout(rebaseLayout(layout, input.baseDir, toDir));
  await writeOutput(target, new Uint8Array(Buffer.from(text, "utf8")), io.stdoutBytes);
}
