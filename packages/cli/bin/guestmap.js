#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by the root `prepare` script (run by `npm ci`).
// `npm ci --ignore-scripts` skips that build: say so instead of a module-not-found trace.
import { existsSync } from "node:fs";

if (!existsSync(new URL("../dist/main.js", import.meta.url))) {
  process.stderr.write(
    "guestmap: the command line is not built (npm ci --ignore-scripts skips it); run `npm run build:packages` once\n",
  );
  process.exit(2);
}
await import("../dist/main.js");
