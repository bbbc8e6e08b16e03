/**
 * QEMU stopped before the first instruction (`-S`), driven over QMP on stdio: every command is
 * written at once and QEMU answers in order — no sleeps, about 0.1 s a run.
 */
import { type Arch, flashBanks } from "@guestmap/core";
import { runQemuProcess } from "./qemu-process.js";

/** Headless and quiet; `-net none` because Debian ships no efi-virtio.rom. */
export const QUIET_ARGS = ["-display", "none", "-serial", "none", "-monitor", "none", "-net", "none"];

export interface QmpRun {
  /** The `return` of each command in order; undefined where QEMU answered with an error or not at all. */
  returns: unknown[];
  /** QEMU's error messages by command index. */
  errors: (string | undefined)[];
  /** QEMU answered every command: it accepted the command line. */
  answered: boolean;
  status: number | null;
  stderr: string;
  killed: boolean;
}

/** A QMP command as JSON text; addresses are written as exact integers (JSON has no bigint). */
export type QmpCommand = string;

export function hmpCommand(line: string): QmpCommand {
  return JSON.stringify({ execute: "human-monitor-command", arguments: { "command-line": line } });
}

export function pmemsaveCommand(addr: bigint, size: bigint, file: string): QmpCommand {
  return `{"execute":"pmemsave","arguments":{"val":${addr.toString()},"size":${size.toString()},"filename":${JSON.stringify(file)}}}`;
}

export async function qmpRun(
  binary: string,
  args: readonly string[],
  commands: readonly QmpCommand[],
  opts: { cwd: string; timeoutMs: number; signal?: AbortSignal },
): Promise<QmpRun> {
  const script = ['{"execute":"qmp_capabilities"}', ...commands, '{"execute":"quit"}'].join("\n");
  const r = await runQemuProcess(binary, [...args, "-S", ...QUIET_ARGS, "-qmp", "stdio"], {
    ...opts,
    input: `${script}\n`,
  });
  const replies: { ok: boolean; value: unknown; error?: string }[] = [];
  for (const line of r.stdout.split("\n")) {
    if (line.trim() === "") continue;
    let msg: { return?: unknown; error?: { desc?: string } };
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if ("return" in msg) replies.push({ ok: true, value: msg.return });
    else if ("error" in msg) replies.push({ ok: false, value: undefined, error: msg.error?.desc ?? "error" });
  }
  // replies[0] answers qmp_capabilities; the one after the commands answers quit (10.0.2 sometimes
  // crashes there, after answering everything that matters).
  const mine = replies.slice(1, 1 + commands.length);
  return {
    returns: mine.map((x) => x.value),
    errors: mine.map((x) => x.error),
    answered: mine.length === commands.length,
    status: r.status,
    stderr: r.stderr,
    killed: r.killed,
  };
}

/**
 * `info roms` entries at an address. A ROM loaded into a memory region rather than at an address
 * (ARM virt's `-bios` goes into flash0 itself: `virt.flash0 size=… name="…"`) is placed at that
 * flash bank's base; fw_cfg files (`/rom@etc/…`) have no address and are left out.
 */
export function parseInfoRoms(text: string, arch?: Arch): { name: string; addr: bigint; size: bigint }[] {
  const banks = arch ? flashBanks(arch) : [];
  const out: { name: string; addr: bigint; size: bigint }[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^addr=([0-9a-f]+) size=0x([0-9a-f]+) mem=\w+ name="(.*)"$/.exec(line);
    if (m) {
      out.push({ addr: BigInt(`0x${m[1]}`), size: BigInt(`0x${m[2]}`), name: m[3]! });
      continue;
    }
    const f = /^virt\.(flash\d) size=0x([0-9a-f]+) name="(.*)"$/.exec(line);
    const bank = f && banks.find((b) => b.name === f[1]);
    if (f && bank) out.push({ addr: bank.start, size: BigInt(`0x${f[2]}`), name: f[3]! });
  }
  return out;
}
