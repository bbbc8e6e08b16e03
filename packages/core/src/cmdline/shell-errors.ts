/** Where a pasted command went wrong, and the error that says so (shared by shellSplit and lexScript). */
/** Where in the pasted text: 1-based line and column (in UTF-16 units), 0-based offset. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/**
 * Why a command could not be split:
 * - `unquoted-expansion`: `$`, a backtick or `~` outside quotes (its value is the shell's).
 * - `expansion-in-double-quotes`: `$` or a backtick inside `"…"`.
 * - `unquoted-glob`: `*`, `?`, `[` or `{`/`}` outside quotes (the shell may expand them).
 * - `unquoted-operator`: `; | & < > ( )` outside quotes (would run or redirect something).
 * - `unterminated-quote`: a quote that is never closed.
 * - `multiple-commands`: a later line holds another command (join lines with a trailing `\`).
 * - `nul-byte`: a `$'\0'`-style NUL (no argv string can hold it).
 * - `invalid-utf8`: `$'\xHH'` bytes that are not UTF-8 text.
 * - `empty-command`: no command at all.
 */
export type ShellSplitErrorCode =
  | "unquoted-expansion"
  | "expansion-in-double-quotes"
  | "unquoted-glob"
  | "unquoted-operator"
  | "unterminated-quote"
  | "multiple-commands"
  | "nul-byte"
  | "invalid-utf8"
  | "empty-command";

/** A pasted command guestmap will not split; `position` is where the problem starts. */
export class ShellSplitError extends Error {
  constructor(
    readonly code: ShellSplitErrorCode,
    readonly position: TextPosition,
    message: string,
  ) {
    super(`line ${position.line}, column ${position.column}: ${message}`);
    this.name = "ShellSplitError";
  }
}

/** The position of `offset` in `text`. */
export function textPosition(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}
