/**
 * Test-only harness around the real QEMU: the judge of every placement, DTB and image we model.
 *
 * QEMU is started stopped (`-S`), with no display, serial or network, and driven over QMP on
 * stdio — one run takes about 0.1 s and needs no sleeps. See docs/qemu-model.md.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { QemuVersion } from "../src/index.js";

export const QEMU_BINARIES = {
  aarch64: "qemu-system-aarch64",
  arm: "qemu-system-arm",
  riscv64: "qemu-system-riscv64",
  riscv32: "qemu-system-riscv32",
} as const;

export type QemuArch = keyof typeof QEMU_BINARIES;

/** One real QEMU the suites judge against: its version (from `--version`) and its binaries. */
export interface QemuInstall {
  /** Full version as `--version` prints it, e.g. `7.2.22`, `10.0.2`: the profile guestmap models it with. */
  readonly version: QemuVersion;
  /** The directory holding qemu-system-*, or undefined for the ones on PATH. */
  readonly dir: string | undefined;
  binary(arch: QemuArch): string;
  /**
   * The size of the OpenSBI fw_dynamic.bin this QEMU loads by default, found the way QEMU finds it
   * (the data dirs `-L help` lists, in order); null when it has none (Debian 12 ships no rv32 one).
   */
  firmwareSize(arch: "riscv64" | "riscv32"): bigint | null;
}

/** "QEMU 10.0.2": for suite names, so a failure says which judge disagreed. */
export function qemuLabel(q: QemuInstall): string {
  return `QEMU ${q.version}`;
}

function makeInstall(version: string, dir: string | undefined): QemuInstall {
  const binary = (a: QemuArch) => (dir ? join(dir, QEMU_BINARIES[a]) : QEMU_BINARIES[a]);
  const fw = new Map<string, bigint | null>();
  return {
    version: version as QemuVersion,
    dir,
    binary,
    firmwareSize(arch) {
      const known = fw.get(arch);
      if (known !== undefined) return known;
      const r = spawnSync(binary(arch), ["-L", "help"], { encoding: "utf8", timeout: 30_000 });
      let size: bigint | null = null;
      for (const d of (r.stdout ?? "").split("\n").filter((l) => l.trim() !== "")) {
        const p = join(d.trim(), `opensbi-${arch}-generic-fw_dynamic.bin`);
        if (existsSync(p)) {
          size = BigInt(statSync(p).size);
          break;
        }
      }
      fw.set(arch, size);
      return size;
    },
  };
}

/** Where scripts/install-qemu-10.sh puts QEMU 10.0.2 unless told otherwise. */
const DEFAULT_EXTRA_DIRS = ["/opt/guestmap/qemu-10.0.2/bin"];

function versionOf(binary: string): string | undefined {
  const r = spawnSync(binary, ["--version"], { encoding: "utf8", timeout: 30_000 });
  return /QEMU emulator version (\d+\.\d+(?:\.\d+)?)/.exec(r.stdout ?? "")?.[1];
}

let installs: QemuInstall[] | undefined;

/**
 * Every QEMU to judge against: the one on PATH (Debian 12: 7.2) and each directory in
 * GUESTMAP_QEMU_DIRS (colon-separated; default: where scripts/install-qemu-10.sh installs 10.0.2).
 * With GUESTMAP_REQUIRE_TOOLS=1 a missing one is an error, otherwise a loud skip.
 */
export function qemuInstalls(): readonly QemuInstall[] {
  if (installs) return installs;
  const found: QemuInstall[] = [];
  const onPath = versionOf(QEMU_BINARIES.aarch64);
  if (onPath) found.push(makeInstall(onPath, undefined));
  else {
    const msg =
      "guestmap conformance: no qemu-system-aarch64 on PATH (Debian: apt-get install qemu-system-arm qemu-system-misc); the suites that judge against it are SKIPPED.";
    if (process.env.GUESTMAP_REQUIRE_TOOLS === "1")
      throw new Error(`${msg} (GUESTMAP_REQUIRE_TOOLS=1 forbids skipping)`);
    process.stderr.write(`\n\x1b[1;33m*** ${msg}\x1b[0m\n\n`);
  }
  const dirs = (process.env.GUESTMAP_QEMU_DIRS ?? DEFAULT_EXTRA_DIRS.join(":"))
    .split(":")
    .filter((d) => d !== "");
  for (const dir of dirs) {
    const v = versionOf(join(dir, QEMU_BINARIES.aarch64));
    if (v) {
      if (!found.some((f) => f.version === v)) found.push(makeInstall(v, dir));
      continue;
    }
    const msg = `guestmap conformance: no QEMU in ${dir} (run scripts/install-qemu-10.sh); the suites that judge against it are SKIPPED.`;
    if (process.env.GUESTMAP_REQUIRE_TOOLS === "1")
      throw new Error(`${msg} (GUESTMAP_REQUIRE_TOOLS=1 forbids skipping)`);
    process.stderr.write(`\n\x1b[1;33m*** ${msg}\x1b[0m\n\n`);
  }
  installs = found;
  return found;
}

/** Flags that make QEMU headless and quiet; `-net none` because Debian ships no efi-virtio.rom. */
const QUIET = ["-display", "none", "-serial", "none", "-monitor", "none", "-net", "none"];

export interface QmpResult {
  /** Exit status of QEMU (0 after a clean `quit`). */
  status: number | null;
  stderr: string;
  /** The `return` value of each command, in order (undefined for a command that got an error). */
  returns: unknown[];
  /** Raw QMP lines, for debugging a failing test. */
  raw: string[];
}

