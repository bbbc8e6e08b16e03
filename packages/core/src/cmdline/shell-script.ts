/**
 * A whole pasted script, read with the shell lexer in script mode: commands end at newlines, `;`,
 * `&&`, `||`, `|` and `&`; redirections are set aside; `NAME=value` commands (also after `export`,
 * and `NAME+=value`) set variables that later `$NAME`, `${NAME}` and `${NAME:-default}` expand to
 * (unquoted, with bash's word splitting). What still depends on the shell — an unknown variable,
 * `$(…)`, backticks, globs — does not stop the reading: the word is marked (`WordTaint`) and
 * whoever uses it decides. Nothing is ever run.
 */
import { Splitter } from "./shell-lexer.js";

/** Why a word of a script is not known text: it holds something only a running shell could expand. */
export interface WordTaint {
  readonly kind: "variable" | "substitution" | "glob" | "tilde";
  /** Where it starts in the text. */
  readonly offset: number;
  /** The variable's name, for `variable`. */
  readonly name?: string;
  /** The text as written, e.g. `$(pwd)`, `*`. */
  readonly text: string;
}

/** One word of a script command. */
export interface ScriptWord {
  readonly text: string;
  readonly offset: number;
  /** Whether it is a `NAME=value` assignment word (the `=` not quoted, NAME a valid name). */
  readonly assignment?: { readonly name: string; readonly value: string };
  readonly taints: readonly WordTaint[];
}

/** One simple command of a script, with what was set aside around it. */
export interface ScriptCommand {
  readonly words: readonly ScriptWord[];
  /** Offset of its first character. */
  readonly offset: number;
  /** Redirections as written (`2>&1`, `> log`), which do not change QEMU's argv. */
  readonly redirections: readonly string[];
  /** Whether it is piped into the next command (`|`), or piped from the previous one. */
  readonly pipeTo: boolean;
  readonly pipeFrom: boolean;
}

/** A variable known while reading a script. */
export interface ScriptVariable {
  readonly value: string;
  /** Where it was set: `"given"` (by the caller) or the offset of the assignment in the text. */
  readonly from: "given" | number;
  /** Set from something that needs a running shell (`$(…)`): its value is unknown. */
  readonly taints?: readonly WordTaint[];
}

export interface ScriptLexResult {
  readonly commands: readonly ScriptCommand[];
  /** Every variable as it was at the end of the script. */
  readonly variables: ReadonlyMap<string, ScriptVariable>;
  /** Each variable expansion, in order: name, where, and whether it had a value. */
  readonly expansions: readonly { name: string; offset: number; known: boolean }[];
}

/**
 * Reads a pasted script into its simple commands, expanding variables that are known (`given`,
 * then the script's own assignments in order; a given value wins over the script's, since the
 * caller asked for it). Throws `ShellSplitError` only for text no shell would accept
 * (an unterminated quote, a NUL) or constructs guestmap does not follow (here-documents).
 */
export function lexScript(text: string, given: ReadonlyMap<string, string> = new Map()): ScriptLexResult {
  return new Splitter(text, given).script();
}
