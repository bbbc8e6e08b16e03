/**
 * Test-only harness around the real QEMU: the judge of every placement, DTB and image we model.
 *
 * QEMU is started stopped (`-S`), with no display, serial or network, and driven over QMP on
 * stdio — one run takes about 0.1 s and needs no sleeps. See ../shared/reference/qemu-boot.md.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const QEMU_BINARIES = {
  aarch64: "qemu-system-aarch64",
  arm: "qemu-system-arm",
  riscv64: "qemu-system-riscv64",
  riscv32: "qemu-system-riscv32",
} as const;

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
  if (typeof text !== "string") throw new QemuRefused(r.stderr, r.status);
  const roms: RomEntry[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^addr=([0-9a-f]+) size=0x([0-9a-f]+) mem=(\w+) name="(.*)"$/.exec(line);
    if (m) roms.push({ addr: BigInt(`0x${m[1]}`), size: BigInt(`0x${m[2]}`), mem: m[3]!, name: m[4]! });
  }
  return roms;
}

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
