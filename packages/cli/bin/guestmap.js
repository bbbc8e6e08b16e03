#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by the root `prepare` script (run by `npm ci`).
import "../dist/main.js";
