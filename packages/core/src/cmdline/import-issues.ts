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
 * - `bad-json`: a JSON `-device` that is not a JSON object, or whose `addr` is not an integer.
 * - `repeated-option`: a second -m/-kernel/-append/… (the last one wins, as in QEMU).
 * - `shell-syntax`: the pasted text could not be split (see `ShellSplitError`).
 * - `environment-dropped`: a leading `VAR=value` of the pasted command (not kept in the layout).
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
  | "environment-dropped";

export interface ImportIssue {
  readonly code: ImportIssueCode;
  readonly severity: "error" | "warning" | "info";
  /** What, where and how to fix it. */
  readonly message: string;
  /** Index of the argument in argv (0 is the program). */
  readonly argIndex?: number;
  /** Character offset inside that argument. */
  readonly offset?: number;
}
