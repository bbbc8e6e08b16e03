/**
 * The `guestmap` command: a thin adapter over @guestmap/core. Each subcommand lives in
 * commands/NAME.ts and exports `run(args, io)`.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { escapeTerminal, VERSION } from "@guestmap/core";
import { EXIT_BAD_INPUT, type Io, UsageError } from "./io.js";
import { removeTempFilesOnSignals } from "./output-file.js";

const HELP = `guestmap ${VERSION} — lay out QEMU guest-loader blobs and check them before QEMU runs

Usage:
  guestmap placements [--json] [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)
      Every region QEMU loads (boot stub, firmware, -kernel, -initrd, DTB, guest-loader blobs).
  guestmap check      [--json] [--qemu VER] [--trust-args] (LAYOUT.json | -- QEMU-ARGV...)
      Overlaps, out-of-RAM, alignment and every stanza QEMU rejects or silently mis-loads.
      Options that run programs or touch host files (-drive file=, -incoming exec:, …) are
      errors; --trust-args (you wrote them or trust their source) makes them notes.
  guestmap chosen     [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)
      /chosen as QEMU builds it, as DTS text.
  guestmap dts        FILE.dtb
      A DTB as DTS text, like dtc -I dtb -O dts.
  guestmap import     [-o LAYOUT.json] [--var NAME=VALUE]...
                      (-- QEMU-ARGV... | --from FILE.sh | --from - | --from-dtb FILE.dtb)
      A QEMU command line, a script or terminal paste holding one (wrappers such as sudo,
      timeout, exec skipped; $VARS from the script or --var; nothing run), or a DTB's /chosen
      modules, as a layout file (stdout without -o). Nothing is written when it has errors.
  guestmap export     [--qemu VER] [--cmdline OUT.sh] [--cmdline-format line|multiline|json]
                      [--fixed-dtb] [--image OUT] [--image-format raw|elf|ihex]
                      [--image-range START:END] [--dtb OUT.dtb] [--base-dtb BASE.dtb]
                      [--overlay OUT.dtbo] [--force] [--trust-args] (LAYOUT.json | -- QEMU-ARGV...)
      The QEMU command line (stdout without other outputs), the memory image, the DTB
      (standalone, or merged into BASE.dtb, e.g. from -machine dumpdtb=) and a DT overlay.
      An output of - is stdout. --force writes an image despite check errors or above 4 GiB.
  guestmap pack       [-o OUT.json] [--by-size] [--lock ID]... [--align SIZE] [--below-4g]
                      [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)
      Every guest-loader and loader blob placed collision-free and aligned, as low and tight as
      QEMU's own regions and every kernel's BSS allow; each move explained.
  guestmap fix        [-o OUT.json] [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)
      Every quick fix of check applied at once (overlaps, BSS, alignment, outside RAM).

  guestmap verify     [--json] [--qemu-dir DIR]... (LAYOUT.json | -- QEMU-ARGV...)
      Runs the layout in every real QEMU found (PATH, each --qemu-dir), stopped at reset, and
      compares QEMU's regions, refusal, /chosen and each blob's bytes with the prediction.
      Exit 1 when they differ or QEMU overwrote a blob.
  guestmap serve      [--port N] [--qemu-dir DIR]... [--files DIR]... [--allow-origin ORIGIN]...
                      [--max-body SIZE] [--timeout SECONDS]
      The local companion for the app's "Verify in QEMU": HTTP on 127.0.0.1 only, with a token.

QEMU-ARGV is a whole QEMU command line as argv, program first, e.g.
  guestmap check -- qemu-system-aarch64 -M virt -cpu cortex-a57 -m 2G -kernel xen \\
      -device guest-loader,addr=0x42000000,kernel=Image

Without --qemu the profile is the layout's own, else the installed qemu-system-* version,
else the newest. Exit codes: 0 no errors, 1 errors found, 2 bad input.
`;

type Runner = (args: string[], io: Io) => Promise<number>;

const COMMANDS: Record<string, () => Promise<{ run: Runner }>> = {
  placements: () => import("./commands/placements.js"),
  check: () => import("./commands/check.js"),
  import: () => import("./commands/import.js"),
  export: () => import("./commands/export.js"),
  chosen: () => import("./commands/chosen.js"),
  dts: () => import("./commands/dts.js"),
  verify: () => import("./commands/verify.js"),
  serve: () => import("./commands/serve.js"),
  pack: () => import("./commands/pack.js"),
  fix: () => import("./commands/fix.js"),
};

export async function main(argv: string[], rawIo: Io): Promise<number> {
  // Names from DTBs, layouts and command lines reach the terminal: never let one hold an escape
  // sequence or a bidi override. (Binary outputs to `-` go through stdoutBytes untouched.)
  const io: Io = {
    ...rawIo,
    stdout: (s) => rawIo.stdout(escapeTerminal(s)),
    stderr: (s) => rawIo.stderr(escapeTerminal(s)),
    ...(rawIo.progress && { progress: (s: string) => rawIo.progress!(escapeTerminal(s)) }),
  };
  const [cmd, ...args] = argv;
  if (cmd === undefined || cmd === "--help" || cmd === "-h" || cmd === "help") {
    io.stdout(HELP);
    return cmd === undefined ? EXIT_BAD_INPUT : 0;
  }
  if (cmd === "--version") {
    io.stdout(`guestmap ${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    io.stderr(
      `guestmap: unknown command '${cmd}'; commands: ${Object.keys(COMMANDS).join(", ")} (see guestmap --help)\n`,
    );
    return EXIT_BAD_INPUT;
  }
  if (args.includes("--help") && !args.slice(0, args.indexOf("--help")).includes("--")) {
    io.stdout(HELP);
    return 0;
  }
  try {
    const { run } = await load();
    return await run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`guestmap ${cmd}: ${e.message}\n`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

/**
 * Runs `guestmap` as the program of this process: argv, stdio, exit code. Called by the launcher
 * (bin/guestmap.cjs, for the bundle and for this compiled file alike), never by in-process tests.
 */
export function runFromShell(): void {
  // Ctrl-C during an image export must not leave a multi-GiB hidden temp file behind.
  removeTempFilesOnSignals();
  // `guestmap dts x.dtb | head`: the reader leaving is not an error worth a stack trace.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    process.stderr.write(`guestmap: cannot write to stdout: ${e.message}\n`);
    process.exit(2);
  });
  const io: Io = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    // Erase to the end of the line (ESC [ K) after the carriage return: a shorter line leaves no tail.
    ...(process.stderr.isTTY && { progress: (s: string) => process.stderr.write(`\r\x1b[K${s}`) }),
    stdoutBytes: (b) => new Promise((ok, fail) => process.stdout.write(b, (e) => (e ? fail(e) : ok()))),
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`guestmap: internal error: ${(e as Error).stack ?? String(e)}\n`);
      process.exitCode = 70;
    },
  );
}

// `node packages/cli/dist/main.js ARGS` runs too (the launcher imports this file instead).
const isEntry = (() => {
  try {
    return realpathSync(process.argv[1] ?? "") === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();
if (isEntry) runFromShell();
