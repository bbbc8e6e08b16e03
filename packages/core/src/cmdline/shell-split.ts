/**
 * Splits a pasted shell command into argv — without evaluating anything.
 *
 * Supported, with bash's meaning: blanks separate words; `'…'` is literal; `"…"` honours `\"`,
 * `\\`, `\$`, `` \` `` and backslash-newline; an unquoted backslash quotes the next character
 * (backslash-newline joins lines); `$'…'` is ANSI-C quoting; `#` at the start of a word starts a
 * comment; leading `NAME=value` words are environment assignments, returned apart from argv;
 * blank and comment-only lines around the command are ignored. One deliberate difference from
 * bash: outside quotes a CR before a newline is dropped (text pasted from Windows has them).
 *
 * Anything whose value depends on the shell's state is refused with a `ShellSplitError` naming the
 * position, never guessed: `$VAR`, `$(…)`, backticks, `~`, globs (`*`, `?`, `[`), braces, the
 * operators `; | & < > ( )`, and a second command on a later line. Quoting the character (or
 * the word) makes it literal, which is what the messages suggest.
 *
 * `lexScript` (shell-script.ts) reads a whole pasted script with the same lexer.
 */
import { Splitter } from "./shell-lexer.js";

export {
  ShellSplitError,
  type ShellSplitErrorCode,
  type TextPosition,
  textPosition,
} from "./shell-errors.js";

/** A leading `NAME=value` word (an environment variable for the command). */
export interface ShellAssignment {
  readonly name: string;
  readonly value: string;
}

export interface ShellSplitResult {
  readonly argv: string[];
  readonly assignments: ShellAssignment[];
  /** Offset in the text where each argv word starts (for positions in later diagnostics). */
  readonly argvOffsets: number[];
}

/** Splits `text` into argv and leading assignments. Throws `ShellSplitError`. */
export function shellSplit(text: string): ShellSplitResult {
  return new Splitter(text).run();
}
