/**
 * What the unsafe-option rule claims, shown with the real QEMU: started stopped (-S) with each
 * option, QEMU runs the command / creates the host file at once — and check flags the option.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, importArgv } from "../src/index.js";
import { qemuInstalls } from "./qemu.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-unsafe-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts QEMU stopped with `extra`, waits until `path` exists (at most 10 s), then kills it. */
async function qemuCreates(binary: string, extra: string[], path: string): Promise<boolean> {
  const p = spawn(
    binary,
    ["-M", "virt", "-S", "-display", "none", "-net", "none", "-monitor", "none", ...extra],
    {
      stdio: "ignore",
    },
  );
  const exited = new Promise((ok) => p.on("exit", ok));
  for (let i = 0; i < 200 && !existsSync(path) && p.exitCode === null; i++)
    await new Promise((ok) => setTimeout(ok, 50));
  p.kill("SIGKILL");
  await exited;
  return existsSync(path);
}

const CASES: [string, (f: string) => string[]][] = [
  ["-incoming exec: runs a shell command", (f) => ["-serial", "none", "-incoming", `exec:touch ${f}`]],
  ["-serial file: creates a host file", (f) => ["-serial", `file:${f}`]],
  ["-chardev file writes a host file", (f) => ["-serial", "none", "-chardev", `file,id=c0,path=${f}`]],
  ["-pidfile writes a host file", (f) => ["-serial", "none", "-pidfile", f]],
];

for (const q of qemuInstalls()) {
  describe(`QEMU ${q.version} acts on the host; check says so`, () => {
    it.each(CASES)("%s", async (label, args) => {
      const f = join(dir, `${q.version}-${label.replace(/\W+/g, "-")}`);
      const extra = args(f);
      expect(await qemuCreates(q.binary("aarch64"), extra, f)).toBe(true);
      const layout = importArgv(["qemu-system-aarch64", "-M", "virt", ...extra]).layout;
      const flagged = check(layout).diagnostics.filter((d) => d.code === "unsafe-option");
      expect(flagged.map((d) => d.severity)).toEqual(["error"]);
      expect(flagged[0]!.message).toContain(f);
    });
  });
}
