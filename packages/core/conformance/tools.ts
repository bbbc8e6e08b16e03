/**
 * Test-only access to the real tools that judge our model: qemu-system-*, dtc, fdtdump.
 *
 * A suite that needs a binary calls `haveTool(name)` at collection time and wraps itself in
 * `describe.skipIf(!haveTool(...))`. Where the binary is missing the skip is announced loudly on
 * stderr; with GUESTMAP_REQUIRE_TOOLS=1 (set by .ci/run) a missing binary is an error instead, so
 * CI can never pass by skipping.
 */
import { spawnSync } from "node:child_process";

const cache = new Map<string, boolean>();

export function haveTool(name: string): boolean {
  const known = cache.get(name);
  if (known !== undefined) return known;
  const found = spawnSync("sh", ["-c", `command -v "$1"`, "sh", name], { encoding: "utf8" }).status === 0;
  cache.set(name, found);
  if (!found) {
    const msg = `guestmap conformance: '${name}' is not installed; the suites that need it are SKIPPED. Install it (Debian: apt-get install qemu-system-arm qemu-system-misc device-tree-compiler) to run them.`;
    if (process.env.GUESTMAP_REQUIRE_TOOLS === "1")
      throw new Error(`${msg} (GUESTMAP_REQUIRE_TOOLS=1 forbids skipping)`);
    process.stderr.write(`\n\x1b[1;33m*** ${msg}\x1b[0m\n\n`);
  }
  return found;
}
