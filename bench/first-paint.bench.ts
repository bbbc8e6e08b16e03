/**
 * First paint of the built app under `vite preview`, in Debian's Chromium. Sizes: the initial JS
 * (the entry script and the chunks index.html preloads) and, as the browser reports it, every
 * script fetched before the example's first blob is drawn (gzip as a server sends them). Times,
 * over several rounds, each in a fresh browser context (cold HTTP cache, no service worker yet):
 * the first contentful paint and the moment the first blob is on the map. The anchor, alternating
 * in the same run and from the same server: a static HTML page of text. Targets (issue 13): JS
 * before the map ≤ 120 KB gzip (the stricter of the two sizes), FCP ≤ 0.5 s (medians).
 *
 *   npm run bench first-paint
 *   GUESTMAP_BENCH_DIST=/path/to/a/build npm run bench first-paint   # measure another build
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ROUNDS = Number(process.env.GUESTMAP_BENCH_ROUNDS ?? 11);
const TARGET_GZIP = 120 * 1024;
const TARGET_FCP = 500;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

/** The entry script and every chunk index.html preloads: what runs before the first render. */
function initialJs(dist: string): { files: { name: string; bytes: number; gzip: number }[] } {
  const html = readFileSync(join(dist, "index.html"), "utf8");
  const names = [
    ...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\.?\/?([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  return {
    files: names.map((name) => {
      const b = readFileSync(join(dist, name));
      return { name, bytes: b.length, gzip: gzipSync(b).length };
    }),
  };
}

const own = !process.env.GUESTMAP_BENCH_DIST;
const dist = process.env.GUESTMAP_BENCH_DIST ?? mkdtempSync(join(tmpdir(), "guestmap-paint-"));
let server: ChildProcess | undefined;
try {
  if (own) {
    const b = spawnSync(
      process.execPath,
      [
        join(root, "node_modules/vite/bin/vite.js"),
        "build",
        "--logLevel",
        "warn",
        "--outDir",
        dist,
        "--emptyOutDir",
      ],
      { cwd: root, stdio: "inherit" },
    );
    if (b.status !== 0) throw new Error("vite build failed");
  }
  // The anchor: text and nothing else, from the same server.
  writeFileSync(
    join(dist, "anchor.html"),
    "<!doctype html><meta charset=utf-8><title>anchor</title><p>guestmap — QEMU guest-loader boot configurator</p>",
  );

  const js = initialJs(dist);
  const total = js.files.reduce((n, f) => n + f.gzip, 0);
  console.log(`initial JS (${js.files.length} files, gzip level 6):`);
  for (const f of js.files)
    console.log(
      `  ${f.name.padEnd(44)} ${(f.bytes / 1024).toFixed(1).padStart(7)} KB  gzip ${(f.gzip / 1024).toFixed(1).padStart(6)} KB`,
    );
  console.log(`  total${" ".repeat(40)}gzip ${(total / 1024).toFixed(1).padStart(6)} KB`);

  const port = await freePort();
  server = spawn(
    process.execPath,
    [
      join(root, "node_modules/vite/bin/vite.js"),
      "preview",
      "--outDir",
      dist,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--strictPort",
    ],
    { cwd: root, stdio: "ignore" },
  );
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${origin}/anchor.html`).catch(() => undefined))?.ok) break;
    if (i > 200) throw new Error("vite preview did not start");
    await new Promise((r) => setTimeout(r, 100));
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
    ],
  });
  const fcp: Record<string, number[]> = { app: [], anchor: [] };
  const map: number[] = [];
  let beforeMap: string[] = [];
  const paint = () =>
    new Promise<number>((ok) => {
      const seen = performance.getEntriesByName("first-contentful-paint")[0];
      if (seen) return ok(seen.startTime);
      new PerformanceObserver((list) => {
        const e = list.getEntriesByName("first-contentful-paint")[0];
        if (e) ok(e.startTime);
      }).observe({ type: "paint", buffered: true });
    });
  for (let r = 0; r < ROUNDS + 1; r++) {
    for (const which of r % 2 ? (["anchor", "app"] as const) : (["app", "anchor"] as const)) {
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      await page.goto(`${origin}/${which === "app" ? "" : "anchor.html"}`);
      const t = await page.evaluate(paint);
      let m: number | undefined;
      if (which === "app") {
        m = (await (
          await page.waitForFunction(
            () => (document.querySelector("[data-blob-id=m1]") ? performance.now() : false),
            undefined,
            { polling: "raf", timeout: 30_000 },
          )
        ).jsonValue()) as number;
        beforeMap = await page.evaluate(() =>
          performance
            .getEntriesByType("resource")
            .map((e) => new URL(e.name).pathname.slice(1))
            .filter((n) => n.endsWith(".js")),
        );
      }
      await context.close();
      if (r === 0) continue; // warm-up: the server's and the OS's caches
      fcp[which]!.push(t);
      if (m !== undefined) map.push(m);
    }
  }
  await browser.close();

  const appFcp = median(fcp.app!);
  console.log(`first paint, ${ROUNDS} alternating rounds (fresh context each), medians:`);
  console.log(`  static HTML anchor   FCP ${median(fcp.anchor!).toFixed(0).padStart(5)} ms`);
  console.log(
    `  guestmap             FCP ${appFcp.toFixed(0).padStart(5)} ms (target ≤ ${TARGET_FCP} ms)   first blob on the map ${median(map).toFixed(0).padStart(5)} ms`,
  );
  const mapJs = beforeMap.reduce((n, f) => n + gzipSync(readFileSync(join(dist, f))).length, 0);
  console.log(
    `  JS fetched before the first blob is drawn: ${beforeMap.length} files, gzip ${(mapJs / 1024).toFixed(1)} KB (target ≤ ${TARGET_GZIP / 1024} KB)`,
  );
  if (Math.max(total, mapJs) > TARGET_GZIP) {
    console.log(
      `MISSED: ${(Math.max(total, mapJs) / 1024).toFixed(1)} KB gzip of JS before the map (target ≤ ${TARGET_GZIP / 1024} KB)`,
    );
    process.exitCode = 1;
  }
  if (appFcp > TARGET_FCP) {
    console.log(`MISSED: FCP ${appFcp.toFixed(0)} ms (target ≤ ${TARGET_FCP} ms)`);
    process.exitCode = 1;
  }
} finally {
  server?.kill();
  if (own) rmSync(dist, { recursive: true, force: true });
  else rmSync(join(dist, "anchor.html"), { force: true });
}