/**
 * Starts `binary args… -S -qmp stdio`, sends `qmp_capabilities`, then `commands`, then `quit`.
 * `cwd` is where relative file names in `args` resolve, as for a user's shell.
 */
export function qmpRun(
  binary: string,
  args: readonly string[],
  commands: readonly object[],
  cwd?: string,
): QmpResult {
  const script = [{ execute: "qmp_capabilities" }, ...commands, { execute: "quit" }]
    .map((c) => JSON.stringify(c))
    .join("\n");
  const r = spawnSync(binary, [...args, "-S", ...QUIET, "-qmp", "stdio"], {
    input: `${script}\n`,
    encoding: "utf8",
    cwd,
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const raw = (r.stdout ?? "").split("\n").filter((l) => l.trim() !== "");
  const returns: unknown[] = [];
  for (const line of raw) {
    // QEMU's gunzip() reports zlib errors with printf, on the stdout QMP shares.
    if (!line.startsWith("{")) continue;
    const msg = JSON.parse(line) as { return?: unknown; error?: unknown; QMP?: unknown; event?: unknown };
    if ("return" in msg) returns.push(msg.return);
    else if ("error" in msg) returns.push(undefined);
  }
  // Drop the replies to qmp_capabilities and quit so returns[i] answers commands[i].
  return { status: r.status, stderr: r.stderr ?? "", returns: returns.slice(1, 1 + commands.length), raw };
}

/** Runs a human monitor command through QMP. */
export function hmp(command: string): object {
  return { execute: "human-monitor-command", arguments: { "command-line": command } };
}

export interface RomEntry {
  name: string;
  addr: bigint;
  size: bigint;
  /** `ram` or `rom`: which memory region the address falls in, as QEMU prints it. */
  mem: string;
}

/**
 * `info roms` after `-S`, keeping only entries with an address (fw_cfg files have none). Throws
 * with QEMU's stderr when QEMU refused the command line.
 */
export function infoRoms(binary: string, args: readonly string[], cwd?: string): RomEntry[] {
  const r = qmpRun(binary, args, [hmp("info roms")], cwd);
  const text = r.returns[0];
  if (typeof text !== "string") {
    // Killed by a signal after the QMP greeting: QEMU crashed at reset, it did not refuse.
    if (r.status === null && r.raw.length > 0) throw new QemuCrashed(r.stderr);
    throw new QemuRefused(r.stderr, r.status);
  }
  const roms: RomEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^addr=([0-9a-f]+) size=0x([0-9a-f]+) mem=(\w+) name="(.*)"$/.exec(line);
    if (m) roms.push({ addr: BigInt(`0x${m[1]}`), size: BigInt(`0x${m[2]}`), mem: m[3]!, name: m[4]! });
    // A ROM loaded into a memory region rather than at an address (ARM virt's -bios goes into
    // flash0 itself) is listed by region name: place it at that region's base.
    const f = /^(\S+) size=0x([0-9a-f]+) name="(.*)"$/.exec(line);
    const base = f ? FLASH_BASES[f[1]!] : undefined;
    if (f && base !== undefined)
      roms.push({ addr: base, size: BigInt(`0x${f[2]}`), mem: "flash", name: f[3]! });
  }
  return roms;
}

/**
 * QEMU crashed (a signal) after starting: seen on ARM when a guest-loader blob covers QEMU's whole
 * DTB — at reset qemu_fdt_randomize_seeds parses the blob's bytes as the DTB (7.2.22 and 10.0.2).
 */
export class QemuCrashed extends Error {
  constructor(readonly stderr: string) {
    super(`QEMU crashed at reset: ${stderr.trim()}`);
  }
}

/** ARM virt's flash banks (hw/arm/virt.c: VIRT_FLASH, two 64 MiB banks from 0x0). */
const FLASH_BASES: Record<string, bigint> = { "virt.flash0": 0n, "virt.flash1": 0x4000000n };

/** QEMU exited without answering: its stderr says why (e.g. a guest-loader error). */
export class QemuRefused extends Error {
  constructor(
    readonly stderr: string,
    readonly status: number | null,
  ) {
    super(`QEMU refused the command line (exit ${status}): ${stderr.trim()}`);
  }
}

/** Guest RAM bytes [addr, addr+size) at reset, via `pmemsave`. */
export function pmemsave(
  binary: string,
  args: readonly string[],
  addr: bigint,
  size: bigint,
  cwd?: string,
): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "guestmap-pmem-"));
  try {
    const file = join(dir, "mem.bin");
    const r = qmpRun(
      binary,
      args,
      [{ execute: "pmemsave", arguments: { val: Number(addr), size: Number(size), filename: file } }],
      cwd,
    );
    if (r.returns.length === 0 || r.returns[0] === undefined) throw new QemuRefused(r.stderr, r.status);
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The DTB QEMU builds for this command line, via `-machine dumpdtb=` (QEMU exits right after). */
export function dumpDtb(binary: string, args: readonly string[], cwd?: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "guestmap-dtb-"));
  try {
    const file = join(dir, "qemu.dtb");
    const r = spawnSync(binary, [...args, ...QUIET, "-machine", `dumpdtb=${file}`], {
      encoding: "utf8",
      cwd,
      timeout: 60_000,
    });
    if (r.status !== 0) throw new QemuRefused(r.stderr ?? "", r.status);
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
