/** Bench input: the DTB the installed QEMU builds for `args`, or undefined without QEMU. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function dumpQemuDtb(args: readonly string[]): Uint8Array | undefined {
  const dir = mkdtempSync(join(tmpdir(), "guestmap-bench-"));
  try {
    const file = join(dir, "virt.dtb");
    const r = spawnSync("qemu-system-aarch64", [
      ...args,
      ...["-display", "none", "-net", "none", "-machine", `dumpdtb=${file}`],
    ]);
    return r.status === 0 ? new Uint8Array(readFileSync(file)) : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
