/**
 * POSIX shell quoting: the inverse of `shellSplit` for any argv without NUL characters.
 */

/** Characters that never mean anything to sh/bash/zsh anywhere in a word. */
const SAFE = /^[A-Za-z0-9_\-+=/.,:@%]+$/;

/**
 * One argument as shell text: bare when every character is inert (and it cannot be read as a
 * `NAME=value` assignment or start with `=`/`~`), otherwise in single quotes, with each `'`
 * written as `'\''`. Newlines and UTF-8 stay as they are inside the quotes.
 */
export function shellQuote(arg: string): string {
  if (arg !== "" && SAFE.test(arg) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(arg) && !arg.startsWith("="))
    return arg;
  return `'${arg.replace(/'/g, "'\\''")}'`;
}

/** How a command is laid out as text. */
export type CommandFormat = "line" | "multiline" | "json";
export const COMMAND_FORMATS: readonly CommandFormat[] = ["line", "multiline", "json"];

/**
 * Formats a command given as argv groups (the program, then each option with its value):
 * - `line`: every argument quoted, one line;
 * - `multiline`: one group per line joined with ` \` continuations, continuation lines indented
 *   by two spaces;
 * - `json`: the flat argv as a JSON array of strings.
 * Each ends with a newline.
 */
export function formatCommand(groups: readonly (readonly string[])[], format: CommandFormat): string {
  if (format === "json") return `${JSON.stringify(groups.flat())}\n`;
  const lines = groups.filter((g) => g.length > 0).map((g) => g.map(shellQuote).join(" "));
  if (format === "line") return `${lines.join(" ")}\n`;
  return `${lines.join(" \\\n  ")}\n`;
}
