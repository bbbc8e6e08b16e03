/**
 * What users paste → the one QEMU argv in it. A paste is rarely a bare command: it is a terminal
 * line with a prompt, a script that sets variables first, a command behind `sudo`/`timeout`/`exec`,
 * a Makefile recipe, `export QEMU_CMD="…"`. This finds the QEMU command, expands the variables
 * whose values are known (from the paste itself or given by the caller), and says what it left
 * out. It never runs anything: `$(…)`, backticks and globs in the QEMU command are errors.
 */
import type { ImportIssue } from "./import-issues.js";
import { fromMakefile } from "./makefile.js";
import { ShellSplitError, textPosition } from "./shell-errors.js";
import { lexScript, type ScriptCommand, type ScriptLexResult, type WordTaint } from "./shell-script.js";
import { splitWrappers, type WrapperSplit } from "./wrappers.js";

export interface PasteOptions {
  /** Values for variables (`--var NAME=VALUE`, the app's form); they win over the paste's own. */
  readonly vars?: Readonly<Record<string, string>>;
}

export interface PastedCommand {
  /** QEMU's argv, program first; empty when no single QEMU command could be found. */
  readonly argv: readonly string[];
  readonly issues: readonly ImportIssue[];
  /** Variables the QEMU command uses that have no value: what `--var`/the form must supply. */
  readonly missingVariables: readonly string[];
}

/** Any QEMU system emulator, modelled or not (x86 gets its own message later). */
const QEMU_RE = /(?:^|\/)qemu-system-[A-Za-z0-9_.-]+$/;
/** Options only QEMU takes: a command using them behind a `$QEMU` variable is the QEMU command. */
const QEMU_OPTIONS = new Set(["-M", "-machine", "-kernel", "-device", "-bios", "-initrd", "-dtb", "-append"]);

interface Candidate {
  readonly command: ScriptCommand;
  readonly wrappers: WrapperSplit;
}

/** Finds the QEMU command in a paste. Throws `ShellSplitError` for text no shell would accept. */
export function readPastedCommand(text: string, opts: PasteOptions = {}): PastedCommand {
  return read(text, opts, 0);
}

