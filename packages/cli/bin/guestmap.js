#!/usr/bin/env node
// Launcher. An installed package (npm pack) carries the bundle, dist/bundle/guestmap.js: the CLI
// and the core in a few files, no dependencies. In the repository `npm ci` builds both the bundle
// and tsc's dist/main.js (the root `prepare` script); the bundle starts faster, so it goes first.
// `npm ci --ignore-scripts` skips that build: say so instead of a module-not-found trace.
import { existsSync } from "node:fs";

const entry = ["../dist/bundle/guestmap.js", "../dist/main.js"]
  .map((p) => new URL(p, import.meta.url))
  .find((u) => existsSync(u));
if (!entry) {
  process.stderr.write(
    "guestmap: the command line is not built (npm ci --ignore-scripts skips it); run `npm run build:packages` once\n",
  );
  process.exit(2);
}
const { runFromShell } = await import(entry.href);
runFromShell();
