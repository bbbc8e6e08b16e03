/**
 * QEMU's option table, as vl.c reads argv: which options take a value, and how argv splits into
 * option groups. Nothing here knows what an option means.
 */
/** QEMU options that take no value (everything else starting with `-` takes one). */
const NO_ARG = new Set([
  "h",
  "help",
  "version",
  "S",
  "s",
  "nographic",
  "no-acpi",
  "no-hpet",
  "no-reboot",
  "no-shutdown",
  "no-user-config",
  "nodefaults",
  "nodefconfig",
  "daemonize",
  "enable-kvm",
  "no-kvm",
  "full-screen",
  "snapshot",
  "usb",
  "only-migratable",
  "enable-sync-profile",
  "async-teardown",
  "preconfig",
  "no-fd-bootchk",
  "win2k-hack",
  "semihosting",
  "alt-grab",
  "ctrl-grab",
  "no-quit",
  "no-frame",
  "sdl",
  "curses",
  "singlestep",
  "xen-attach",
  "localtime",
  "enable-fips",
  "perfmap",
  "jitdump",
]);

/** The QEMU binaries guestmap models, with or without a directory. */
export const PROGRAM_RE = /(?:^|\/)qemu-system-(aarch64|arm|riscv64|riscv32)(?:\.exe)?$/;

/** The option name without its one or two leading dashes, or undefined for a non-option. */
export function optionName(arg: string): string | undefined {
  if (!arg.startsWith("-") || arg === "-" || arg === "--") return undefined;
  return arg.startsWith("--") ? arg.slice(2) : arg.slice(1);
}

/** Whether QEMU reads the next argv element as this option's value. */
export function optionTakesValue(name: string): boolean {
  return !NO_ARG.has(name);
}

/** Splits argv (without the program) into QEMU's option groups: `[opt, value]`, `[flag]`, `[file]`. */
export function groupArgs(args: readonly string[]): { group: string[]; index: number }[] {
  const out: { group: string[]; index: number }[] = [];
  for (let i = 0; i < args.length; ) {
    const a = args[i]!;
    const name = optionName(a);
    if (name !== undefined && optionTakesValue(name) && !name.includes("=") && i + 1 < args.length) {
      out.push({ group: [a, args[i + 1]!], index: i });
      i += 2;
    } else {
      out.push({ group: [a], index: i });
      i++;
    }
  }
  return out;
}
