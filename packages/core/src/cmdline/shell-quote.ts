/**
 * POSIX shell quoting: the inverse of `shellSplit` for any argv without NUL characters.
 */
import { encodeUtf8, escapeTerminal, TERMINAL_UNSAFE } from "../util/text.js";

/** Characters that never mean anything to sh/bash/zsh anywhere in a word. */
const SAFE = /^[A-Za-z0-9_\-+=/.,:@%]+$/;

/**
 * One argument as shell text: bare when every character is inert (and it cannot be read as a
 * `NAME=value` assignment or start with `=`/`~`), otherwise in single quotes, with each `'`
 * written as `'\''`. Newlines, tabs and UTF-8 stay as they are inside the quotes. An argument
 * holding a `TERMINAL_UNSAFE` character is written in bash's `$'…'` with every such character as
 * its UTF-8 bytes in `\xHH` escapes (locale-independent), so the script shows no raw control or
 * bidi character; such a script needs bash (or zsh, ksh, busybox sh), not dash.
 */
export function shellQuote(arg: string): string {
  if (arg !== "" && SAFE.test(arg) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(arg) && !arg.startsWith("="))
    return arg;
  if (TERMINAL_UNSAFE.test(arg)) return ansiCQuote(arg);
  return `'${arg.replace(/'/g, "'\\''")}'`;
}

function ansiCQuote(arg: string): string {
  let out = "$'";
  for (const ch of arg) {
    if (ch === "\\" || ch === "'") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (TERMINAL_UNSAFE.test(ch))
      for (const b of encodeUtf8(ch)) out += `\\x${b.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}'`;
}

/**
 * The first line of a script running `command` (formatted by `formatCommand`): `#!/bin/sh`, or
 * bash when an argument needed `$'…'` quoting (dash, Debian's sh, has none).
 */
export function scriptShebang(command: string): string {
  return command.includes("$'") ? "#!/usr/bin/env bash\n" : "#!/bin/sh\n";
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
  if (format === "json")
    // JSON.stringify escapes C0 controls; C1 and bidi controls are escaped too, so that printing
    // the JSON shows them rather than acting on them (the parsed strings are the same).
    return `${escapeTerminal(JSON.stringify(groups.flat()))}\n`;
  const lines = groups.filter((g) => g.length > 0).map((g) => g.map(shellQuote).join(" "));
  if (format === "line") return `${lines.join(" ")}\n`;
  return `${lines.join(" \\\n  ")}\n`;
}
