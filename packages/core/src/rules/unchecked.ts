/**
 * What the layout carries but guestmap does not model: machine and CPU properties, `-global`,
 * options that can change what is loaded where (`-L`, `-fw_cfg`, `-pflash`, `-numa`, `-object`),
 * options it does not know, and options QEMU has removed (an error from the release that removed
 * them: QEMU refuses to start). Each other one is listed as "not checked", so a
 * clean `check` never silently vouches for them.
 *
 * The options and properties treated as neutral below never change where QEMU loads anything:
 * output, devices that load nothing into guest memory, accelerators. The machine properties in
 * NEUTRAL_MACHINE_PROPS are checked against `info roms` on every QEMU the conformance suite runs.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { Layout } from "../model/types.js";
import type { RuleContext } from "./context.js";

/** `-M virt` properties that change nothing QEMU loads (conformance: unchecked-qemu.test.ts). */
export const NEUTRAL_MACHINE_PROPS: ReadonlySet<string> = new Set([
  "virtualization",
  "gic-version",
  "its",
  "iommu",
  "acpi",
  "accel",
  "usb",
  "graphics",
  "dump-guest-core",
  "mem-merge",
  "kernel-irqchip",
  "aia",
  "aia-guests",
  "highmem",
]);

/** Options with no bearing on what is loaded into guest memory. */
const NEUTRAL_OPTIONS = new Set(
  (
    "display nographic serial monitor qmp qmp-pretty mon chardev net netdev nic name uuid gdb s S d D " +
    "trace no-reboot no-shutdown daemonize pidfile rtc vga msg sandbox parallel audiodev audio device " +
    "blockdev fsdev virtfs accel enable-kvm usb k snapshot icount plugin overcommit mem-prealloc " +
    "mem-path semihosting semihosting-config watchdog-action action spice vnc no-user-config nodefaults " +
    "add-fd iscsi run-with compat echr full-screen boot drive"
  ).split(" "),
);

/**
 * Options QEMU has removed, with the release that removed them (docs/system/removed-features.rst);
 * `old` ones were gone before 7.2. From that release on QEMU refuses to start ("invalid option").
 * Checked with QEMU 7.2 and 10.0 (conformance: unchecked-qemu.test.ts).
 */
export const REMOVED_OPTIONS: Readonly<Record<string, { readonly removedIn: string; readonly use: string }>> =
  {
    realtime: { removedIn: "6.0", use: "-overcommit mem-lock=on|off" },
    "show-cursor": { removedIn: "6.0", use: "-display …,show-cursor=on" },
    "tb-size": { removedIn: "6.0", use: "-accel tcg,tb-size=…" },
    "no-kvm": { removedIn: "5.2", use: "-machine accel=tcg" },
    soundhw: { removedIn: "old", use: "-device with -audiodev" },
    "enable-fips": { removedIn: "old", use: "nothing (it is automatic)" },
    sdl: { removedIn: "old", use: "-display sdl" },
    curses: { removedIn: "old", use: "-display curses" },
    "no-quit": { removedIn: "old", use: "-display …,window-close=off" },
    "alt-grab": { removedIn: "old", use: "-display …,grab-mod=lshift-lctrl-lalt" },
    "ctrl-grab": { removedIn: "old", use: "-display …,grab-mod=rctrl" },
    "no-frame": { removedIn: "old", use: "nothing" },
    nodefconfig: { removedIn: "old", use: "-no-user-config" },
    balloon: { removedIn: "old", use: "-device virtio-balloon" },
    localtime: { removedIn: "old", use: "-rtc base=localtime" },
    watchdog: { removedIn: "7.2", use: "-device" },
    "no-hpet": { removedIn: "9.0", use: "-machine hpet=off" },
    "no-acpi": { removedIn: "9.0", use: "-machine acpi=off" },
    "async-teardown": { removedIn: "9.0", use: "-run-with async-teardown=on" },
    chroot: { removedIn: "9.0", use: "-run-with chroot=…" },
    singlestep: { removedIn: "9.0", use: "-accel tcg,one-insn-per-tb=on" },
    runas: { removedIn: "10.0", use: "-run-with user=…" },
    "old-param": { removedIn: "10.2", use: "nothing (a DTB)" },
  };

