/**
 * `npm pack` of packages/cli (its prepack script): the bundle (scripts/bundle-cli.mjs), the web
 * app built into packages/cli/app/ (so `guestmap serve` opens it from an installed package) and
 * the licence; postpack removes the last two again. The package's dependencies are all inside
 * the bundle, which is why package.json lists them as devDependencies: the tarball installs with
 * no registry at all.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "packages/cli");

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  if (r.status !== 0) {
    process.stderr.write(`pack-cli: ${cmd} ${args.join(" ")} failed (exit ${r.status})\n`);
    process.exit(1);
  }
}

// postpack: the copies go again, so that `guestmap serve` in the repository serves the root's
// dist/ (the app as `npm run build` last made it), never a stale packed one.
if (process.argv[2] === "--clean") {
  rmSync(join(cli, "app"), { recursive: true, force: true });
  rmSync(join(cli, "LICENSE"), { force: true });
  process.exit(0);
}

run(process.execPath, [join(root, "scripts/bundle-cli.mjs")]);
// npm prints the tarball's name on stdout: vite's report goes to stderr so `$(npm pack)` stays usable.
run(process.execPath, [
  join(root, "node_modules/vite/bin/vite.js"),
  "build",
  "--logLevel",
  "warn",
  "--outDir",
  join(cli, "app"),
  "--emptyOutDir",
]);
copyFileSync(join(root, "LICENSE"), join(cli, "LICENSE"));
