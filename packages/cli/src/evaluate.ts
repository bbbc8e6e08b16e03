/** Loads the input and evaluates it against the chosen QEMU profile and the installed firmware. */
import { type CheckResult, check } from "@guestmap/core";
import { type CommonOptions, type LoadedInput, loadInput } from "./input.js";
import type { Io } from "./io.js";
import { type ProfileChoice, type QemuEnvironment, qemuEnvironment, qemuTargetOf } from "./qemu-env.js";

export interface Evaluation extends CheckResult {
  input: LoadedInput;
  profile: ProfileChoice;
  env: QemuEnvironment;
}

export async function evaluate(opts: CommonOptions, io: Io): Promise<Evaluation> {
  const input = await loadInput(opts, io);
  const env = qemuEnvironment(
    input.layout.machine.arch,
    opts.qemu,
    input.layout.qemu,
    qemuTargetOf(opts.argv, io.cwd),
  );
  const result = check(input.layout, { ...env.placement, ...(opts.trustArgs && { trustExtraArgs: true }) });
  return { ...result, input, profile: env.choice, env };
}
