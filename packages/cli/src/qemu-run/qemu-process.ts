/**
 * Runs a real QEMU under a time limit: its own process group (the 10.0.2 wrappers exec through
 * `unshare` and `sh`), killed as a group with SIGKILL when the limit passes or the caller aborts.
 */
import { spawn } from "node:child_process";

export interface QemuProcessResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the time limit or the abort signal ended it. */
  killed: boolean;
}

/** Output kept per stream: QMP replies to `info roms` are small; an endless stream must not grow memory. */
const MAX_OUTPUT = 4 * 1024 * 1024;

export function runQemuProcess(
  binary: string,
  args: readonly string[],
  opts: {
    cwd: string;
    input?: string;
    timeoutMs: number;
    signal?: AbortSignal;
    /** Each piece of stdout as it comes (a guest's serial console); it is then not kept. */
    onStdout?: (text: string) => void;
  },
): Promise<QemuProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { cwd: opts.cwd, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let killed = false;
    const killGroup = () => {
      killed = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(killGroup, opts.timeoutMs);
    const onAbort = () => killGroup();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      if (opts.onStdout) opts.onStdout(s);
      else if (stdout.length < MAX_OUTPUT) stdout += s;
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += s;
    });
    child.stdin.on("error", () => {
      // QEMU exited before reading its input (it refused the command line): stderr says why.
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      reject(e);
    });
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      // The group may hold more than QEMU (the wrapper's shell): end whatever is left.
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // none left
      }
      resolve({ status, signal, stdout, stderr, killed });
    });
    child.stdin.end(opts.input ?? "");
  });
}
