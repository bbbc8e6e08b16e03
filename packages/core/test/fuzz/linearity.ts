/**
 * The linear-time gate of `npm run fuzz`, made to hold on a loaded machine.
 *
 * The old gate compared the best wall time of one 100k input with one 10k input (fail above
 * 50×). On 2 cores shared with QEMU-heavy suites, a single descheduling in the 10k run or a GC in
 * the 100k run moved that ratio several-fold either way. Now:
 * - CPU time of this process (`process.cpuUsage`), not wall time: time spent waiting for a core
 *   while others run is not counted;
 * - each sample is a batch of repetitions long enough (≥ BATCH_MS of CPU) that the clock's
 *   resolution and one-off pauses are small against it;
 * - the median of SAMPLES batches, per byte of input;
 * - the verdict compares cost per byte at 100k with cost per byte at 10k. Linear code gives about
 *   1, n log n about 1.25; quadratic code gives 10. The gate fails above MAX_PER_BYTE_RATIO (4):
 *   room for bigger inputs leaving the CPU caches and for a bigger heap's GC, far below quadratic;
 * - a ratio above the bound is measured again (up to ATTEMPTS times) and fails only if every
 *   attempt is above it: noise comes and goes, a quadratic loop does not.
 */

/** Cost per byte at 100k over cost per byte at 10k above which the gate fails (quadratic: 10). */
export const MAX_PER_BYTE_RATIO = 4;
const BATCH_MS = 20;
const SAMPLES = 7;
const ATTEMPTS = 3;

/** CPU milliseconds (user + system, every thread of this process) spent running `f`. */
function cpuMs(f: () => void): number {
  const t0 = process.cpuUsage();
  f();
  const d = process.cpuUsage(t0);
  return (d.user + d.system) / 1000;
}

/** The median CPU time of one run of `run`, from batches of repetitions of at least BATCH_MS. */
export function medianCpuMs(run: () => void): number {
  run(); // warm up the JIT on this input's shape
  const once = Math.max(cpuMs(run), 0.001);
  const reps = Math.max(1, Math.ceil(BATCH_MS / once));
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES; s++)
    samples.push(
      cpuMs(() => {
        for (let i = 0; i < reps; i++) run();
      }) / reps,
    );
  samples.sort((a, b) => a - b);
  return samples[Math.floor(SAMPLES / 2)]!;
}

/** One size's measurement: its input length in bytes and the median CPU ms per run. */
export interface SizeTime {
  readonly bytes: number;
  readonly ms: number;
}

export interface Linearity {
  /** The last attempt's measurements, smallest input first. */
  readonly times: readonly SizeTime[];
  /** Cost per byte of the largest input over that of the middle one, per attempt. */
  readonly ratios: readonly number[];
  readonly linear: boolean;
}

/**
 * Measures `runs` (one per input size, smallest first; at least two) and gives the verdict: cost
 * per byte of the largest over the second largest, at most MAX_PER_BYTE_RATIO in any attempt.
 */
export function measureLinearity(runs: readonly { bytes: number; run: () => void }[]): Linearity {
  const ratios: number[] = [];
  let times: SizeTime[] = [];
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    times = runs.map(({ bytes, run }) => ({ bytes, ms: medianCpuMs(run) }));
    const big = times[times.length - 1]!;
    const mid = times[times.length - 2]!;
    const ratio = big.ms / big.bytes / Math.max(mid.ms / mid.bytes, 1e-12);
    ratios.push(ratio);
    if (ratio <= MAX_PER_BYTE_RATIO) return { times, ratios, linear: true };
  }
  return { times, ratios, linear: false };
}

/** The byte length of a fuzz input (a string's UTF-16 length counts as bytes: the inputs are ASCII-ish). */
export function inputBytes(input: unknown, nominal: number): number {
  const n = (input as { length?: unknown } | null)?.length;
  return typeof n === "number" && n > 0 ? n : nominal;
}
