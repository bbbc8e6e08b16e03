/**
 * Vite plugin: writes sw.js into the build, the service worker (build/service-worker.js) with the
 * list of every file the build wrote and a digest of their contents. Hand-written rather than
 * Workbox: the whole job is one list and forty lines of worker, without Workbox's dependency tree.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { Plugin, ResolvedConfig } from "vite";

const WORKER = "sw.js";

function filesUnder(dir: string): string[] {
  return (
    readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
      // Not the worker itself, source maps or dotfiles (public/.gitkeep).
      .filter((f) => f !== WORKER && !f.endsWith(".map") && !f.split("/").some((p) => p.startsWith(".")))
      .sort()
  );
}

export function precacheServiceWorker(): Plugin {
  let config: ResolvedConfig;
  return {
    name: "guestmap-precache-service-worker",
    apply: "build",
    configResolved(c) {
      config = c;
    },
    // After every file (chunks, assets, index.html, public/) is on disk.
    closeBundle() {
      const outDir = resolve(config.root, config.build.outDir);
      const files = filesUnder(outDir);
      const digest = createHash("sha256");
      for (const f of files)
        digest
          .update(f)
          .update("\0")
          .update(readFileSync(join(outDir, f)));
      const version = digest.digest("hex").slice(0, 16);
      // "./" is index.html as a page of the app is fetched (see the worker's fetch handler).
      const precache = ["./", ...files.filter((f) => f !== "index.html")];
      const worker = readFileSync(new URL("./service-worker.js", import.meta.url), "utf8");
      writeFileSync(
        join(outDir, WORKER),
        `const PRECACHE = ${JSON.stringify(precache)};\nconst VERSION = ${JSON.stringify(version)};\n${worker}`,
      );
    },
  };
}
