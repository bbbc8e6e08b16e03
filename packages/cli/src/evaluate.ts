/** Loads the input and evaluates it against the chosen QEMU profile and the installed firmware. */
import { type CheckResult, check } from "@guestmap/core";
import { type CommonOptions, type LoadedInput, loadInput } from "./input.js";
import type { Io } from "./io.js";
import { chooseProfile, defaultFirmwareSize, type ProfileChoice, qemuTargetOf } from "./qemu-env.js";

export interface Evaluation extends CheckResult {
  input: LoadedInput;
  profile: ProfileChoice;
}

export async function evaluate(opts: CommonOptions, io: Io): Promise<Evaluation> {
  const input = await loadInput(opts, io);
  const arch = input.layout.machine.arch;
  const target = qemuTargetOf(opts.argv, io.cwd);
  const profile = chooseProfile(arch, opts.qemu, input.layout.qemu, target);
  const firmwareSize = defaultFirmwareSize(arch, target);
  const result = check(input.layout, {
    qemu: profile.version,
    ...(firmwareSize !== undefined && { firmwareSize }),
  });
  return { ...result, input, profile };
}
