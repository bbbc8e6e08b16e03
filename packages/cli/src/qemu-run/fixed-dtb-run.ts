/**
 * The first step of a run in the fixed-DTB form (a layout with Xen dom0less domains, see the
 * core's verify/fixed-dtb.ts): QEMU dumps its own DTB of the plan's machine, the core merges the
 * layout's /chosen and domains into it, and the result is written into the run's folder for the
 * plan's `-dtb`. Verify and Boot both go through here.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  DtbError,
  FdtError,
  fixedDtbRun,
  type Layout,
  type PlacementEnv,
  profileFor,
  type VerifyPlan,
} from "@guestmap/core";
import { profileForQemu } from "./find-qemu.js";
import { runQemuProcess } from "./qemu-process.js";
import { QUIET_ARGS } from "./qmp.js";
import { VerifyPlanError } from "./verify-run.js";

type OkPlan = Extract<VerifyPlan, { ok: true }>;

export type PreparedRun =
  /** The layout that predicts the run (the plan's own, or its fixed-DTB form). */
  | { readonly layout: Layout }
  /** QEMU would not even start the bare machine to dump its DTB: its exit status and stderr. */
  | { readonly refused: { readonly status: number | null; readonly message: string } };

export async function prepareRun(
  plan: OkPlan,
  qemu: { readonly path: string; readonly version: string },
  dir: string,
  opts: { readonly env: PlacementEnv; readonly timeoutMs: number; readonly signal?: AbortSignal },
): Promise<PreparedRun> {
  if (!plan.fixedDtb) return { layout: plan.layout };
  const dumped = join(dir, "base.dtb");
  const r = await runQemuProcess(
    qemu.path,
    [...plan.fixedDtb.baseArgs, ...QUIET_ARGS, "-machine", `dumpdtb=${dumped}`],
    {
      cwd: dir,
      timeoutMs: opts.timeoutMs,
      ...(opts.signal && { signal: opts.signal }),
    },
  );
  const base = r.status === 0 ? await readFile(dumped).catch(() => undefined) : undefined;
  if (!base) return { refused: { status: r.status, message: r.stderr.trim() || `exit ${r.status}` } };
  try {
    const run = fixedDtbRun(
      plan.layout,
      new Uint8Array(base),
      profileFor(profileForQemu(qemu.version)),
      opts.env,
    );
    await writeFile(join(dir, plan.fixedDtb.dtb), run.dtb);
    return { layout: run.layout };
  } catch (e) {
    if (!(e instanceof DtbError || e instanceof FdtError)) throw e;
    throw new VerifyPlanError([
      {
        code: "verify-export",
        severity: "error",
        where: "domains",
        message: `the fixed-DTB form's DTB cannot be built on QEMU ${qemu.version}'s own: ${e.message}`,
      },
    ]);
  }
}
