import type { Problem } from "../diagnostics.js";

/**
 * The one shape of every problem found while importing a pasted QEMU command.
 *
 * Import diagnostics:
 * - `unknown-program`: argv[0] is not `qemu-system-{aarch64,arm,riscv64,riscv32}` (aarch64 assumed).
 * - `missing-argument`: an option that takes a value is last.
 * - `invalid-option`: `-opt=value` (QEMU has no such form).
 * - `no-machine`: no -M (ARM has no default machine; RISC-V's is `spike`).
 * - `bad-ram-size`: a `-m` QEMU rejects; `ram-rounded`: QEMU rounds it up to 8 KiB.
 * - `ram-option-dropped`: `-m` slots/maxmem are not modelled.
 * - `bad-integer`: an `addr=` QEMU rejects (`Parameter 'addr' expects integer`).
 * - `unknown-property`: a guest-loader/loader property QEMU does not have.
 * - `flag-property`: a `foo`/`nofoo` element (deprecated by QEMU, means foo=on/off).
 * - `property-dropped`: `id=` on a guest-loader (not modelled).
 * - `bad-json`: a JSON `-device` that is not a JSON object, repeats a key, or whose `addr` is not
 *   an integer.
 * - `repeated-option`: a second -m/-kernel/-append/… (the last one wins, as in QEMU).
 * - `shell-syntax`: the pasted text could not be split (see `ShellSplitError`).
 * - `environment-dropped`: a leading `VAR=value` of the pasted command (not kept in the layout).
 * - `loader-form`: a `-device loader` combination QEMU refuses (file with data, nothing to do…).
 * - `wrapper-skipped`: `sudo`, `env`, `timeout`, `exec`, … in front of QEMU, left out (info).
 * - `command-skipped`: another command of the pasted script, or a redirection/pipe around QEMU (info).
 * - `variable-expanded`: a `$NAME` in the QEMU command took a value from the paste or the caller (info).
 * - `undefined-variable`: a `$NAME` in the QEMU command has no value; give it (`--var`, the app's form).
 * - `command-substitution`: `$(…)` or backticks in the QEMU command (never run: give the value).
 * - `unquoted-glob`: an unquoted `*`, `?`, `[`, `{` in the QEMU command (the shell may expand it).
 * - `several-commands`: the paste runs QEMU more than once, or continues a command after it ended
 *   (a missing `\`, or a commented-out line inside a `\` continuation).
 * - `machine-not-modelled`: a `-M` type guestmap has no model for (placements would be guesses).
 */
export type ImportIssueCode =
  | "unknown-program"
  | "missing-argument"
  | "invalid-option"
  | "no-machine"
  | "bad-ram-size"
  | "ram-rounded"
  | "ram-option-dropped"
  | "bad-integer"
  | "unknown-property"
  | "flag-property"
  | "property-dropped"
  | "bad-json"
  | "repeated-option"
  | "shell-syntax"
  | "environment-dropped"
  | "loader-form"
  | "wrapper-skipped"
  | "command-skipped"
  | "variable-expanded"
  | "undefined-variable"
  | "command-substitution"
  | "unquoted-glob"
  | "several-commands"
  | "machine-not-modelled";

export interface ImportIssue extends Problem<ImportIssueCode> {
  /** Index of the argument in argv (0 is the program). */
  readonly argIndex?: number;
  /** Character offset inside that argument. */
  readonly offset?: number;
}
