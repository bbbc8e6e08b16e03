/**
 * Commands as users have them, into layouts: a paste (a command, a terminal line, a script or a
 * Makefile recipe; see paste.ts) or an argv a shell already split, with wrappers such as `sudo` or
 * `timeout` in front of QEMU. Both end in `importArgv` (import.ts).
 */
import { emptyLayout } from "../model/types.js";
import { type ImportResult, importArgv } from "./import.js";
import type { ImportIssue } from "./import-issues.js";
import { type PastedCommand, type PasteOptions, readPastedCommand } from "./paste.js";
import { ShellSplitError } from "./shell-split.js";
import { splitWrappers } from "./wrappers.js";

/**
 * Imports what a user pasted: a command, a terminal line, a script or a Makefile recipe (see
 * `readPastedCommand`), then `importArgv`. With any error the layout is the empty one: nothing
 * half-understood may reach a layout (or, through it, an exported command line).
 */
export function importShellCommand(text: string, opts: PasteOptions = {}): ImportResult {
  let pasted: PastedCommand;
  try {
    pasted = readPastedCommand(text, opts);
  } catch (e) {
    if (!(e instanceof ShellSplitError)) throw e;
    return {
      layout: emptyLayout("aarch64"),
      diagnostics: [
        { code: "shell-syntax", severity: "error", message: e.message, offset: e.position.offset },
      ],
      missingVariables: [],
    };
  }
  // An argv with unknown parts (a variable without a value, $(…)) would only add errors that follow
  // from them: report the paste's own and stop.
  const unreadable = pasted.issues.some((i) => i.severity === "error");
  const r =
    pasted.argv.length > 0 && !unreadable
      ? importArgv(pasted.argv)
      : { layout: emptyLayout("aarch64"), diagnostics: [] };
  const diagnostics = [...pasted.issues, ...r.diagnostics];
  return {
    layout: diagnostics.some((d) => d.severity === "error") ? emptyLayout(r.layout.machine.arch) : r.layout,
    diagnostics,
    missingVariables: pasted.missingVariables,
  };
}

/**
 * Imports a command as a shell already split it (the CLI's `-- ARGV…`): wrappers in front of QEMU
 * (`sudo`, `env VAR=…`, `timeout -k 1 240`, `exec`, …) are skipped and said so, then `importArgv`.
 */
export function importCommandArgv(argv: readonly string[]): ImportResult {
  const w = splitWrappers(argv);
  if (w.program === 0) return importArgv(argv);
  const notes: ImportIssue[] = [
    ...w.skipped.map(
      (x): ImportIssue => ({
        code: "wrapper-skipped",
        severity: "info",
        message: `skipped '${x.words.join(" ")}' before QEMU (it ${x.does}; QEMU's arguments start after it)`,
      }),
    ),
    ...w.environment.map(
      (e): ImportIssue => ({
        code: "environment-dropped",
        severity: "info",
        message: `${e.name}=${e.value} sets the environment, which is not part of QEMU's command line: the layout leaves it out`,
      }),
    ),
  ];
  const r = importArgv(argv.slice(w.program));
  return { ...r, diagnostics: [...notes, ...r.diagnostics] };
}
