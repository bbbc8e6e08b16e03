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
