/**
 * The QEMUs a verification can run: `qemu-system-*` on PATH and in the directories the user
 * names (`--qemu-dir`), each with its version, and on RISC-V the size of its default firmware as
 * QEMU itself reports it (`info roms`), since OpenSBI's size decides where the kernel goes.
 */
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import {
  ARCHES,
  type Arch,
  isSupportedVersion,
  OLDEST_VERSION,
  parseQemuVersionOutput,
  type QemuVersion,
} from "@guestmap/core";
import { hmpCommand, parseInfoRoms, qmpRun } from "./qmp.js";

export interface QemuBinary {
  readonly arch: Arch;
  /** Absolute path of the binary. */
  readonly path: string;
  /** `--version`'s number, e.g. `7.2.22`. */
  readonly version: string;
  /** Where it was found: `PATH` or the --qemu-dir given. */
  readonly from: string;
  /** RISC-V: QEMU's default firmware (`-bios default`), or null when this QEMU has none. */
  readonly firmware?: { readonly name: string; readonly size: bigint } | null;
}

function versionOf(binary: string): Promise<string | undefined> {
  return new Promise((done) => {
    const p = spawn(binary, ["--version"], { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    const t = setTimeout(() => p.kill("SIGKILL"), 30_000);
    p.stdout.setEncoding("utf8").on("data", (s: string) => {
      out += s;
    });
    p.on("error", () => {
      clearTimeout(t);
      done(undefined);
    });
    p.on("close", () => {
      clearTimeout(t);
      done(parseQemuVersionOutput(out));
    });
  });
}

async function firmwareOf(binary: string): Promise<QemuBinary["firmware"]> {
  const r = await qmpRun(binary, ["-M", "virt"], [hmpCommand("info roms")], {
    cwd: tmpdir(),
    timeoutMs: 30_000,
  });
  if (!r.answered || typeof r.returns[0] !== "string") return null;
  const fw = parseInfoRoms(r.returns[0]).find((x) => /fw_dynamic|opensbi/i.test(x.name));
  return fw ? { name: fw.name.slice(fw.name.lastIndexOf("/") + 1), size: fw.size } : null;
}

/** Every qemu-system-{aarch64,arm,riscv64,riscv32} on PATH and in `dirs`, probed. */
export async function findQemus(dirs: readonly string[]): Promise<QemuBinary[]> {
  const places: { dir: string; from: string }[] = [
    ...(process.env.PATH ?? "")
      .split(delimiter)
      .filter((d) => d !== "")
      .map((d) => ({ dir: d, from: "PATH" })),
    ...dirs.map((d) => ({ dir: resolve(d), from: d })),
  ];
  const found: QemuBinary[] = [];
  const seen = new Set<string>();
  for (const arch of ARCHES) {
    const fromPath = places.filter((p) => p.from === "PATH");
    const candidates = [
      // The first on PATH only, as a shell would pick it; every --qemu-dir's own.
      ...fromPath
        .slice(0, fromPath.findIndex((p) => existsSync(join(p.dir, `qemu-system-${arch}`))) + 1)
        .slice(-1),
      ...places.filter((p) => p.from !== "PATH"),
    ];
    for (const p of candidates) {
      const path = join(p.dir, `qemu-system-${arch}`);
      if (seen.has(path) || !existsSync(path) || !statSync(path).isFile()) continue;
      seen.add(path);
      const version = await versionOf(path);
      if (!version) continue;
      const firmware = arch === "riscv64" || arch === "riscv32" ? await firmwareOf(path) : undefined;
      found.push({ arch, path, version, from: p.from, ...(firmware !== undefined && { firmware }) });
    }
  }
  return found;
}

/** The profile to judge a QEMU with: its own version's behaviour (any from 7.2 up). */
export function profileForQemu(version: string): QemuVersion {
  return isSupportedVersion(version) ? (version as QemuVersion) : OLDEST_VERSION;
}
