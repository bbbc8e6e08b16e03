/**
 * A short real boot: the verification plan's argv (for dom0less domains, its fixed-DTB form) run unpaused with the guest's serial console on
 * stdout, for at most `seconds`, then QEMU's process group is killed and its folder removed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Layout, planVerification } from "@guestmap/core";
import type { QemuBinary } from "./find-qemu.js";
import { prepareRun } from "./fixed-dtb-run.js";
import { runQemuProcess } from "./qemu-process.js";
import { VerifyPlanError, type VerifyRunOptions } from "./verify-run.js";

export interface BootRun {
  /** QEMU's exit status, or null when the time limit (or the caller) ended it. */
  readonly status: number | null;
  /** Ended by the time limit or the caller. */
  readonly killed: boolean;
  readonly stderr: string;
  readonly argv: readonly string[];
  readonly added: readonly string[];
  readonly dropped: readonly (readonly string[])[];
}

export async function runBoot(
  input: Layout,
  opts: Pick<VerifyRunOptions, "materialize" | "signal"> & {
    readonly qemu: QemuBinary;
    readonly seconds: number;
    readonly onSerial: (text: string) => void;
  },
): Promise<BootRun> {
  const plan = planVerification(input, { program: opts.qemu.path });
  if (!plan.ok) throw new VerifyPlanError(plan.issues);
  const dir = await mkdtemp(join(tmpdir(), "guestmap-verify-"));
  try {
    await opts.materialize(plan.files, dir);
    // A layout with dom0less domains boots in the fixed-DTB form: its DTB is built first.
    const firmware = opts.qemu.firmware;
    const prepared = await prepareRun(plan, opts.qemu, dir, {
      env: { ...(firmware !== undefined && { firmwareSize: firmware === null ? null : firmware.size }) },
      timeoutMs: opts.seconds * 1000,
      ...(opts.signal && { signal: opts.signal }),
    });
    if ("refused" in prepared)
      return {
        status: prepared.refused.status,
        killed: false,
        stderr: prepared.refused.message,
        argv: [opts.qemu.path, ...plan.args],
        added: plan.added,
        dropped: plan.dropped,
      };
    // -no-reboot: a guest that resets (or a hypervisor that panics) ends the run.
    const args = [
      ...plan.args,
      "-display",
      "none",
      "-monitor",
      "none",
      "-serial",
      "stdio",
      "-net",
      "none",
      "-no-reboot",
    ];
    const r = await runQemuProcess(opts.qemu.path, args, {
      cwd: dir,
      timeoutMs: opts.seconds * 1000,
      onStdout: opts.onSerial,
      ...(opts.signal && { signal: opts.signal }),
    });
    return {
      status: r.killed ? null : r.status,
      killed: r.killed,
      stderr: r.stderr,
      argv: [opts.qemu.path, ...plan.args],
      added: plan.added,
      dropped: plan.dropped,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
