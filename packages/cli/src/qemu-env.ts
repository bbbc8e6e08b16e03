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
  isSupportedVersion,
  NEWEST_VERIFIED_VERSION,
  OLDEST_VERSION,
  parseQemuVersionOutput,
  type QemuVersion,
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

/** The installed QEMU's version for this arch, or undefined when none is on PATH. */
export function installedQemuVersion(arch: Arch): string | undefined {
  const bin = which(qemuBinaryName(arch));
  if (!bin) return undefined;
  const r = spawnSync(bin, ["--version"], { encoding: "utf8", timeout: 10_000 });
  return r.status === 0 ? parseQemuVersionOutput(r.stdout) : undefined;
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
): ProfileChoice {
  if (flag) return { version: flag, why: "from --qemu" };
  if (fromLayout) return { version: fromLayout, why: "from the layout" };
  const installed = installedQemuVersion(arch);
  if (installed && isSupportedVersion(installed))
    return { version: installed as QemuVersion, why: `from ${qemuBinaryName(arch)} ${installed} on PATH` };
  if (installed)
    return {
      version: OLDEST_VERSION,
      why: `${qemuBinaryName(arch)} ${installed} on PATH is older than ${OLDEST_VERSION}, the oldest guestmap models; modelling ${OLDEST_VERSION}`,
    };
  return {
    version: NEWEST_VERIFIED_VERSION,
    why: `newest verified profile; no ${qemuBinaryName(arch)} on PATH`,
  };
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
