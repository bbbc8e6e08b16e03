/**
 * What the QEMU that will run tells us: its version (which picks the behaviour to model when the
 * user gives none) and the size of its default firmware (OpenSBI decides where RISC-V kernels go).
 * That QEMU is the program a pasted command line names (a path, or a name on PATH), else
 * qemu-system-ARCH on PATH; its firmware is found where it looks: the command line's -L dirs, then
 * the data dirs `qemu-system-ARCH -L help` lists.
 */
import { spawnSync } from "node:child_process";
import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import {
  type Arch,
  firmwareFileName,
  isSupportedVersion,
  NEWEST_VERIFIED_VERSION,
  OLDEST_VERSION,
  type PlacementOptions,
  parseQemuVersionOutput,
  type QemuVersion,
} from "@guestmap/core";
import { cachedQemuVersion } from "./qemu-version-cache.js";

export function qemuBinaryName(arch: Arch): string {
  return `qemu-system-${arch}`;
}

function which(name: string): string | undefined {
  for (const d of (process.env.PATH ?? "").split(":")) {
    if (!d) continue;
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** The QEMU a command line will run: its program (argv[0]) and its `-L` data dirs. */
export interface QemuTarget {
  /** argv[0] as written: a path (resolved against `cwd`) or a name looked up on PATH. */
  readonly program?: string;
  /** `-L DIR` options, in order (QEMU searches them before its own data dirs). */
  readonly dataDirs: readonly string[];
  readonly cwd: string;
}

/** The program and -L dirs of a pasted QEMU argv (program first), or undefined for a layout file. */
export function qemuTargetOf(argv: readonly string[] | undefined, cwd: string): QemuTarget | undefined {
  if (!argv || argv.length === 0) return undefined;
  const dataDirs: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if ((a === "-L" || a === "--L") && argv[i + 1] !== undefined) dataDirs.push(resolve(cwd, argv[++i]!));
  }
  return { ...(argv[0] && { program: argv[0] }), dataDirs, cwd };
}

/** The binary that will run: the command line's program if it names an existing file, else PATH's. */
function qemuBinary(arch: Arch, target?: QemuTarget): string | undefined {
  const p = target?.program;
  if (p?.includes("/")) {
    const abs = resolve(target!.cwd, p);
    if (existsSync(abs)) return abs;
  } else if (p && /^qemu-system-/.test(p)) {
    const found = which(p);
    if (found) return found;
  }
  return which(qemuBinaryName(arch));
}

// One `--version` spawn per binary per process: a command asks several times (profile, DTB, image).
const versions = new Map<string, string | undefined>();

/** The version of the QEMU that will run (see {@link qemuBinary}), or undefined when there is none. */
export function installedQemuVersion(
  arch: Arch,
  target?: QemuTarget,
): { version: string; binary: string } | undefined {
  const bin = qemuBinary(arch, target);
  if (!bin) return undefined;
  if (!versions.has(bin)) {
    const version = cachedQemuVersion(bin, (b) => {
      const r = spawnSync(b, ["--version"], { encoding: "utf8", timeout: 10_000 });
      return r.status === 0 ? parseQemuVersionOutput(r.stdout) : undefined;
    });
    versions.set(bin, version);
  }
  const version = versions.get(bin);
  return version ? { version, binary: bin } : undefined;
}

export interface ProfileChoice {
  readonly version: QemuVersion;
  /** How it was chosen, for the human output. */
  readonly why: string;
}

/**
 * Picks the QEMU version whose behaviour to model: --qemu, else the layout's own, else the
 * installed QEMU's own version (any from 7.2 up), else the newest release CI verifies.
 */
export function chooseProfile(
  arch: Arch,
  flag: QemuVersion | undefined,
  fromLayout: QemuVersion | undefined,
  target?: QemuTarget,
): ProfileChoice {
  if (flag) return { version: flag, why: "from --qemu" };
  if (fromLayout) return { version: fromLayout, why: "from the layout" };
  const installed = installedQemuVersion(arch, target);
  if (installed && isSupportedVersion(installed.version))
    return {
      version: installed.version as QemuVersion,
      why: `from ${installed.binary} ${installed.version}`,
    };
  if (installed)
    return {
      version: OLDEST_VERSION,
      why: `${installed.binary} ${installed.version} is older than ${OLDEST_VERSION}, the oldest guestmap models; modelling ${OLDEST_VERSION}`,
    };
  return {
    version: NEWEST_VERIFIED_VERSION,
    why: `newest verified profile; no ${qemuBinaryName(arch)} on PATH`,
  };
}

/**
 * The size of the default firmware the QEMU that will run loads: found where QEMU looks (the
 * command line's -L dirs, then the data dirs `-L help` lists, in order). `null` when that QEMU has
 * none (Debian 12 ships no rv32 OpenSBI); `undefined` when no QEMU is installed (the app's table of
 * known OpenSBI sizes is used).
 */
export function defaultFirmwareSize(arch: Arch, target?: QemuTarget): bigint | null | undefined {
  if (arch !== "riscv64" && arch !== "riscv32") return undefined;
  const name = firmwareFileName(arch);
  for (const d of target?.dataDirs ?? []) {
    const p = join(d, name);
    if (existsSync(p)) return BigInt(statSync(p).size);
  }
  const bin = qemuBinary(arch, target);
  if (!bin) return undefined;
  const listed = spawnSync(bin, ["-L", "help"], { encoding: "utf8", timeout: 10_000 });
  const dirs = (listed.status === 0 ? listed.stdout : "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  // A QEMU too old for -L help: its install's own data dir, then the usual ones.
  if (dirs.length === 0)
    dirs.push(
      join(dirname(realpathSync(bin)), "..", "share", "qemu"),
      "/usr/share/qemu",
      "/usr/local/share/qemu",
    );
  for (const d of dirs) {
    const p = join(d, name);
    if (existsSync(p)) return BigInt(statSync(p).size);
  }
  return null;
}

/** The QEMU a run models, chosen once: its profile and the placement options it implies. */
export interface QemuEnvironment {
  readonly choice: ProfileChoice;
  /** For placements/check/ops: the profile and the installed firmware's size. */
  readonly placement: PlacementOptions;
}

/** Chooses the profile (see chooseProfile) and measures the firmware, once per run. */
export function qemuEnvironment(
  arch: Arch,
  flag: QemuVersion | undefined,
  fromLayout: QemuVersion | undefined,
  target?: QemuTarget,
): QemuEnvironment {
  const choice = chooseProfile(arch, flag, fromLayout, target);
  const firmwareSize = defaultFirmwareSize(arch, target);
  return { choice, placement: { qemu: choice.version, ...(firmwareSize !== undefined && { firmwareSize }) } };
}
