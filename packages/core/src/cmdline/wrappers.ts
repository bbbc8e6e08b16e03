/**
 * Commands people put in front of QEMU (`sudo`, `env`, `timeout`, `exec`, `nice`, `taskset`, …):
 * each runs QEMU with the rest of its arguments and changes nothing QEMU sees in argv. Each is
 * described by its own option syntax (from its man page) so that its options and operands — the
 * `1 240` of `timeout -k 1 240` — are never taken for QEMU's.
 */

/** One wrapper's syntax: options with a value, options without, and operands before the command. */
interface WrapperSyntax {
  /** Short and long options that take the next word (or `--opt=value`) as their value. */
  readonly withValue: readonly string[];
  /** Operands after the options and before the command (`timeout`'s DURATION, `taskset`'s mask). */
  readonly operands: number;
  /** Whether `NAME=value` words after the options set the command's environment (`env`, `sudo`). */
  readonly assignments?: boolean;
  /** Whether short options may carry their value attached (`-n10`, `-oL`). */
  readonly attached?: boolean;
  /** What it does, for the note saying it was skipped. */
  readonly does: string;
}

const WRAPPERS: Readonly<Record<string, WrapperSyntax>> = {
  sudo: {
    withValue: ["-C", "-D", "-g", "-h", "-p", "-R", "-r", "-T", "-t", "-U", "-u", "--chdir", "--close-from"]
      .concat(["--group", "--host", "--prompt", "--chroot", "--role", "--command-timeout", "--type"])
      .concat(["--other-user", "--user"]),
    operands: 0,
    assignments: true,
    does: "runs QEMU as another user",
  },
  doas: { withValue: ["-u", "-C"], operands: 0, does: "runs QEMU as another user" },
  env: {
    withValue: ["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
    operands: 0,
    assignments: true,
    does: "sets QEMU's environment",
  },
  timeout: {
    withValue: ["-k", "--kill-after", "-s", "--signal"],
    operands: 1,
    does: "stops QEMU after a time limit",
  },
  exec: { withValue: ["-a"], operands: 0, does: "replaces the shell with QEMU" },
  nice: { withValue: ["-n", "--adjustment"], operands: 0, attached: true, does: "changes QEMU's priority" },
  ionice: {
    withValue: ["-c", "--class", "-n", "--classdata"],
    operands: 0,
    attached: true,
    does: "changes QEMU's I/O priority",
  },
  chrt: { withValue: ["-T", "-P", "-D"], operands: 1, does: "changes QEMU's scheduling" },
  taskset: { withValue: [], operands: 1, does: "pins QEMU to CPUs" },
  numactl: {
    withValue: ["-i", "--interleave", "-m", "--membind", "-N", "--cpunodebind", "-C", "--physcpubind"].concat(
      ["-p", "--preferred"],
    ),
    operands: 0,
    does: "binds QEMU to NUMA nodes",
  },
  stdbuf: {
    withValue: ["-i", "--input", "-o", "--output", "-e", "--error"],
    operands: 0,
    attached: true,
    does: "changes QEMU's output buffering",
  },
  nohup: { withValue: [], operands: 0, does: "keeps QEMU running after logout" },
  time: { withValue: [], operands: 0, does: "times QEMU" },
  command: { withValue: [], operands: 0, does: "runs QEMU bypassing shell functions" },
  unbuffer: { withValue: [], operands: 0, does: "changes QEMU's output buffering" },
};

/** A wrapper (or environment assignment) skipped in front of the QEMU program. */
export interface SkippedWrapper {
  /** The words as written, e.g. `["timeout", "-k", "1", "240"]`. */
  readonly words: readonly string[];
  /** Index of its first word. */
  readonly index: number;
  readonly does: string;
}

export interface WrapperSplit {
  /** Index of the program (QEMU, one hopes) in the words. */
  readonly program: number;
  readonly skipped: readonly SkippedWrapper[];
  /** `NAME=value` words before the program (for it, or given to env/sudo). */
  readonly environment: readonly { name: string; value: string; index: number }[];
  /** Set when a wrapper changes where relative file names resolve (`env -C DIR`, `sudo -D DIR`). */
  readonly chdir?: string;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)\+?=(.*)$/s;

/** The base name of a word, for `/usr/bin/sudo`. */
function baseName(w: string): string {
  return w.slice(w.lastIndexOf("/") + 1);
}

/**
 * Skips leading `NAME=value` words and wrappers until the program they run. `isAssignment(i)`
 * says whether word i is a real assignment (its `=` unquoted), which only the lexer knows.
 */
export function splitWrappers(
  words: readonly string[],
  isAssignment: (i: number) => boolean = (i) => ASSIGNMENT.test(words[i]!),
): WrapperSplit {
  const skipped: SkippedWrapper[] = [];
  const environment: { name: string; value: string; index: number }[] = [];
  let chdir: string | undefined;
  let i = 0;
  const assignments = () => {
    while (i < words.length && isAssignment(i)) {
      const m = ASSIGNMENT.exec(words[i]!);
      if (!m) break;
      environment.push({ name: m[1]!, value: m[2]!, index: i });
      i++;
    }
  };
  assignments();
  for (;;) {
    const w = words[i];
    if (w === undefined) break;
    const syntax = WRAPPERS[baseName(w)];
    // `gdb --args qemu…`: gdb's own options end at --args.
    if (baseName(w) === "gdb" && words.indexOf("--args", i) > i) {
      const end = words.indexOf("--args", i) + 1;
      skipped.push({ words: words.slice(i, end), index: i, does: "runs QEMU under the debugger" });
      i = end;
      continue;
    }
    if (!syntax) break;
    const start = i;
    i++;
    // Options.
    while (i < words.length) {
      const o = words[i]!;
      if (o === "--") {
        i++;
        break;
      }
      if (!o.startsWith("-") || o === "-") {
        if (o === "-" && baseName(w) === "env") {
          i++;
          continue;
        }
        break;
      }
      // `nice -10` is an adjustment, not an option letter.
      if (baseName(w) === "nice" && /^-[0-9]+$/.test(o)) {
        i++;
        continue;
      }
      const eq = o.indexOf("=");
      const name = o.startsWith("--") && eq > 0 ? o.slice(0, eq) : o;
      const attachedValue = syntax.attached && !o.startsWith("--") && o.length > 2;
      if (syntax.withValue.includes(name) && eq < 0 && !attachedValue) {
        if (name === "-C" || name === "--chdir" || name === "-D") chdir = words[i + 1];
        i += 2;
      } else {
        if (name === "--chdir") chdir = o.slice(eq + 1);
        i++;
      }
    }
    if (syntax.assignments) assignments();
    i = Math.min(words.length, i + syntax.operands);
    skipped.push({ words: words.slice(start, i), index: start, does: syntax.does });
    // `sudo VAR=x qemu…` after env's/sudo's own assignments.
    assignments();
  }
  return { program: i, skipped, environment, ...(chdir !== undefined && { chdir }) };
}
