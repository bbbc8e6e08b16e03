/**
 * What the installed QEMU tells us: its version (which picks the profile when the user gives
 * none) and the size of its default firmware (OpenSBI decides where RISC-V kernels go).
 */
import { spawnSync } from "node:child_process";
import { existsSync, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  type Arch,
  firmwareFileName,
  NEWEST_VERSION,
  type PlacementOptions,
  PROFILES,
  parseQemuVersionOutput,
  type QemuVersion,
  SUPPORTED_VERSIONS,
} from "@guestmap/core";

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

// One `--version` spawn per binary per process: a command asks several times (profile, DTB, image).
const versions = new Map<string, string | undefined>();

/** The installed QEMU's version for this arch, or undefined when none is on PATH. */
export function installedQemuVersion(arch: Arch): string | undefined {
  const bin = which(qemuBinaryName(arch));
  if (!bin) return undefined;
  if (!versions.has(bin)) {
    const r = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 10_000 });
    versions.set(bin, r.status === 0 ? parseQemuVersionOutput(r.stdout) : undefined);
  }
  return versions.get(bin);
}

function versionKey(v: string): number {
  const [a = 0, b = 0] = v.split(".").map(Number);
  return a * 1000 + b;
}

export interface ProfileChoice {
  readonly version: QemuVersion;
  /** How it was chosen, for the human output. */
  readonly why: string;
}

/**
 * Picks the profile: --qemu, else the layout's own, else the installed QEMU's (the closest older
 * profile when there is no exact one), else the newest.
 */
export function chooseProfile(
  arch: Arch,
  flag: QemuVersion | undefined,
  fromLayout: QemuVersion | undefined,
): ProfileChoice {
  if (flag) return { version: flag, why: "from --qemu" };
  if (fromLayout) return { version: fromLayout, why: "from the layout" };
  const installed = installedQemuVersion(arch);
  if (installed) {
    const key = versionKey(installed);
    const candidates = SUPPORTED_VERSIONS.filter((v) => versionKey(v) <= key).sort(
      (a, b) => versionKey(b) - versionKey(a),
    );
    const exact = candidates.find((v) => versionKey(v) === key);
    if (exact) return { version: exact, why: `from ${qemuBinaryName(arch)} ${installed} on PATH` };
    const closest = candidates[0] ?? SUPPORTED_VERSIONS[0]!;
    return { version: closest, why: `closest profile to ${qemuBinaryName(arch)} ${installed} on PATH` };
  }
  return { version: NEWEST_VERSION, why: `newest profile; no ${qemuBinaryName(arch)} on PATH` };
}

/**
 * The size of the default firmware the installed QEMU would load: `null` when that QEMU has none
 * (Debian ships no rv32 OpenSBI), `undefined` when no QEMU is installed (a typical size is used).
 */
export function defaultFirmwareSize(arch: Arch): bigint | null | undefined {
  if (arch !== "riscv64" && arch !== "riscv32") return undefined;
  const bin = which(qemuBinaryName(arch));
  if (!bin) return undefined;
  const name = firmwareFileName(arch);
  const dirs = [
    join(dirname(realpathSync(bin)), "..", "share", "qemu"),
    "/usr/share/qemu",
    "/usr/local/share/qemu",
  ];
  for (const d of dirs) {
    const p = join(d, name);
    if (existsSync(p)) return BigInt(statSync(p).size);
  }
  return null;
}

export { PROFILES };

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
): QemuEnvironment {
  const choice = chooseProfile(arch, flag, fromLayout);
  const firmwareSize = defaultFirmwareSize(arch);
  return { choice, placement: { qemu: choice.version, ...(firmwareSize !== undefined && { firmwareSize }) } };
}
