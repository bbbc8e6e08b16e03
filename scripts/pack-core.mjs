/**
 * `npm pack` of packages/core (its prepack script): dist/ compiled again by tsc (JavaScript,
 * .d.ts and source maps, which point into the src/ shipped beside it) and the licence; postpack
 * removes the licence copy again.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const core = join(root, "packages/core");

if (process.argv[2] === "--clean") {
  rmSync(join(core, "LICENSE"), { force: true });
  process.exit(0);
}
// --force: every file compiled again. (dist/ is not emptied first: the CLI's tsc build, which
// tests may be running meanwhile, imports it.)
const r = spawnSync(join(root, "node_modules/.bin/tsc"), ["-b", "--force", core], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
});
if (r.status !== 0) {
  process.stderr.write(`pack-core: tsc -b packages/core failed (exit ${r.status})\n`);
  process.exit(1);
}
copyFileSync(join(root, "LICENSE"), join(core, "LICENSE"));
