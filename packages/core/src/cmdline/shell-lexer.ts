/**
 * The shell lexer behind `shellSplit` (one command, anything shell-dependent refused) and
 * `lexScript` (a script: commands, variables, taints). Nothing is ever evaluated.
 */
import { decodeUtf8Strict } from "../util/text.js";
import { ShellSplitError, type ShellSplitErrorCode, textPosition } from "./shell-errors.js";
import type {
  ScriptCommand,
  ScriptLexResult,
  ScriptVariable,
  ScriptWord,
  WordTaint,
} from "./shell-script.js";
import type { ShellAssignment, ShellSplitResult } from "./shell-split.js";

const BLANK = new Set([" ", "\t"]);
const OPERATORS = new Set([";", "|", "&", "<", ">", "(", ")"]);
const GLOBS = new Set(["*", "?", "[", "{", "}"]);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Builtins whose `NAME=value` arguments set shell variables. */
const ASSIGNING_BUILTINS = new Set(["export", "readonly", "declare", "local", "typeset"]);

interface RawWord {
  text: string;
  offset: number;
  literalPrefix: number;
  taints: WordTaint[];
}

export class Splitter {
  private i = 0;
  private words: RawWord[] = [];
  /** The word being built, or undefined between words. */
  private word: string | undefined;
  private wordStart = 0;
  /** Length of the word's leading part written with no quoting at all (for `NAME=` detection). */
  private literalPrefix = 0;
  private quotedSeen = false;
  private taints: WordTaint[] = [];
  /** Raw bytes from `$'\xHH'` waiting to be decoded as UTF-8 together. */
  private bytes: number[] = [];
  private bytesOffset = 0;
  private commandEndedAt: number | undefined;
  /** Script mode (`lexScript`): several commands, variables, taints instead of refusals. */
  private readonly isScript: boolean;
  private readonly vars = new Map<string, ScriptVariable>();
  private readonly given: ReadonlyMap<string, string>;
  private readonly commands: ScriptCommand[] = [];
  private readonly expansions: { name: string; offset: number; known: boolean }[] = [];
  private commandStart: number | undefined;
  private redirections: string[] = [];
  /** A redirection operator waiting for its target word. */
  private redirect: { op: string } | undefined;
  private pipeFrom = false;

