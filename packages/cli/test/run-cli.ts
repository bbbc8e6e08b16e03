/** Runs the CLI in-process, as a user would from a shell in `cwd`, capturing its output. */
import type { Io } from "../src/io.js";
import { main } from "../src/main.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An `Io` whose output accumulates in `o`, for calling a command's `run` directly. */
export function captureIo(cwd: string): { o: { out: string; err: string; bytes: Uint8Array[] }; io: Io } {
  const o = { out: "", err: "", bytes: [] as Uint8Array[] };
  return {
    o,
    io: {
      stdout: (s) => {
        o.out += s;
      },
      stderr: (s) => {
        o.err += s;
      },
      stdoutBytes: async (b) => {
        o.bytes.push(b.slice());
        o.out += Buffer.from(b).toString("utf8");
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
