/**
 * The built app as a team hosts it: the dist/ folder copied under a sub-path of any static web
 * server (here a tiny one that serves nothing else, so one absolute URL in the build would 404),
 * and offline after the first visit (the service worker, build/precache.ts).
 */
import { readFile, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, resolve, sep } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { counts, loadSample } from "./helpers";

const DIST = resolve("dist");
const SUB = "/some/sub/path/";
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

let server: Server;
let origin: string;
const served: string[] = [];

test.beforeAll(async () => {
  server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    served.push(path);
    const file = path.startsWith(SUB) ? resolve(DIST, `.${path.slice(SUB.length - 1)}`) : undefined;
    const target = file && (file === DIST || file.startsWith(DIST + sep)) ? file : undefined;
    try {
      const p = target && (await stat(target)).isDirectory() ? join(target, "index.html") : target;
      if (!p) throw new Error("outside the sub-path");
      const body = await readFile(p);
      res.writeHead(200, { "Content-Type": TYPES[extname(p)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
test.afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
test.beforeEach(() => {
  served.length = 0;
});

/** The app is up: the example is drawn and checked, and a lazily loaded part (export) works. */
async function appWorks(page: Page): Promise<void> {
  await expect(page.locator("[data-blob-id=m1]")).toBeVisible();
  await expect(counts(page)).toContainText("0 errors · 0 warnings");
  await loadSample(page, /RISC-V 64/);
  await page.locator("summary", { hasText: "Export" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /Layout JSON/ }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/\.json$/);
}

test("the build works from a sub-path of a plain static server", async ({ page }) => {
  const failed: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${origin}${SUB}`);
  await appWorks(page);
  expect(failed).toEqual([]);
  expect(served.filter((p) => !p.startsWith(SUB))).toEqual([]);
});

test("offline after the first visit: reload with the network off", async ({ page, context }) => {
  await page.goto(`${origin}${SUB}`);
  await expect(page.locator("[data-blob-id=m1]")).toBeVisible();
  // The worker has precached the whole build and controls the page.
  const scope = await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller)
      await new Promise((ok) =>
        navigator.serviceWorker.addEventListener("controllerchange", ok, { once: true }),
      );
    return reg.scope;
  });
  expect(scope).toBe(`${origin}${SUB}`);

  await context.setOffline(true);
  served.length = 0;
  await page.reload();
  await appWorks(page);
  // `?reset` is another page of the app: served from the cache too.
  await page.goto(`${origin}${SUB}?reset`);
  await expect(page.locator("[data-blob-id=m1]")).toBeVisible();
  expect(served).toEqual([]);
  await context.setOffline(false);
});
