/**
 * Test-only wrappers for dtc and fdtdump. Blobs go through a temp file, not stdin: the tools
 * stop reading at `totalsize`, and QEMU's RISC-V dumps carry bytes past it (EPIPE otherwise).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ToolRun {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

function run(bin: string, args: readonly string[], input: Uint8Array | string): ToolRun {
  const dir = mkdtempSync(join(tmpdir(), "guestmap-fdt-"));
  try {
    const file = join(dir, "input");
    writeFileSync(file, input);
    const r = spawnSync(bin, [...args, file], { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString("utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `dtc -q -I dtb -O dts FILE` : the reference decompilation of a blob. */
export function dtcToDts(dtb: Uint8Array): ToolRun {
  return run("dtc", ["-q", "-I", "dtb", "-O", "dts"], dtb);
}

/** `dtc -q -I dts -O dtb FILE` : the reference compilation of a source. */
export function dtcToDtb(dts: string): ToolRun {
  return run("dtc", ["-q", "-I", "dts", "-O", "dtb"], dts);
}

/** `dtc -q -I dtb -O dtb FILE` : dtc's own re-encoding of a blob. */
export function dtcReencode(dtb: Uint8Array): ToolRun {
  return run("dtc", ["-q", "-I", "dtb", "-O", "dtb"], dtb);
}

/** The banner fdtdump always prints on stderr; anything else there is a complaint. */
const FDTDUMP_BANNER =
  /^\n?\*{4} fdtdump is a low-level debugging tool, not meant for general use\.\n\*{4} If you want to decompile a dtb, you probably want\n\*{4} {5}dtc -I dtb -O dts <filename>\n\n?/;

/** `fdtdump FILE` with its fixed banner stripped from stderr. */
export function fdtdump(dtb: Uint8Array): ToolRun {
  const r = run("fdtdump", [], dtb);
  return { ...r, stderr: r.stderr.replace(FDTDUMP_BANNER, "") };
}

/** fdtdump's tree and reservations, without the header comment lines that state offsets. */
export function fdtdumpBody(r: ToolRun): string {
  return r.stdout
    .toString("latin1")
    .split("\n")
    .filter((l) => !l.startsWith("//"))
    .join("\n");
}
