/**
 * The README's screenshots (docs/*.png). Not part of the suite: run with
 *   GUESTMAP_SCREENSHOTS=1 npx playwright test e2e/screenshots.spec.ts
 */
import { expect, type Page, test } from "@playwright/test";
import { fresh, loadSample } from "./helpers";

test.skip(!process.env.GUESTMAP_SCREENSHOTS, "set GUESTMAP_SCREENSHOTS=1 to refresh docs/*.png");
test.use({ viewport: { width: 1440, height: 900 } });

/** The menus and /chosen load after the first paint: wait for them before a picture. */
async function settled(page: Page) {
  await expect(page.locator("summary", { hasText: "Export" })).toBeVisible();
  await expect(page.getByTestId("dtb-size")).toBeVisible();
}

test("screenshots", async ({ page }) => {
  await fresh(page);
  await settled(page);
  await page.locator("[data-blob-id=m1]").click();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: "docs/first-run.png" });

  await loadSample(page, /24 MiB rootfs/);
  await page.locator("[data-blob-id=m2]").click();
  await page.mouse.move(0, 0);
  await expect(page.getByTestId("collision").first()).toBeVisible();
  await page.screenshot({ path: "docs/dtb-collision.png" });

  // Mid-drag: guides, pointer address, the live collision and diagnostics.
  await loadSample(page, /Xen on aarch64/);
  const r = (await page.locator("[data-blob-id=m1]").boundingBox())!;
  const d = (await page.getByRole("button", { name: /QEMU DTB/ }).boundingBox())!;
  await page.mouse.move(r.x + 10, r.y + r.height / 2);
  await page.mouse.down();
  await page.mouse.move(d.x - r.width / 2, r.y + r.height / 2, { steps: 10 });
  await expect(page.getByTestId("pointer-address")).toBeVisible();
  await page.screenshot({ path: "docs/drag.png" });
  await page.keyboard.press("Escape");
  await page.mouse.up();

  await loadSample(page, /BSS over the rootfs/);
  await page.locator("[data-blob-id=m1]").click();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: "docs/bss-overlap.png" });

  await loadSample(page, /RISC-V 64/);
  await page.getByRole("button", { name: /QEMU firmware/ }).hover();
  await page.screenshot({ path: "docs/riscv64-opensbi.png" });
});

// The page layout at the two sizes the README shows: map and command line on one screen.
for (const [width, height, sample] of [
  [1366, 768, /Xen on aarch64/],
  [1920, 1080, /24 MiB rootfs/],
] as const)
  test(`layout at ${width}×${height}`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await fresh(page);
    await settled(page);
    await loadSample(page, sample);
    await page.locator("[data-blob-id=m2]").click();
    await page.mouse.move(0, 0);
    await expect(page.getByTestId("command-line")).toBeInViewport();
    await page.screenshot({ path: `docs/layout-${width}x${height}.png` });
  });
