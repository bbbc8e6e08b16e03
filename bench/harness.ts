/**
 * Shared bench helpers: run a command (guestmap's or its anchor tool's) under `/usr/bin/time`,
 * alternate variants over rounds, take medians, and report one row of the BENCHMARKS.md table.
 *
 * A bench file is a plain script: it measures, calls `reportRow()` for each table row, and sets
 * `process.exitCode = 1` when a target is missed. `bench/run.ts` collects the rows (through the
 * file named by GUESTMAP_BENCH_ROWS) and prints the table at the end.
 */
import { spawnSync } from "node:child_process";
import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
/**
 * The CLI as users run it: the launcher that `npm i -g` of the packed CLI and `npx guestmap` in
 * the repository both start, which runs the bundle (packages/cli/dist/bundle). Every CLI row
 * times this, never tsc's unbundled dist/main.js (ESM, ~3× the start-up CPU). `timed()` builds
 * the bundle first when it is missing (`ensureCliBundle`).
 */
export const cliMain = join(repoRoot, "packages/cli/bin/guestmap.cjs");

let bundleChecked = false;
/**
 * Builds the CLI bundle when it is missing (`npm run bench` rebuilds it from the sources first);
 * without it the launcher would fall back to dist/main.js and time the slow path.
 */
export function ensureCliBundle(): void {
  if (bundleChecked) return;
  bundleChecked = true;
  if (existsSync(join(repoRoot, "packages/cli/dist/bundle/guestmap.cjs"))) return;
  const r = spawnSync(process.execPath, [join(repoRoot, "scripts/bundle-cli.mjs")], { stdio: "inherit" });
  if (r.status !== 0) throw new Error("cannot build the CLI bundle (scripts/bundle-cli.mjs)");
}

/** One run of a process, as the OS saw it. */
export interface Sample {
  /** Wall time from spawn to exit, measured here (ms). */
  wallMs: number;
  /** CPU time of the process tree (ms), from getrusage via /usr/bin/time. */
  cpuMs: number;
  /** Peak resident set of the largest process in the tree (MiB), from /usr/bin/time. */
  maxRssMiB: number;
  status: number;
}

export interface RunOptions {
  /** Where the command's stdout goes: a file path, or discarded. */
  stdout?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Feed this to stdin. */
  input?: string | Uint8Array;
  /** Exit codes that count as success (default 0 only): `check` exits 1 when it finds errors. */
  okStatus?: readonly number[];
}

