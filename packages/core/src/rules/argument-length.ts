/**
 * Arguments Linux will not pass to QEMU. execve() refuses any single argument of 128 KiB or more
 * (MAX_ARG_STRLEN = 32 pages, including its NUL: 131071 bytes of text pass, 131072 fail with
 * "Argument list too long", measured with bash on Linux 6.x x86-64). A 200 KB `-append` makes an
 * exported script that cannot start QEMU at all.
 */
import { exportArgv } from "../cmdline/export.js";
import type { Diagnostic } from "../diagnostics.js";
import { encodeUtf8 } from "../util/text.js";
import type { RuleContext } from "./context.js";

/** The longest argument (in UTF-8 bytes) execve() accepts on Linux. */
export const MAX_ARG_BYTES = 131071;

export function argumentLengthRule({ layout }: RuleContext): Diagnostic[] {
  // Exporting the whole command line costs more than every other rule together at 10k modules;
  // skip it when no argument can reach the limit.
  if (argumentBound(layout) <= MAX_ARG_BYTES) return [];
  const e = exportArgv(layout);
  if (!e.ok) return [];
  const out: Diagnostic[] = [];
  e.argv.forEach((arg, i) => {
    // Cheap first: UTF-16 length is at most the UTF-8 byte count… unless it's short anyway.
    if (arg.length * 3 <= MAX_ARG_BYTES) return;
    const bytes = encodeUtf8(arg).length;
    if (bytes <= MAX_ARG_BYTES) return;
    const prev = e.argv[i - 1] ?? "";
    out.push({
      severity: "error",
      code: "argument-too-long",
      qemu: "refuses",
      message: `the argument after ${prev} is ${bytes} bytes, more than the ${MAX_ARG_BYTES} Linux passes to a program: starting QEMU fails with "Argument list too long". Shorten it (move long kernel command lines into the DTB or an initrd's config).`,
      regions: [],
    });
  });
  return out;
}

/**
 * An upper bound on the UTF-8 bytes of any one exported argument. An argument is built from one
 * guest-loader or loader stanza, or from fields of the rest of the layout (machine, -append, file
 * paths, extra arguments), plus fixed text. So: the largest stanza's characters, or the sum of
 * all the rest's, counted through any nesting; each character escaped at most 6-fold (JSON's
 * `\u0000`; QemuOpts only doubles commas), every number or bigint as 24 characters, 256 for
 * option names and punctuation, 3 UTF-8 bytes per UTF-16 unit.
 */
function argumentBound(layout: RuleContext["layout"]): number {
  const { modules, loaders, ...rest } = layout;
  let chars = textChars(rest);
  for (const m of modules) chars = Math.max(chars, textChars(m));
  for (const l of loaders) chars = Math.max(chars, textChars(l));
  return 3 * (6 * chars + 256);
}

function textChars(v: unknown): number {
  if (typeof v === "string") return v.length;
  if (typeof v === "bigint" || typeof v === "number") return 24;
  if (v instanceof Uint8Array) return 0; // file heads: never part of a command line
  if (Array.isArray(v)) {
    let n = 0;
    for (const x of v) n += textChars(x);
    return n;
  }
  if (v !== null && typeof v === "object") {
    let n = 0;
    const o = v as Record<string, unknown>;
    for (const k in o) n += k.length + textChars(o[k]);
    return n;
  }
  return 0;
}
