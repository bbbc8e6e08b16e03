/** Runs the CLI in-process, as a user would from a shell in `cwd`, capturing its output. */
import type { Io } from "../src/io.js";
import { main } from "../src/main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An `Io` whose output accumulates in `o`, for calling a command's `run` directly. */
export function captureIo(cwd: string): { o: { out: string; err: string }; io: Io } {
  const o = { out: "", err: "" };
  return {
    o,
    io: {
      stdout: (s) => {
        o.out += s;
      },
      stderr: (s) => {
        o.err += s;
      },
      cwd,
    },
  };
}

export async function runCli(args: string[], cwd: string): Promise<CliResult> {
  const { o, io } = captureIo(cwd);
  const code = await main(args, io);
  return { code, stdout: o.out, stderr: o.err };
}