  constructor(
    private readonly text: string,
    given?: ReadonlyMap<string, string>,
  ) {
    this.isScript = given !== undefined;
    this.given = given ?? new Map();
    for (const [name, value] of this.given) this.vars.set(name, { value, from: "given" });
  }

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
    if (this.commandEndedAt !== undefined && !this.isScript)
      this.fail(
        "multiple-commands",
        this.i,
        "a second command starts here; guestmap reads one QEMU command. End the previous line with `\\` to continue it, or remove this line",
      );
    this.word = "";
    this.wordStart = this.i;
    this.commandStart ??= this.i;
    this.literalPrefix = 0;
    this.quotedSeen = false;
    this.taints = [];
  }

  private taint(t: WordTaint): void {
    if (this.word === undefined) this.startWord();
    this.taints.push(t);
    this.quotedSeen = true;
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
    const w: RawWord = {
      text: this.word,
      offset: this.wordStart,
      literalPrefix: this.literalPrefix,
      taints: this.taints,
    };
    this.word = undefined;
    if (this.redirect) {
      this.redirections.push(`${this.redirect.op}${w.text}`);
      this.redirect = undefined;
      return;
    }
    this.words.push(w);
  }

  private endLine(): void {
    this.endWord();
    if (this.isScript) this.endCommand(false);
    else if (this.words.length > 0) this.commandEndedAt ??= this.i;
  }

  /** Script mode: the simple command so far is complete; apply it if it only assigns variables. */
  private endCommand(pipeTo: boolean): void {
    this.endWord();
    if (this.redirect)
      this.fail("unquoted-operator", this.i, `\`${this.redirect.op}\` needs a file name after it`);
    const words: ScriptWord[] = this.words.map((w) => {
      const eq = w.text.indexOf("=");
      // `NAME+=value` appends (bash), common in scripts that build QEMU's flags line by line.
      const plus = eq > 1 && w.text[eq - 1] === "+";
      const name = w.text.slice(0, plus ? eq - 1 : eq);
      const named = eq > 0 && eq < w.literalPrefix && NAME_RE.test(name);
      const value = w.text.slice(eq + 1);
      const prior = plus ? this.vars.get(name) : undefined;
      return {
        text: w.text,
        offset: w.offset,
        taints: prior?.taints ? [...prior.taints, ...w.taints] : w.taints,
        ...(named && { assignment: { name, value: prior ? prior.value + value : value } }),
      };
    });
    if (words.length > 0 || this.redirections.length > 0) {
      this.commands.push({
        words,
        offset: this.commandStart ?? this.i,
        redirections: this.redirections,
        pipeTo,
        pipeFrom: this.pipeFrom,
      });
      // `NAME=value …` alone (or after export/readonly/declare/local) sets shell variables.
      const body = ASSIGNING_BUILTINS.has(words[0]?.text ?? "") ? words.slice(1) : words;
      if (body.length > 0 && body.every((w) => w.assignment))
        for (const w of body) {
          const a = w.assignment!;
          if (this.given.has(a.name)) continue;
          this.vars.set(a.name, {
            value: a.value,
            from: w.offset,
            ...(w.taints.length > 0 && { taints: w.taints }),
          });
        }
    }
    this.words = [];
    this.redirections = [];
    this.commandStart = undefined;
    this.pipeFrom = pipeTo;
  }

  script(): ScriptLexResult {
    this.loop();
    this.endCommand(false);
    return { commands: this.commands, variables: this.vars, expansions: this.expansions };
  }

  run(): ShellSplitResult {
    this.loop();
    this.endLine();
    const t = this.text;

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

  private loop(): void {
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
      } else if (this.isScript && (c === "$" || c === "`")) {
        this.expand(false);
      } else if (c === "$" || c === "`") {
        this.fail(
          "unquoted-expansion",
          this.i,
          `unquoted \`${c}\` would make the shell substitute a value guestmap cannot know; quote it as '${c}' (single quotes) if it is literal text, or replace it with its value`,
        );
      } else if (c === "~" && this.word === undefined) {
        if (this.isScript) this.tilde();
        else
          this.fail(
            "unquoted-expansion",
            this.i,
            "unquoted `~` is the shell's home directory, which guestmap cannot know; write the full path, or quote it as '~' if it is a literal name",
          );
      } else if (this.isScript && OPERATORS.has(c)) {
        this.operator();
      } else if (OPERATORS.has(c)) {
        this.fail(
          "unquoted-operator",
          this.i,
          `unquoted \`${c}\` would make the shell run or redirect something; guestmap reads a single command, so quote it ('${c}') if it is part of an argument, or remove it`,
        );
      } else if (GLOBS.has(c)) {
        if (!this.isScript)
          this.fail(
            "unquoted-glob",
            this.i,
            `unquoted \`${c}\` may be expanded by the shell (file names or braces); quote it ('${c}') to pass it literally`,
          );
        this.taint({ kind: "glob", offset: this.i, text: c });
        this.append(c, false);
        this.i++;
      } else {
        this.append(c, false);
        this.i++;
      }
    }
  }

  /** Script mode: `;`, `&&`, `||`, `|`, `&` end a command; `<`/`>` forms are redirections. */
  private operator(): void {
    const t = this.text;
    const c = t[this.i]!;
    const two = t.slice(this.i, this.i + 2);
    if (two === "<<")
      this.fail(
        "unquoted-operator",
        this.i,
        "a here-document (`<<`) is not followed by guestmap; paste the QEMU command without it",
      );
    if (c === "<" || c === ">" || two === "&>") {
      // A word made only of digits right before it is the file descriptor (`2>`), not an argument.
      if (this.word !== undefined && /^[0-9]+$/.test(this.word) && this.literalPrefix === this.word.length) {
        const fd = this.word;
        this.word = undefined;
        this.redirectOp(fd);
      } else {
        this.endWord();
        this.redirectOp("");
      }
      return;
    }
    this.endWord();
    if (two === "&&" || two === "||") {
      this.endCommand(false);
      this.i += 2;
    } else if (two === "|&") {
      this.endCommand(true);
      this.i += 2;
    } else if (c === "|") {
      this.endCommand(true);
      this.i++;
    } else {
      // `;`, a lone `&` (run in the background), or a subshell's/function's `(` `)`: the
      // commands inside are read like any other.
      this.endCommand(false);
      this.i++;
    }
  }

  private redirectOp(fd: string): void {
    const t = this.text;
    const m = /^(?:&>>|&>|>>|>\||>&|<&|<>|>|<)/.exec(t.slice(this.i))!;
    this.i += m[0].length;
    let op = fd + m[0];
    if (m[0].endsWith("&")) {
      const d = /^(?:[0-9]+|-)/.exec(t.slice(this.i));
      if (d) {
        this.i += d[0].length;
        this.redirections.push(op + d[0]);
        return;
      }
    }
    while (BLANK.has(t[this.i] ?? "")) {
      op += t[this.i];
      this.i++;
    }
    this.redirect = { op };
  }

  private tilde(): void {
    const home = this.vars.get("HOME");
    this.startWord();
    if (home && !home.taints) {
      this.append(home.value, true);
      this.quotedSeen = true;
    } else this.taint({ kind: "tilde", offset: this.i, name: "HOME", text: "~" });
    this.i++;
  }

  /**
   * Script mode: `$NAME`, `${NAME}`, `${NAME:-word}`, `$@`, `$(…)`, `` `…` `` at `this.i`.
   * Unquoted values are split at blanks like bash's word splitting.
   */
  private expand(quoted: boolean): void {
    const t = this.text;
    const start = this.i;
    const c = t[start]!;
    if (c === "`") {
      const end = this.closing(start + 1, "`");
      this.taint({ kind: "substitution", offset: start, text: t.slice(start, end + 1) });
      this.i = end + 1;
      return;
    }
    const n = t[start + 1];
    if (n === "(") {
      const end = this.closing(start + 2, ")");
      this.taint({ kind: "substitution", offset: start, text: t.slice(start, end + 1) });
      this.i = end + 1;
      return;
    }
    let name: string | undefined;
    let fallback: string | undefined;
    let end: number;
    if (n === "{") {
      const close = t.indexOf("}", start + 2);
      if (close < 0)
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax in a message
        this.fail("unterminated-quote", start, "this `${` is never closed; add the closing `}`");
      const inner = t.slice(start + 2, close);
      const m = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*])(?::?-(.*))?$/s.exec(inner);
      end = close + 1;
      if (!m) {
        this.taint({ kind: "substitution", offset: start, text: t.slice(start, end) });
        this.i = end;
        return;
      }
      name = m[1]!;
      fallback = m[2];
    } else {
      const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(t.slice(start + 1));
      if (!m) {
        // A `$` before a blank, a quote or the end is literal, as in bash.
        this.append("$", quoted);
        this.i++;
        return;
      }
      name = m[0];
      end = start + 1 + name.length;
    }
    this.i = end;
    const v = this.vars.get(name);
    let value: string | undefined = v && !v.taints ? v.value : undefined;
    if (value === undefined && fallback !== undefined && !/[$`]/.test(fallback)) value = fallback;
    // The script's own arguments: none were given, so "$@" is empty (what the caller is told).
    if (value === undefined && (name === "@" || name === "*")) value = "";
    this.expansions.push({ name, offset: start, known: value !== undefined });
    if (value === undefined) {
      this.taint({ kind: "variable", offset: start, name, text: t.slice(start, end) });
      return;
    }
    if (quoted) {
      if (this.word === undefined) this.startWord();
      this.word += value;
      this.quotedSeen = true;
      return;
    }
    // Unquoted: split at blanks/newlines; an empty unquoted expansion makes no word.
    const parts = value.split(/[ \t\n]+/);
    parts.forEach((p, k) => {
      if (k > 0) {
        this.endWord();
      }
      if (p !== "") {
        if (this.word === undefined) {
          this.startWord();
          this.wordStart = start;
        }
        this.word += p;
        this.quotedSeen = true;
      }
    });
  }

  /** The index of the `close` that ends a `$(`/backtick starting at `from` (nesting and quotes aware). */
  private closing(from: number, close: string): number {
    const t = this.text;
    let depth = 0;
    for (let k = from; k < t.length; k++) {
      const ch = t[k]!;
      if (ch === "\\") {
        k++;
      } else if (ch === "'" && close === ")") {
        const e = t.indexOf("'", k + 1);
        if (e < 0) break;
        k = e;
      } else if (close === ")" && ch === "(") depth++;
      else if (ch === close) {
        if (depth === 0) return k;
        depth--;
      }
    }
    this.fail("unterminated-quote", from - 1, `this \`${close === ")" ? "$(" : "`"}\` is never closed`);
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
    // A whole-word "$@" with no arguments given is no word at all, as in bash.
    if (
      this.isScript &&
      this.word === undefined &&
      t.startsWith('"$@"', start) &&
      !this.vars.has("@") &&
      /^(?:[ \t\r\n;&|<>()]|$)/.test(t.slice(start + 4, start + 5))
    ) {
      this.expansions.push({ name: "@", offset: start + 1, known: true });
      this.i += 4;
      return;
    }
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
      if ((c === "$" || c === "`") && this.isScript) {
        // Flush what was read so far: the expansion appends to the same word.
        this.append(s, true);
        s = "";
        this.expand(true);
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