let scratch: string | undefined;
function timeFile(): string {
  scratch ??= mkdtempSync(join(tmpdir(), "guestmap-bench-time-"));
  return join(scratch, "time.txt");
}
process.on("exit", () => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/**
 * Runs `cmd args` under `/usr/bin/time` (memory and CPU from the kernel's rusage, never estimated)
 * and measures its wall time. Throws when the command fails, with its stderr.
 */
export function timed(cmd: string, args: readonly string[], opts: RunOptions = {}): Sample {
  if (args.includes(cliMain)) ensureCliBundle();
  const out = timeFile();
  const stdio: ("pipe" | "ignore" | number)[] = ["pipe", "ignore", "pipe"];
  let fd: number | undefined;
  if (opts.stdout !== undefined) {
    fd = openSync(opts.stdout, "w");
    stdio[1] = fd;
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", "-o", out, cmd, ...args], {
    stdio,
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    input: opts.input,
    maxBuffer: 64 << 20,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (fd !== undefined) closeSync(fd);
  if (r.error) throw r.error;
  if (!(opts.okStatus ?? [0]).includes(r.status ?? -1)) {
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr?.toString().slice(-2000) ?? ""}`,
    );
  }
  const last = readFileSync(out, "utf8").trim().split("\n").at(-1) ?? "";
  const [user, sys, rssKiB] = last.split(" ").map(Number);
  return {
    wallMs,
    cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000,
    maxRssMiB: (rssKiB ?? 0) / 1024,
    status: r.status ?? 0,
  };
}

/** `bash -c SCRIPT` under /usr/bin/time: for anchors that are shell pipelines (truncate + dd). */
export function timedShell(script: string, opts: RunOptions = {}): Sample {
  return timed("bash", ["-c", script], opts);
}

/** The number of A/B rounds (GUESTMAP_BENCH_ROUNDS, default `fallback`). */
export function rounds(fallback: number): number {
  const n = Number(process.env.GUESTMAP_BENCH_ROUNDS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * Runs each variant once per round, alternating their order every round (A B, B A, A B …) so a
 * machine that gets busier or quieter during the run does not favour one side. `before` runs
 * ahead of each measurement (e.g. to remove that variant's previous output), untimed.
 */
export function alternate<K extends string>(
  n: number,
  variants: Record<K, () => Sample>,
  before?: (variant: string) => void,
): Record<K, Sample[]> {
  const keys = Object.keys(variants) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as Sample[]])) as Record<K, Sample[]>;
  for (let i = 0; i < n; i++) {
    const order = i % 2 === 0 ? keys : [...keys].reverse();
    for (const k of order) {
      before?.(k);
      out[k].push(variants[k]());
    }
  }
  return out;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Medians of a set of samples (peak RSS: the largest seen, the figure a target must bound). */
export function summary(xs: readonly Sample[]): { wallMs: number; cpuMs: number; maxRssMiB: number } {
  return {
    wallMs: median(xs.map((x) => x.wallMs)),
    cpuMs: median(xs.map((x) => x.cpuMs)),
    maxRssMiB: Math.max(...xs.map((x) => x.maxRssMiB)),
  };
}

/** Times `fn` in this process: the median of `runs` after `warmup` untimed calls (ms). */
export function inProcess(fn: () => unknown, runs: number, warmup = 3): number {
  return inProcessRuns(fn, runs, warmup).median;
}

/**
 * The median and the fastest of `runs` timed calls (ms). On a shared machine the fastest run is
 * the one least disturbed by other jobs: sub-frame targets are judged on it, and both are shown.
 */
export function inProcessRuns(
  fn: () => unknown,
  runs: number,
  warmup = 3,
): { median: number; fastest: number } {
  for (let i = 0; i < warmup; i++) fn();
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  return { median: median(ts), fastest: Math.min(...ts) };
}

export function ms(x: number): string {
  return x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 0)} ms`;
}

export function mib(x: number): string {
  return `${x.toFixed(0)} MiB`;
}

/** MiB (what /usr/bin/time gives, ×1024²) as MB (×10⁶): a target stated in MB is judged in MB. */
export function mibToMb(x: number): number {
  return (x * 1024 * 1024) / 1e6;
}

/** A memory figure in both units, `288 MiB (302 MB)`, so a target in either reads plainly. */
export function mibAndMb(x: number): string {
  return `${mib(x)} (${mibToMb(x).toFixed(0)} MB)`;
}

/** One row of the BENCHMARKS.md table. */
export interface Row {
  /** What is measured, with its input (`DTB → DTS, 7.9 MB / 40k nodes, CLI end to end`). */
  what: string;
  /** The anchor tool or baseline, as run (`dtc -I dtb -O dts`), or "—". */
  anchor: string;
  /** guestmap's figure (`0.41 s, 52 MiB`). */
  guestmap: string;
  /** The anchor's figure, or "—". */
  anchorValue?: string;
  /** guestmap ÷ anchor, for time rows with an anchor. */
  ratio?: number;
  /** The target as the issue states it (`≤ 0.5× dtc`). */
  target: string;
  /** Whether the target was met; undefined for rows that only print a number. */
  met?: boolean;
}

const rowsFile = process.env.GUESTMAP_BENCH_ROWS;
const benchFile = process.env.GUESTMAP_BENCH_FILE ?? "";

/** Prints a row and hands it to `bench/run.ts` for the summary table. A miss sets exit code 1. */
export function reportRow(row: Row): void {
  const ratio = row.ratio === undefined ? "" : `  (${row.ratio.toFixed(2)}×)`;
  const verdict = row.met === undefined ? "" : row.met ? "  met" : "  MISSED";
  console.log(
    `${row.what}: ${row.guestmap}${row.anchorValue ? ` vs ${row.anchor} ${row.anchorValue}` : ""}${ratio}  target ${row.target}${verdict}`,
  );
  if (row.met === false) process.exitCode = 1;
  if (rowsFile) appendFileSync(rowsFile, `${JSON.stringify({ ...row, bench: benchFile })}\n`);
}

/** Whether `tool` runs here; a bench prints a loud skip line for a row that needs it. */
export function haveTool(tool: string): boolean {
  const r = spawnSync("bash", ["-c", `command -v ${tool}`], { stdio: "ignore" });
  return r.status === 0;
}

/** A loud, explicit skip: the row shows up in the table as not measured. */
export function skipRow(what: string, anchor: string, target: string, why: string): void {
  console.log(`SKIPPED ${what}: ${why}`);
  const row: Row = { what, anchor, guestmap: `not measured: ${why}`, target };
  if (rowsFile) appendFileSync(rowsFile, `${JSON.stringify({ ...row, bench: benchFile })}\n`);
}
