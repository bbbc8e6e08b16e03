/**
 * One verification: the plan's argv run in a fresh folder holding only the plan's files, QEMU
 * stopped at reset — `info roms`, `pmemsave` of every blob, then `-machine dumpdtb=` — and the
 * core's comparison of all that with `check()`. The folder is removed whatever happens.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  addChunkDiff,
  type BlobObservation,
  type ByteDiff,
  blobReads,
  check,
  compareWithQemu,
  type Layout,
  NO_DIFF,
  planVerification,
  type VerifyFile,
  type VerifyPlanIssue,
  type VerifyReport,
} from "@guestmap/core";
import { profileForQemu, type QemuBinary } from "./find-qemu.js";
import { prepareRun } from "./fixed-dtb-run.js";
import { runQemuProcess } from "./qemu-process.js";
import { hmpCommand, parseInfoRoms, pmemsaveCommand, QUIET_ARGS, qmpRun } from "./qmp.js";

/** The layout cannot be verified (a placeholder, a refused -M property…): `issues` say why. */
export class VerifyPlanError extends Error {
  readonly code = "verify-plan";
  constructor(readonly issues: readonly VerifyPlanIssue[]) {
    super(issues.map((i) => `${i.where}: ${i.message}`).join("; "));
  }
}

/** QEMU ran past its time limit and was killed. */
export class QemuTimeoutError extends Error {
  readonly code = "qemu-timeout";
}

export interface VerifyRunOptions {
  readonly qemu: QemuBinary;
  /** Puts each plan file into `dir` under its plan name (`dir/f1` …): a copy, an upload or a symlink. */
  readonly materialize: (files: readonly VerifyFile[], dir: string) => Promise<void>;
  /** Per QEMU run; default 60 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface VerifyRun {
  readonly report: VerifyReport;
  /** The argv QEMU ran (program first, plan file names), for the user to rerun it. */
  readonly argv: readonly string[];
  /** extraArgs groups left out of the run. */
  readonly dropped: readonly (readonly string[])[];
  /** What the run added to the command line (`-M dtb-randomness=off` on ARM). */
  readonly added: readonly string[];
  /** When the run finished, ISO 8601. */
  readonly at: string;
}

const CHUNK = 1 << 20;

/** Streams the file's first `size` bytes against the RAM dump; a short read counts as differing. */
async function diffFile(file: string, dump: string, size: bigint): Promise<ByteDiff> {
  let diff = NO_DIFF;
  const ram = await open(dump, "r");
  try {
    let at = 0;
    const buf = Buffer.alloc(CHUNK);
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK, end: Number(size) - 1 })) {
      const c = chunk as Buffer;
      const { bytesRead } = await ram.read(buf, 0, c.length, at);
      const actual = new Uint8Array(c.length);
      actual.set(buf.subarray(0, bytesRead));
      // Bytes RAM did not give back cannot be called intact: mark them as differing.
      for (let i = bytesRead; i < c.length; i++) actual[i] = (c[i]! ^ 0xff) & 0xff;
      diff = addChunkDiff(diff, c, actual);
      at += c.length;
    }
  } finally {
    await ram.close();
  }
  return diff;
}

export async function runVerification(input: Layout, opts: VerifyRunOptions): Promise<VerifyRun> {
  const plan = planVerification(input, { program: opts.qemu.path });
  if (!plan.ok) throw new VerifyPlanError(plan.issues);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const dir = await mkdtemp(join(tmpdir(), "guestmap-verify-"));
  try {
    await opts.materialize(plan.files, dir);
    const firmware = opts.qemu.firmware;
    const env = { ...(firmware !== undefined && { firmwareSize: firmware === null ? null : firmware.size }) };
    // A layout with dom0less domains runs in the fixed-DTB form: its DTB is built first.
    const prepared = await prepareRun(plan, opts.qemu, dir, {
      env,
      timeoutMs,
      ...(opts.signal && { signal: opts.signal }),
    });
    const layout = "layout" in prepared ? prepared.layout : plan.layout;
    const predicted = check(layout, { qemu: profileForQemu(opts.qemu.version), ...env });
    const reads = "layout" in prepared ? blobReads(predicted).filter((r) => r.inRam) : [];
    const dumps = reads.map((_, i) => join(dir, `ram-${i}.bin`));
    const run =
      "layout" in prepared
        ? await qmpRun(
            opts.qemu.path,
            plan.args,
            [hmpCommand("info roms"), ...reads.map((r, i) => pmemsaveCommand(r.addr, r.size, dumps[i]!))],
            { cwd: dir, timeoutMs, ...(opts.signal && { signal: opts.signal }) },
          )
        : undefined;
    if (run?.killed && !run.answered)
      throw new QemuTimeoutError(
        `QEMU ${opts.qemu.version} did not answer within ${timeoutMs / 1000} s and was killed`,
      );
    const started = run !== undefined && typeof run.returns[0] === "string";
    let dtb: Uint8Array | undefined;
    const blobs: BlobObservation[] = [];
    if (started) {
      const byId = new Map(reads.map((r, i) => [r.id, i]));
      for (const r of blobReads(predicted)) {
        const i = byId.get(r.id);
        if (i === undefined || run.errors[1 + i] !== undefined) {
          blobs.push({ id: r.id, read: false, diff: NO_DIFF });
          continue;
        }
        blobs.push({ id: r.id, read: true, diff: await diffFile(join(dir, r.file), dumps[i]!, r.size) });
      }
      const dumped = join(dir, "qemu.dtb");
      const d = await runQemuProcess(
        opts.qemu.path,
        [...plan.args, ...QUIET_ARGS, "-machine", `dumpdtb=${dumped}`],
        {
          cwd: dir,
          timeoutMs,
          ...(opts.signal && { signal: opts.signal }),
        },
      );
      if (d.status === 0) {
        const fh = await open(dumped, "r").catch(() => undefined);
        if (fh) {
          try {
            dtb = new Uint8Array(await fh.readFile());
          } finally {
            await fh.close();
          }
        }
      }
    }
    const names = Object.fromEntries(plan.files.map((f) => [f.name, f.path]));
    const refused =
      "refused" in prepared
        ? prepared.refused
        : { status: run!.status, message: run!.stderr.trim() || `exit ${run!.status}` };
    const report = compareWithQemu(
      layout,
      predicted,
      {
        version: opts.qemu.version,
        ...(!started && { refused }),
        roms: started ? parseInfoRoms(run.returns[0] as string, layout.machine.arch) : [],
        ...(dtb && { dtb }),
        blobs,
      },
      names,
    );
    return {
      report,
      argv: [opts.qemu.path, ...plan.args],
      dropped: plan.dropped,
      added: plan.added,
      at: new Date().toISOString(),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