function read(text: string, opts: PasteOptions, depth: number): PastedCommand {
  const given = new Map(Object.entries(opts.vars ?? {}));
  const issues: ImportIssue[] = [];
  let source = stripPrompts(text);
  const make = fromMakefile(source);
  if (make) {
    source = make.shell;
    issues.push({ code: "command-skipped", severity: "info", message: make.note });
  }
  let lexed = lexScript(source, given);
  let found = qemuCommands(lexed);
  if (found.length === 0) {
    // `# qemu-system-…` pasted from a root shell: the `#` is a prompt, not a comment.
    const rooted = uncommentRootPrompt(source);
    if (rooted !== undefined) {
      source = rooted;
      lexed = lexScript(source, given);
      found = qemuCommands(lexed);
    }
  }
  const line = (offset: number) => textPosition(source, offset).line;

  if (found.length === 0) {
    // `export QEMU_CMD="qemu-system-… …"`: the command is the variable's value.
    for (const [name, v] of lexed.variables) {
      // One level: a variable holding a command is followed, a variable inside that one is not.
      if (depth > 0 || v.taints || !QEMU_RE.test(v.value.trim().split(/\s+/)[0] ?? "")) continue;
      const inner = read(
        v.value,
        { vars: { ...Object.fromEntries(knownValues(lexed)), ...opts.vars } },
        depth + 1,
      );
      return {
        ...inner,
        issues: [
          {
            code: "command-skipped",
            severity: "info",
            message: `read the QEMU command from the value of ${name}${v.from === "given" ? "" : ` (set on line ${line(v.from)})`}`,
          },
          ...issues,
          ...inner.issues,
        ],
      };
    }
    const others = lexed.commands.filter((c) => programIndex(c) < c.words.length);
    if (others.length === 1) found = [{ command: others[0]!, wrappers: wrappersOf(others[0]!) }];
    else if (others.length === 0)
      throw new ShellSplitError(
        "empty-command",
        textPosition(source, source.length),
        "no command found; paste the whole QEMU command line (e.g. `qemu-system-aarch64 -M virt …`)",
      );
    else
      return {
        argv: [],
        missingVariables: [],
        issues: [
          ...issues,
          {
            code: "unknown-program",
            severity: "error",
            message: `no QEMU command found among the ${others.length} commands pasted (${others
              .slice(0, 4)
              .map((c) => `line ${line(c.offset)}: ${programOf(c)}`)
              .join(", ")}); paste the qemu-system-aarch64, -arm, -riscv64 or -riscv32 command`,
          },
        ],
      };
  }
  if (found.length > 1)
    return {
      argv: [],
      missingVariables: [],
      issues: [
        ...issues,
        {
          code: "several-commands",
          severity: "error",
          message: `this paste runs QEMU ${found.length} times (lines ${found.map((f) => line(f.command.offset)).join(", ")}); guestmap reads one command: paste only the one to import`,
        },
      ],
    };

  const { command, wrappers } = found[0]!;
  const words = command.words.slice(wrappers.program);
  const argv = words.map((w) => w.text);
  const at = lexed.commands.indexOf(command);

  // A line that continues QEMU's options after the command ended: a missing `\`, or a
  // commented-out option between `\` lines (the comment ends the command, and its `\` with it).
  const next = lexed.commands[at + 1];
  if (next && !command.pipeTo && next.words[0]?.text.startsWith("-")) {
    const between = source.slice(lastOffset(command), next.offset);
    const comment = /\n[ \t]*(#[^\n]*)/.exec(between);
    issues.push({
      code: "several-commands",
      severity: "error",
      offset: next.offset,
      message: comment
        ? `line ${line(next.offset)}: '${next.words[0]!.text}' is cut off from the QEMU command by the comment on line ${line(lastOffset(command) + comment.index + 1)} (${abbreviate(comment[1]!)}): a comment ends the command, \`\\\` and all, so the shell would run QEMU without the lines after it. Delete the commented-out line, or move it below the command`
        : `line ${line(next.offset)}: '${next.words[0]!.text}' starts a new command, cut off from QEMU's options; end line ${line(next.offset) - 1} with \`\\\` to continue the command`,
    });
  }

  for (const w of wrappers.skipped)
    issues.push({
      code: "wrapper-skipped",
      severity: "info",
      message: `skipped '${w.words.join(" ")}' before QEMU (it ${w.does}; QEMU's arguments start after it)`,
    });
  if (wrappers.chdir !== undefined)
    issues.push({
      code: "wrapper-skipped",
      severity: "warning",
      message: `the wrapper runs QEMU in ${wrappers.chdir}: relative file names in the command resolve there, not where you import`,
    });
  for (const e of wrappers.environment)
    issues.push({
      code: "environment-dropped",
      severity: "info",
      message: `${e.name}=${e.value} sets the environment, which is not part of QEMU's command line: the layout leaves it out; set it in your shell when you run the exported command`,
    });
  const around = [
    ...command.redirections,
    ...(command.pipeTo ? ["| …"] : []),
    ...(command.pipeFrom ? ["… |"] : []),
  ];
  if (around.length > 0)
    issues.push({
      code: "command-skipped",
      severity: "info",
      message: `left out ${around.map((r) => `'${r}'`).join(", ")} around QEMU (redirections and pipes do not change its arguments)`,
    });
  const skipped = lexed.commands.filter((c, k) => k !== at && programIndex(c) < c.words.length);
  if (skipped.length > 0)
    issues.push({
      code: "command-skipped",
      severity: "info",
      message: `skipped ${skipped.length} other command(s) of the paste (${skipped
        .slice(0, 3)
        .map((c) => `line ${line(c.offset)}: ${programOf(c)}`)
        .join(", ")}${skipped.length > 3 ? ", …" : ""}); only the QEMU command is imported`,
    });

  // Variables: which the QEMU command used, which have no value.
  const first = words[0]?.offset ?? command.offset;
  const end = lexed.commands[at + 1]?.offset ?? source.length;
  const used = lexed.expansions.filter((e) => e.offset >= first && e.offset < end);
  const seen = new Set<string>();
  for (const e of used) {
    if (!e.known || seen.has(e.name)) continue;
    seen.add(e.name);
    const v = lexed.variables.get(e.name);
    issues.push({
      code: "variable-expanded",
      severity: "info",
      message:
        e.name === "@" || e.name === "*"
          ? `$${e.name} (the script's own arguments) was taken as empty`
          : `$${e.name} = '${v?.value ?? ""}' (${v?.from === "given" ? "given" : v ? `set on line ${line(v.from)}` : "its default"})`,
    });
  }
  const missing: string[] = [];
  for (const w of words)
    for (const t of w.taints) {
      if ((t.kind === "variable" || t.kind === "tilde") && t.name !== undefined) {
        if (!missing.includes(t.name)) missing.push(t.name);
        continue;
      }
      issues.push(taintIssue(t, line(t.offset), lexed));
    }
  if (missing.length > 0)
    issues.push({
      code: "undefined-variable",
      severity: "error",
      message: `the QEMU command uses ${missing.map((n) => (n === "HOME" ? "~ ($HOME)" : `$${n}`)).join(", ")}, which ${missing.length > 1 ? "have" : "has"} no value here${missing.map((n) => setFrom(n, lexed)).join("")}; give ${missing.length > 1 ? "their values" : "its value"} (CLI: ${missing.map((n) => `--var ${n}=…`).join(" ")}; app: the fields under the paste box). guestmap never runs the shell to find out`,
    });
  return { argv, issues, missingVariables: missing };
}

function setFrom(name: string, lexed: ScriptLexResult): string {
  const v = lexed.variables.get(name);
  const sub = v?.taints?.find((t) => t.kind === "substitution");
  return sub ? ` (${name} is set from ${abbreviate(sub.text)}, which guestmap does not run)` : "";
}

function taintIssue(t: WordTaint, line: number, _lexed: ScriptLexResult): ImportIssue {
  return t.kind === "substitution"
    ? {
        code: "command-substitution",
        severity: "error",
        offset: t.offset,
        message: `line ${line}: ${abbreviate(t.text)} would run a command to produce this argument; guestmap never runs anything. Replace it with its value (or set a variable to the value and give it with --var)`,
      }
    : {
        code: "unquoted-glob",
        severity: "error",
        offset: t.offset,
        message: `line ${line}: the unquoted '${t.text}' may be expanded by the shell (file names or braces); quote it ('${t.text}') if it is literal, or write the file names out`,
      };
}

function abbreviate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function wrappersOf(c: ScriptCommand): WrapperSplit {
  return splitWrappers(
    c.words.map((w) => w.text),
    (i) => c.words[i]!.assignment !== undefined,
  );
}

function programIndex(c: ScriptCommand): number {
  return wrappersOf(c).program;
}

function programOf(c: ScriptCommand): string {
  const w = c.words[programIndex(c)];
  return w ? abbreviate(w.text || "''") : "(assignments)";
}

function lastOffset(c: ScriptCommand): number {
  const w = c.words[c.words.length - 1];
  return w ? w.offset + w.text.length : c.offset;
}

function knownValues(lexed: ScriptLexResult): [string, string][] {
  return [...lexed.variables].filter(([, v]) => !v.taints).map(([k, v]) => [k, v.value]);
}

/** Commands whose program (after wrappers) is a QEMU system emulator, or `$VAR` with QEMU's options. */
function qemuCommands(lexed: ScriptLexResult): Candidate[] {
  const out: Candidate[] = [];
  for (const command of lexed.commands) {
    const wrappers = wrappersOf(command);
    const prog = command.words[wrappers.program];
    if (!prog) continue;
    const unknownVar = prog.taints.some((t) => t.kind === "variable");
    if (
      QEMU_RE.test(prog.text) ||
      (unknownVar && command.words.slice(wrappers.program + 1).some((w) => QEMU_OPTIONS.has(w.text)))
    )
      out.push({ command, wrappers });
  }
  return out;
}

/**
 * Terminal prompts in front of commands: `$ `, `% `, `user@host:~/dir$ `, and `> ` on lines
 * continuing a prompted command. Replaced by blanks so offsets (and so line/column) still hold.
 */
function stripPrompts(text: string): string {
  const lines = text.split("\n");
  const PROMPT = /^([ \t]*(?:\([^)\n]*\)[ \t]*)?(?:[\w.-]+@[\w.-]+(?::[^\s$#]*)?[ \t]*[$#%]|[$%])[ \t]+)/;
  let prompted = false;
  let continuing = false;
  const out = lines.map((l) => {
    let r = l;
    const m = PROMPT.exec(l);
    if (m && !continuing) {
      prompted = true;
      r = " ".repeat(m[1]!.length) + l.slice(m[1]!.length);
    } else if (prompted && continuing && /^>[ \t]/.test(l)) r = ` ${l.slice(1)}`;
    continuing = /\\\r?$/.test(l);
    return r;
  });
  return out.join("\n");
}

/**
 * A root prompt (`# qemu-system-… \`) looks like a comment. Used only when no command runs QEMU:
 * the `#` of a line naming qemu-system-, and of the `\`-continued lines after it, becomes a blank.
 */
function uncommentRootPrompt(text: string): string | undefined {
  const lines = text.split("\n");
  let changed = false;
  let continuing = false;
  for (let k = 0; k < lines.length; k++) {
    const l = lines[k]!;
    const m = /^([ \t]*)#[ \t]/.exec(l);
    if (m && (continuing || /qemu-system-/.test(l))) {
      lines[k] = `${m[1]} ${l.slice(m[1]!.length + 1)}`;
      changed = true;
      continuing = /\\\r?$/.test(l);
    } else if (continuing && /^>[ \t]/.test(l)) {
      lines[k] = ` ${l.slice(1)}`;
      continuing = /\\\r?$/.test(l);
    } else continuing = false;
  }
  return changed ? lines.join("\n") : undefined;
}
