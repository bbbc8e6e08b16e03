/**
 * Test-only: runs a command that boots a guest (a `sh run.sh` exported by guestmap, or QEMU
 * itself) and watches its console for markers. Boots under TCG take seconds; a hung guest is
 * stopped by a timeout, and the whole process group is killed (QEMU under `sh`, or under the
 * QEMU 10 wrapper's `unshare`) so nothing outlives the test.
 */
import { spawn } from "node:child_process";

export interface BootResult {
  /** Console and stderr, interleaved as they came. */
  readonly output: string;
  /** The marker that stopped the boot, if any. */
  readonly marker: string | undefined;
  /** Exit status of the command (undefined when we killed it). 139 from sh = QEMU segfaulted. */
  readonly status: number | null | undefined;
  readonly timedOut: boolean;
  readonly seconds: number;
}

export interface BootOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Stop (kill QEMU) as soon as the output contains all of these. */
  readonly until: readonly string[];
  /** Also stop at the first of these (a Xen panic prints more than a screen, then reboots). */
  readonly failOn?: readonly string[];
  readonly timeoutMs: number;
  /** Console input: once the output contains `when`, `send` is typed (each answer once, in order). */
  readonly answers?: readonly { readonly when: string; readonly send: string }[];
}

/** Boots at once: each TCG guest keeps about one core busy, and CI has two. */
const MAX_PARALLEL = 2;
let running = 0;
const waiting: (() => void)[] = [];

/** Runs `command args…` until every `until` marker (or a `failOn` one) appears, or the timeout. */
export async function boot(command: string, args: readonly string[], o: BootOptions): Promise<BootResult> {
  if (running >= MAX_PARALLEL) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await bootNow(command, args, o);
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function bootNow(command: string, args: readonly string[], o: BootOptions): Promise<BootResult> {
  const t0 = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: o.cwd,
      env: o.env ?? process.env,
      detached: true,
      stdio: [o.answers ? "pipe" : "ignore", "pipe", "pipe"],
    });
    let answered = 0;
    let output = "";
    let marker: string | undefined;
    let timedOut = false;
    let killed = false;
    const stop = () => {
      if (killed) return;
      killed = true;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, o.timeoutMs);
    const onData = (d: Buffer) => {
      output += d.toString("latin1");
      const next = o.answers?.[answered];
      if (next && output.includes(next.when)) {
        answered++;
        child.stdin?.write(next.send);
      }
      if (marker !== undefined) return;
      if (o.until.every((m) => output.includes(m))) marker = o.until.at(-1);
      else marker = o.failOn?.find((m) => output.includes(m));
      if (marker !== undefined) stop();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({
        output,
        marker,
        status: killed ? undefined : code,
        timedOut,
        seconds: (performance.now() - t0) / 1000,
      });
    });
  });
}
