/**
 * The built app under its own Content-Security-Policy (index.html): it loads, runs the samples,
 * imports and exports with no violation reported and no request leaving the origin.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { counts, fresh, loadSample } from "./helpers";

test("the built app runs under its CSP with no violation", async ({ page, baseURL }) => {
  const violations: string[] = [];
  const external: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(`${baseURL}/`) && !r.url().startsWith("blob:") && !r.url().startsWith("data:"))
      external.push(r.url());
  });
  page.on("console", (m) => {
    if (/Content.Security.Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`Refused to ${e.violatedDirective}: ${e.blockedURI}`);
    });
  });
  await fresh(page);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  expect(csp).toContain("default-src 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("worker-src 'self';");
  expect(csp).not.toContain("unsafe");
  // Fetches go to the app's origin, or to the local "Verify in QEMU" companion on loopback only.
  expect(csp).toContain("connect-src 'self' http://127.0.0.1:* http://localhost:*;");
  await expect(counts(page)).toContainText("0 errors · 0 warnings");
  // Exercise what could need more: the samples (map, DTB preview), a pasted command line (the
  // importer and zod's layout validation), and downloads through blob: URLs.
  await loadSample(page, /RISC-V 64/);
  await loadSample(page, /24 MiB rootfs/);
  await page.locator("summary", { hasText: "Export" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /Layout JSON/ }).click(),
  ]);
  const json = JSON.parse(readFileSync((await download.path())!, "utf8"));
  expect(json.format).toBe("guestmap-layout");
  expect(violations).toEqual([]);
  expect(external).toEqual([]);
});
