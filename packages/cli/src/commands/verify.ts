/**
 * `guestmap verify [--json] [--qemu-dir DIR]… (LAYOUT.json | -- QEMU-ARGV...)`: runs the layout in
 * every real QEMU found for its arch (PATH, then each --qemu-dir), stopped at reset, and compares
 * QEMU's regions, refusal, /chosen and each blob's bytes with guestmap's prediction. The argv QEMU
 * runs is always the core exporter's (a pasted command line is imported first), in a folder of
 * its own holding links to the layout's files. Exit 1 when a QEMU differs from the prediction or
 * wrote over a blob's bytes.
 */
import { symlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { verifyReportToJson } from "@guestmap/core";
import { loadInput, parseCommon } from "../input.js";
import { EXIT_FINDINGS, EXIT_OK, type Io, UsageError } from "../io.js";
import { findQemus } from "../qemu-run/find-qemu.js";
import { reportText } from "../qemu-run/report-text.js";
import { runVerification, VerifyPlanError } from "../qemu-run/verify-run.js";

export async function run(args: string[], io: Io): Promise<number> {
  const dirs: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (a === "--qemu-dir") {
      const d = args[++i];
      if (d === undefined)
        throw new UsageError("--qemu-dir needs a directory holding qemu-system-* binaries");
      dirs.push(d);
    } else if (a.startsWith("--qemu-dir=")) dirs.push(a.slice("--qemu-dir=".length));
    else rest.push(a);
  }
  const opts = parseCommon(rest);
  if (opts.qemu)
    throw new UsageError(
      "--qemu does not apply to verify: each QEMU is judged with its own version's profile",
    );
  const input = await loadInput(opts, io);
  const arch = input.layout.machine.arch;
  const qemus = (await findQemus(dirs.map((d) => resolve(io.cwd, d)))).filter((q) => q.arch === arch);
  if (qemus.length === 0)
    throw new UsageError(
      `no qemu-system-${arch} on PATH${dirs.length ? ` or in ${dirs.join(", ")}` : ""}; install QEMU or pass --qemu-dir DIR`,
    );
  const results = [];
  let findings = false;
  for (const qemu of qemus) {
    try {
      const r = await runVerification(input.layout, {
        qemu,
        materialize: async (files, dir) => {
          for (const f of files) await symlink(resolve(input.baseDir, f.path), join(dir, f.name));
        },
      });
      findings ||= !r.report.agrees || r.report.blobs.some((b) => b.read && !b.intact);
      results.push({ qemu, run: r });
    } catch (e) {
      if (e instanceof VerifyPlanError) throw new UsageError(`cannot verify ${input.source}: ${e.message}`);
      throw e;
    }
  }
  if (opts.json) {
    io.stdout(
      `${JSON.stringify(
        {
          runs: results.map(({ qemu, run }) => ({
            qemu: { path: qemu.path, version: qemu.version, from: qemu.from },
            argv: run.argv,
            dropped: run.dropped,
            added: run.added,
            at: run.at,
            report: verifyReportToJson(run.report),
          })),
        },
        null,
        2,
      )}\n`,
    );
  } else {
    for (const { qemu, run } of results) {
      io.stdout(reportText(run.report, `${qemu.path}, from ${qemu.from}`));
      if (run.added.length > 0) io.stdout(`  added to the command line: ${run.added.join("; ")}\n`);
      if (run.dropped.length > 0)
        io.stdout(
          `  not passed to QEMU (extra options): ${run.dropped.map((g) => g.join(" ")).join("; ")}\n`,
        );
    }
  }
  return findings ? EXIT_FINDINGS : EXIT_OK;
}
