/**
 * Bundles the `guestmap` command with @guestmap/core, zod, crc-32, fflate and busboy into
 * packages/cli/dist/bundle/: one entry (guestmap.cjs) and a chunk per lazily loaded part, so the
 * packed CLI has no dependencies at all and a command loads only what it uses — `check` never
 * reads zod, the image and DTB writers, `verify` or the HTTP companion (see `npm run bench`,
 * cold-start). Rolldown is the bundler Vite already uses for the app.
 *
 * CommonJS, not ESM: Node 20 runs an ESM entry through its ESM loader, a dozen internal modules
 * compiled at every start, and resolves each chunk asynchronously; `require` of a CommonJS chunk
 * needs neither. Measured with `node --cpu-prof` on `guestmap check` of the README's Xen example:
 * ~10 ms of CPU less per run (cold-start bench). Each `import()` in the sources stays a lazily
 * required chunk. `.cjs` because packages/cli is `"type": "module"`.
 */
import { rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const final = join(root, "packages/cli/dist/bundle");
// Built beside and swapped in: a guestmap started meanwhile (a test, `npm pack` during a run)
// finds the old bundle or the new one, never half of one, and no stale chunk survives.
const outdir = `${final}.${process.pid}.tmp`;

await rm(outdir, { recursive: true, force: true });
await build({
  input: { guestmap: join(root, "packages/cli/src/main.ts") },
  platform: "node",
  // The core's TypeScript sources (its package.json "source" condition): no core build needed.
  resolve: { conditionNames: ["source", "import", "node", "default"] },
  external: [/^node:/],
  logLevel: "warn",
  output: {
    dir: outdir,
    format: "cjs",
    entryFileNames: "[name].cjs",
    // `import("node:crypto")` as a lazy require: the bundle holds no import() at all, which
    // bin/load-bundle.cjs relies on (V8's code cache drops a script's dynamic-import host).
    dynamicImportInCjs: false,
    // Fewer bytes to read and compile at every start. Stack traces of an internal error then name
    // minified functions; the tarball carries no source maps to keep it small.
    minify: true,
    chunkFileNames: "chunks/[name]-[hash].cjs",
  },
});
await rm(final, { recursive: true, force: true });
await rename(outdir, final);