function atLeast(version: string, than: string): boolean {
  if (than === "old") return true;
  const [a, b] = version.split(".").map(Number) as [number, number];
  const [c, d] = than.split(".").map(Number) as [number, number];
  return a > c || (a === c && b >= d);
}

/** Why each option that can change what is loaded is outside the model. */
const UNMODELLED: Readonly<Record<string, string>> = {
  global: "-global sets device properties guestmap does not model",
  L: "-L changes where QEMU finds its firmware",
  fw_cfg: "-fw_cfg adds firmware configuration files",
  "option-rom": "-option-rom loads a ROM",
  pflash: "-pflash fills the machine's flash",
  mtdblock: "-mtdblock fills the machine's flash",
  sd: "-sd attaches a card the firmware may boot from",
  numa: "-numa changes the memory nodes in QEMU's DTB",
  object: "-object can back or add memory",
  incoming: "-incoming restores a migrated machine instead of booting",
  loadvm: "-loadvm restores a snapshot instead of booting",
};

function optionName(arg: string): string | undefined {
  if (!arg.startsWith("-") || arg === "-" || arg === "--") return undefined;
  return arg.replace(/^--?/, "");
}

function note(message: string, severity: "info" | "warning" = "info"): Diagnostic {
  return { severity, code: "not-checked", message, regions: [] };
}

/**
 * Lists everything in `layout` outside guestmap's model; `version` is the QEMU profile's (a removed
 * option is an error from the release that removed it).
 */
export function uncheckedOptions(layout: Layout, version: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const m = layout.machine;
  for (const [k, v] of m.props)
    if (!NEUTRAL_MACHINE_PROPS.has(k))
      out.push(
        note(
          `not checked by guestmap: -M ${k}=${v}. guestmap does not model this machine property; if it changes RAM, firmware or the boot flow, QEMU's placements may differ from the ones shown`,
        ),
      );
  const cpuProps = m.cpu?.split(",").slice(1) ?? [];
  if (cpuProps.length > 0)
    out.push(
      note(
        `not checked by guestmap: -cpu properties ${cpuProps.join(",")}. Only the cpu model (${m.cpu!.split(",")[0]}) is modelled; properties that change the boot (e.g. aarch64=off) are not`,
      ),
    );
  for (const g of layout.extraArgs) {
    const name = optionName(g[0] ?? "");
    const shown = g.join(" ");
    if (name === undefined) {
      out.push(
        note(
          `not checked by guestmap: '${shown}' is not an option; QEMU takes a lone word as a disk image (-hda)`,
        ),
      );
      continue;
    }
    const removed = REMOVED_OPTIONS[name];
    if (removed) {
      out.push(
        atLeast(version, removed.removedIn)
          ? {
              severity: "error",
              code: "not-checked",
              qemu: "refuses",
              message: `QEMU ${removed.removedIn === "old" ? "removed" : `${removed.removedIn} removed`} -${name}${removed.removedIn === "old" ? " before 7.2" : ""}: QEMU ${version} refuses to start ("-${name}: invalid option"). Use ${removed.use} instead`,
              regions: [],
            }
          : note(
              `not checked by guestmap: -${name} is deprecated (QEMU ${removed.removedIn} removes it and then refuses to start); use ${removed.use} instead`,
              "warning",
            ),
      );
      continue;
    }
    if (name === "drive" && /(?:^|,)if=pflash(?:,|$)/.test(g[1] ?? "")) {
      out.push(note(`not checked by guestmap: '${shown}' fills the machine's flash, which is not modelled`));
      continue;
    }
    if (name === "device" && /^loader(?:,|$)|"driver"\s*:\s*"loader"/.test(g[1] ?? "")) {
      out.push(note(`not checked by guestmap: '${shown}' is a generic-loader form guestmap does not place`));
      continue;
    }
    if (NEUTRAL_OPTIONS.has(name)) continue;
    out.push(
      note(
        `not checked by guestmap: '${shown}'. ${UNMODELLED[name] ?? `guestmap does not know -${name}`}; its effect on what QEMU loads is not shown`,
      ),
    );
  }
  return out;
}

export const uncheckedRule = (ctx: RuleContext): Diagnostic[] =>
  uncheckedOptions(ctx.layout, ctx.placement.profile.version);
