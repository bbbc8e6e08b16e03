/**
 * QEMU options that make it run programs, read or write host files, or listen on the network.
 * A layout's verbatim extra arguments can come from a share link or someone else's file; a
 * `-incoming "exec:sh -c '…'"` there runs its shell command the moment the user starts QEMU,
 * however well the script is quoted. The content is the problem, so each such option is an error
 * naming the risk, for the user to read before running the command.
 */
import { parseQemuOpts } from "../cmdline/qemuopts.js";
import type { Diagnostic } from "../diagnostics.js";
import type { RuleContext } from "./context.js";

/** What an option can do to the host. */
export type UnsafeRisk = "runs-program" | "host-file" | "network" | "privileges";

/** One risky option in a layout's extra arguments. */
export interface UnsafeOption {
  /** Index of the argument group in `layout.extraArgs`. */
  readonly group: number;
  /** The option as written, e.g. `-netdev`. */
  readonly option: string;
  readonly risk: UnsafeRisk;
  /** What it does, e.g. `runs /tmp/evil.sh as the QEMU user when the tap device comes up`. */
  readonly what: string;
}

type Props = ReadonlyMap<string, string>;

/** A value's properties: QemuOpts `k=v,…` or the JSON object form (`-device {"driver":…}`). */
function props(value: string, implied?: string): Props {
  const out = new Map<string, string>();
  if (value.trimStart().startsWith("{")) {
    try {
      const walk = (o: unknown, prefix: string) => {
        if (o === null || typeof o !== "object") return;
        for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
          if (v !== null && typeof v === "object") walk(v, `${prefix}${k}.`);
          else out.set(`${prefix}${k}`, String(v));
          // Nested blockdev nodes name their files `file.filename`; keep the leaf name too.
          if (typeof v !== "object") out.set(k, String(v));
        }
      };
      walk(JSON.parse(value), "");
    } catch {
      // Not JSON after all: QEMU refuses it; nothing to warn about here.
    }
    return out;
  }
  for (const p of parseQemuOpts(value, implied)) out.set(p.key, p.value);
  return out;
}

/** Host paths a chardev-style backend spec (`-serial`, `-monitor`, …) opens, or undefined if safe. */
function backendRisk(spec: string): { risk: UnsafeRisk; what: string } | undefined {
  const s = spec.startsWith("mon:") ? spec.slice(4) : spec;
  const [kind = "", ...rest] = s.split(":");
  const arg = rest.join(":");
  switch (kind) {
    case "stdio":
    case "null":
    case "none":
    case "vc":
    case "pty":
    case "msmouse":
    case "braille":
    case "chardev":
    case "":
      return undefined;
    case "file":
      return { risk: "host-file", what: `writes the host file ${arg}` };
    case "pipe":
      return { risk: "host-file", what: `opens the host pipes ${arg}.in and ${arg}.out (or ${arg})` };
    case "unix":
      return { risk: "host-file", what: `listens on or connects to the host socket ${arg.split(",")[0]}` };
    case "tcp":
    case "telnet":
    case "websocket":
    case "udp":
      return { risk: "network", what: `opens network port ${arg.split(",")[0]} (${kind})` };
    default:
      if (s.startsWith("/") || /^COM\d+$/.test(s))
        return { risk: "host-file", what: `opens the host device ${s}` };
      return undefined;
  }
}

/** The same for `-chardev BACKEND,…` properties. */
function chardevRisk(p: Props): { risk: UnsafeRisk; what: string } | undefined {
  const backend = p.get("backend") ?? "";
  const path = p.get("path");
  switch (backend) {
    case "file":
      return { risk: "host-file", what: `writes the host file ${path ?? "(path)"}` };
    case "pipe":
      return { risk: "host-file", what: `opens the host pipes ${path ?? "(path)"}.in/.out` };
    case "serial":
    case "tty":
    case "parallel":
    case "parport":
      return { risk: "host-file", what: `opens the host device ${path ?? "(path)"}` };
    case "socket":
      return path !== undefined
        ? { risk: "host-file", what: `listens on or connects to the host socket ${path}` }
        : { risk: "network", what: `opens network port ${p.get("host") ?? ""}:${p.get("port") ?? ""}` };
    case "udp":
      return { risk: "network", what: `sends to network port ${p.get("host") ?? ""}:${p.get("port") ?? ""}` };
    case "spicevmc":
    case "spiceport":
    case "qemu-vdagent":
    case "dbus":
      return { risk: "network", what: `connects the guest to a ${backend} channel on the host` };
    default:
      return undefined;
  }
}

/** Keys that name host files in `-object`, `-drive`, `-blockdev`, `-fsdev`, `-audiodev`, … */
const FILE_KEYS = [
  "mem-path",
  "path",
  "file",
  "filename",
  "file.filename",
  "dir",
  "logfile",
  "romfile",
  "fd",
];

function fileProps(p: Props): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const k of FILE_KEYS) {
    const v = p.get(k);
    if (v === undefined || v === "" || seen.has(v)) continue;
    seen.add(v);
    out.push(`${k}=${v}`);
  }
  return out;
}

