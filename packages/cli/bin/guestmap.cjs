#!/usr/bin/env node
// Launcher. An installed package (npm pack) carries the bundle, dist/bundle/guestmap.cjs: the CLI
// and the core in a few CommonJS files, no dependencies. In the repository `npm ci` builds both
// the bundle and tsc's dist/main.js (the root `prepare` script); the bundle starts faster, so it
// goes first, compiled with V8's code cache (load-bundle.cjs). CommonJS like the bundle: an ESM
// launcher would start Node's ESM loader for nothing (scripts/bundle-cli.mjs says why).
// `npm ci --ignore-scripts` skips the build: say so instead of a module-not-found trace.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const bundle = join(__dirname, "../dist/bundle/guestmap.cjs");
const compiled = join(__dirname, "../dist/main.js");
if (existsSync(bundle)) {
  require("./load-bundle.cjs").loadBundle(bundle).runFromShell();
} else if (existsSync(compiled)) {
  import(require("node:url").pathToFileURL(compiled).href).then((m) => m.runFromShell());
} else {
  process.stderr.write(
    "guestmap: the command line is not built (npm ci --ignore-scripts skips it); run `npm run build:packages` once\n",
  );
  process.exit(2);
}
