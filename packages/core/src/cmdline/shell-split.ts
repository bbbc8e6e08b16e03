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
 */
import { decodeUtf8Strict } from "../util/text.js";

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

const BLANK = new Set([" ", "\t"]);
const OPERATORS = new Set([";", "|", "&", "<", ">", "(", ")"]);
const GLOBS = new Set(["*", "?", "[", "{", "}"]);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Splits `text` into argv and leading assignments. Throws `ShellSplitError`. */
export function shellSplit(text: string): ShellSplitResult {
  return new Splitter(text).run();
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

class Splitter {
  private i = 0;
  private readonly words: { text: string; offset: number; literalPrefix: number }[] = [];
  /** The word being built, or undefined between words. */
  private word: string | undefined;
  private wordStart = 0;
  /** Length of the word's leading part written with no quoting at all (for `NAME=` detection). */
  private literalPrefix = 0;
  private quotedSeen = false;
  /** Raw bytes from `$'\xHH'` waiting to be decoded as UTF-8 together. */
  private bytes: number[] = [];
  private bytesOffset = 0;
  private commandEndedAt: number | undefined;

  constructor(private readonly text: string) {}

  private fail(code: ShellSplitErrorCode, offset: number, message: string): never {
    throw new ShellSplitError(code, textPosition(this.text, offset), message);
  }

  private append(s: string, quoted: boolean): void {
    this.flushBytes();
    if (this.word === undefined) this.startWord();
    this.word += s;
    if (quoted) this.quotedSeen = true;
    else if (!this.quotedSeen) this.literalPrefix = this.word!.length;
  }

  private startWord(): void {
    if (this.commandEndedAt !== undefined)
      this.fail(
        "multiple-commands",
        this.i,
        "a second command starts here; guestmap reads one QEMU command. End the previous line with `\\` to continue it, or remove this line",
      );
    this.word = "";
    this.wordStart = this.i;
    this.literalPrefix = 0;
    this.quotedSeen = false;
  }

  private flushBytes(): void {
    if (this.bytes.length === 0) return;
    const s = decodeUtf8Strict(Uint8Array.from(this.bytes));
    if (s === undefined)
      this.fail(
        "invalid-utf8",
        this.bytesOffset,
        "these $'\\x…' bytes are not UTF-8 text; guestmap only handles text arguments",
      );
    this.bytes = [];
    this.word = (this.word ?? "") + s;
    this.quotedSeen = true;
  }

  private endWord(): void {
    this.flushBytes();
    if (this.word === undefined) return;
    this.words.push({ text: this.word, offset: this.wordStart, literalPrefix: this.literalPrefix });
    this.word = undefined;
  }

  private endLine(): void {
    this.endWord();
    if (this.words.length > 0) this.commandEndedAt ??= this.i;
  }

  run(): ShellSplitResult {
    const t = this.text;
    while (this.i < t.length) {
      const c = t[this.i]!;
      if (c === "\r" && t[this.i + 1] === "\n") {
        this.i++;
        continue;
      }
      if (c === "\n") {
        this.endLine();
        this.i++;
      } else if (BLANK.has(c)) {
        this.endWord();
        this.i++;
      } else if (c === "#" && this.word === undefined) {
        while (this.i < t.length && t[this.i] !== "\n") this.i++;
      } else if (c === "\\") {
        this.backslash();
      } else if (c === "'") {
        this.singleQuoted();
      } else if (c === '"') {
        this.doubleQuoted();
      } else if (c === "$" && t[this.i + 1] === "'") {
        this.ansiC();
      } else if (c === "$" || c === "`") {
        this.fail(
          "unquoted-expansion",
          this.i,
          `unquoted \`${c}\` would make the shell substitute a value guestmap cannot know; quote it as '${c}' (single quotes) if it is literal text, or replace it with its value`,
        );
      } else if (c === "~" && this.word === undefined) {
        this.fail(
          "unquoted-expansion",
          this.i,
          "unquoted `~` is the shell's home directory, which guestmap cannot know; write the full path, or quote it as '~' if it is a literal name",
        );
      } else if (OPERATORS.has(c)) {
        this.fail(
          "unquoted-operator",
          this.i,
          `unquoted \`${c}\` would make the shell run or redirect something; guestmap reads a single command, so quote it ('${c}') if it is part of an argument, or remove it`,
        );
      } else if (GLOBS.has(c)) {
        this.fail(
          "unquoted-glob",
          this.i,
          `unquoted \`${c}\` may be expanded by the shell (file names or braces); quote it ('${c}') to pass it literally`,
        );
      } else {
        this.append(c, false);
        this.i++;
      }
    }
    this.endLine();

    const assignments: ShellAssignment[] = [];
    let k = 0;
    for (; k < this.words.length; k++) {
      const w = this.words[k]!;
      const eq = w.text.indexOf("=");
      if (eq <= 0 || eq >= w.literalPrefix || !NAME_RE.test(w.text.slice(0, eq))) break;
      assignments.push({ name: w.text.slice(0, eq), value: w.text.slice(eq + 1) });
    }
    const rest = this.words.slice(k);
    if (rest.length === 0)
      this.fail(
        "empty-command",
        t.length,
        "no command found; paste the whole QEMU command line (e.g. `qemu-system-aarch64 -M virt …`)",
      );
    return { argv: rest.map((w) => w.text), assignments, argvOffsets: rest.map((w) => w.offset) };
  }

  private backslash(): void {
    const t = this.text;
    const next = t[this.i + 1];
    if (next === undefined) {
      // bash keeps a backslash at the very end of the input as a literal backslash.
      this.append("\\", true);
      this.i++;
    } else if (next === "\n") {
      this.i += 2;
    } else if (next === "\r" && t[this.i + 2] === "\n") {
      this.i += 3;
    } else {
      const cp = t.codePointAt(this.i + 1)!;
      const ch = String.fromCodePoint(cp);
      if (this.word === undefined) this.startWord();
      this.append(ch, true);
      this.i += 1 + ch.length;
    }
  }

  private singleQuoted(): void {
    const t = this.text;
    const start = this.i;
    const end = t.indexOf("'", start + 1);
    if (end < 0)
      this.fail("unterminated-quote", start, "this single quote is never closed; add the closing `'`");
    if (this.word === undefined) this.startWord();
    this.append(t.slice(start + 1, end), true);
    this.i = end + 1;
  }

  private doubleQuoted(): void {
    const t = this.text;
    const start = this.i;
    if (this.word === undefined) this.startWord();
    this.quotedSeen = true;
    let s = "";
    this.i++;
    for (;;) {
      const c = t[this.i];
      if (c === undefined)
        this.fail("unterminated-quote", start, 'this double quote is never closed; add the closing `"`');
      if (c === '"') break;
      if (c === "\\") {
        const n = t[this.i + 1];
        if (n === "\n") {
          this.i += 2;
          continue;
        }
        if (n === "\r" && t[this.i + 2] === "\n") {
          this.i += 3;
          continue;
        }
        if (n === '"' || n === "\\" || n === "$" || n === "`") {
          s += n;
          this.i += 2;
          continue;
        }
        s += "\\";
        this.i++;
        continue;
      }
      if (c === "$" || c === "`")
        this.fail(
          "expansion-in-double-quotes",
          this.i,
          `\`${c}\` inside double quotes would make the shell substitute a value guestmap cannot know; write \\${c} or use single quotes if it is literal text`,
        );
      s += c;
      this.i++;
    }
    this.append(s, true);
    this.i++;
  }

  private ansiC(): void {
    const t = this.text;
    const start = this.i;
    if (this.word === undefined) this.startWord();
    this.quotedSeen = true;
    this.i += 2;
    const pushText = (s: string) => {
      this.flushBytes();
      this.word = (this.word ?? "") + s;
    };
    const pushCode = (cp: number, at: number) => {
      if (cp === 0)
        this.fail(
          "nul-byte",
          at,
          "a NUL character cannot be part of a command-line argument (bash would cut the argument here); remove it",
        );
      if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        this.fail("invalid-utf8", at, "this \\u/\\U escape is not a Unicode character");
      pushText(String.fromCodePoint(cp));
    };
    const pushByte = (b: number, at: number) => {
      if (b === 0)
        this.fail(
          "nul-byte",
          at,
          "a NUL character cannot be part of a command-line argument (bash would cut the argument here); remove it",
        );
      if (this.bytes.length === 0) this.bytesOffset = at;
      this.bytes.push(b);
    };
    const digits = (re: RegExp, max: number): string => {
      let d = "";
      while (d.length < max && t[this.i] !== undefined && re.test(t[this.i]!)) d += t[this.i++];
      return d;
    };
    for (;;) {
      const c = t[this.i];
      if (c === undefined)
        this.fail("unterminated-quote", start, "this $'…' quote is never closed; add the closing `'`");
      if (c === "'") break;
      if (c !== "\\") {
        const ch = String.fromCodePoint(t.codePointAt(this.i)!);
        pushText(ch);
        this.i += ch.length;
        continue;
      }
      const at = this.i;
      const e = t[this.i + 1];
      this.i += 2;
      const simple: Record<string, string> = {
        a: "\x07",
        b: "\b",
        e: "\x1b",
        E: "\x1b",
        f: "\f",
        n: "\n",
        r: "\r",
        t: "\t",
        v: "\v",
        "\\": "\\",
        "'": "'",
        '"': '"',
        "?": "?",
      };
      if (e === undefined) {
        this.fail("unterminated-quote", start, "this $'…' quote is never closed; add the closing `'`");
      } else if (simple[e] !== undefined) {
        pushText(simple[e]);
      } else if (/[0-7]/.test(e)) {
        this.i--;
        // bash: up to three octal digits, the value taken modulo 256 (a byte).
        pushByte(Number.parseInt(digits(/[0-7]/, 3), 8) & 0xff, at);
      } else if (e === "x") {
        const d = digits(/[0-9a-fA-F]/, 2);
        if (d === "") pushText("\\x");
        else pushByte(Number.parseInt(d, 16), at);
      } else if (e === "u" || e === "U") {
        const d = digits(/[0-9a-fA-F]/, e === "u" ? 4 : 8);
        if (d === "") pushText(`\\${e}`);
        else pushCode(Number.parseInt(d, 16), at);
      } else if (e === "c") {
        const n = t[this.i];
        if (n === undefined || n === "'") pushText("\\c");
        else {
          this.i++;
          pushCode(n.toUpperCase().charCodeAt(0) & 0x1f, at);
        }
      } else {
        // Unknown escapes stay as written, backslash included (bash does the same).
        pushText(`\\${e}`);
      }
    }
    this.flushBytes();
    this.i++;
  }
}