/** Every risky option in `extraArgs`, in order. */
export function findUnsafeOptions(extraArgs: readonly (readonly string[])[]): UnsafeOption[] {
  const out: UnsafeOption[] = [];
  extraArgs.forEach((g, group) => {
    const raw = g[0];
    if (raw === undefined) return;
    const option = raw.startsWith("--") ? raw.slice(1) : raw;
    const value = g[1] ?? "";
    const add = (risk: UnsafeRisk, what: string) => out.push({ group, option: raw, risk, what });
    switch (option) {
      case "-incoming":
        if (value.startsWith("exec:")) add("runs-program", `runs the shell command ${value.slice(5)}`);
        else if (value.startsWith("file:")) add("host-file", `reads the host file ${value.slice(5)}`);
        else if (/^(tcp|unix|rdma|fd|channel):/.test(value))
          add("network", `waits for migration data from ${value}`);
        break;
      case "-netdev":
      case "-net":
      case "-nic": {
        const p = props(value, "type");
        for (const k of ["script", "downscript"]) {
          const v = p.get(k);
          if (v !== undefined && v !== "no" && v !== "")
            add("runs-program", `runs ${v} as the QEMU user (${k}=)`);
        }
        const type = p.get("type");
        if (type === "tap" && p.get("script") === undefined)
          add("runs-program", "runs /etc/qemu-ifup and /etc/qemu-ifdown (tap's default scripts)");
        if (p.get("helper") !== undefined || type === "bridge")
          add("runs-program", `runs the network helper ${p.get("helper") ?? "qemu-bridge-helper"}`);
        if (p.get("smb") !== undefined)
          add("runs-program", `runs smbd sharing the host folder ${p.get("smb")}`);
        if (p.get("tftp") !== undefined)
          add("host-file", `serves the host folder ${p.get("tftp")} to the guest over TFTP`);
        const fwd = p.get("guestfwd");
        if (fwd?.includes("-cmd:"))
          add("runs-program", `runs ${fwd.slice(fwd.indexOf("-cmd:") + 5)} on guest connections`);
        if (p.get("hostfwd") !== undefined)
          add("network", `forwards host port ${p.get("hostfwd")} into the guest`);
        if (type === "socket" || type === "stream" || type === "dgram" || type === "vde" || type === "l2tpv3")
          add("network", `connects the guest's network to ${type} ${value}`);
        break;
      }
      case "-chardev": {
        const r = chardevRisk(props(value, "backend"));
        if (r) add(r.risk, r.what);
        break;
      }
      case "-serial":
      case "-parallel":
      case "-monitor":
      case "-qmp":
      case "-qmp-pretty":
      case "-debugcon": {
        const r = backendRisk(value);
        if (r)
          add(
            r.risk,
            option.startsWith("-qmp") || option === "-monitor"
              ? `${r.what}: whoever reaches it controls QEMU (and the host files QEMU can open)`
              : r.what,
          );
        break;
      }
      case "-gdb":
      case "-s": {
        const r =
          option === "-s"
            ? { risk: "network" as const, what: "opens network port tcp::1234" }
            : backendRisk(value);
        if (r) add(r.risk, `${r.what}: a debugger there controls the guest`);
        break;
      }
      case "-plugin":
        add("runs-program", `loads and runs the shared library ${props(value, "file").get("file") ?? value}`);
        break;
      case "-object":
      case "-drive":
      case "-blockdev":
      case "-fsdev":
      case "-virtfs":
      case "-audiodev":
      case "-tpmdev":
      case "-device": {
        const implied = option === "-object" ? "qom-type" : option === "-device" ? "driver" : undefined;
        const p = props(value, implied);
        const files = fileProps(p);
        if (files.length > 0) add("host-file", `opens host files (${files.join(", ")})`);
        break;
      }
      case "-hda":
      case "-hdb":
      case "-hdc":
      case "-hdd":
      case "-cdrom":
      case "-fda":
      case "-fdb":
      case "-mtdblock":
      case "-sd":
      case "-pflash":
      case "-option-rom":
      case "-mem-path":
      case "-pidfile":
      case "-D":
      case "-readconfig":
      case "-writeconfig":
      case "-loadvm":
      case "-L":
      case "-add-fd":
        add("host-file", `opens the host path ${value}`);
        break;
      case "-acpitable":
      case "-smbios": {
        const files = fileProps(props(value));
        if (files.length > 0) add("host-file", `reads host files (${files.join(", ")})`);
        break;
      }
      case "-semihosting":
      case "-semihosting-config":
        add("host-file", "lets the guest open, write and delete host files through semihosting calls");
        break;
      case "-vnc":
      case "-spice":
        if (value !== "none") add("network", `serves the guest's display on the network (${value})`);
        break;
      case "-run-with":
      case "-runas":
      case "-chroot":
      case "-daemonize":
        add("privileges", `changes who and where QEMU runs (${[raw, value].join(" ").trim()})`);
        break;
      default:
        break;
    }
  });
  return out;
}

const RISK_TEXT: Record<UnsafeRisk, string> = {
  "runs-program": "runs a program on the host",
  "host-file": "touches host files",
  network: "opens the host to the network",
  privileges: "changes QEMU's privileges",
};

/**
 * Every risky extra argument as an error: read it before running a command line you did not write.
 * Ordinary command lines have them too (a disk is `-drive file=`), so the message says how to
 * vouch for them: with `trustExtraArgs` (`--trust-args`) each is a note naming the same risk.
 */
export function unsafeOptionsRule({ layout, trustExtraArgs }: RuleContext): Diagnostic[] {
  return findUnsafeOptions(layout.extraArgs).map((u) => {
    const arg = [...(layout.extraArgs[u.group] ?? [])].join(" ");
    return {
      severity: trustExtraArgs ? "info" : "error",
      code: "unsafe-option",
      qemu: "starts",
      message: trustExtraArgs
        ? `${arg} ${RISK_TEXT[u.risk]}: QEMU ${u.what}. Trusted (--trust-args, or the app's trust switch): you said you wrote these arguments or trust where they came from.`
        : `${arg} ${RISK_TEXT[u.risk]}: QEMU ${u.what}. Keep it only if you wrote it or trust where the layout came from, and say so with --trust-args (guestmap check and export) or the app's trust switch (Diagnostics); it is then a note. Otherwise remove the argument.`,
      regions: [],
    };
  });
}
