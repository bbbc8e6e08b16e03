/**
 * Rough performance numbers for the report (not part of the suite): time to interactive, and the
 * main-thread cost of one drag frame (check + render) with N blobs on the map. Run with
 *   GUESTMAP_PERF=1 npx playwright test e2e/perf.spec.ts
 */
import { expect, type Page, test } from "@playwright/test";

test.skip(!process.env.GUESTMAP_PERF, "set GUESTMAP_PERF=1 to measure");
test.use({ viewport: { width: 1440, height: 900 } });

/** A layout JSON with n initrd blobs of 1 MiB, every 4 MiB from 0x50000000 (no collisions). */
function layoutJson(n: number): string {
  const modules = Array.from({ length: n }, (_, i) => ({
    id: `m${i + 1}`,
    addr: `0x${(0x50000000 + i * 0x400000).toString(16)}`,
    initrd: { path: `blob${i + 1}.cpio`, size: "0x100000" },
  }));
  return JSON.stringify({
    format: "guestmap-layout",
    version: 1,
    machine: {
      arch: "aarch64",
      type: "virt",
      props: { virtualization: "on" },
      ram: "0x100000000",
      cpu: "cortex-a57",
      bios: "default",
    },
    modules,
    loaders: [],
    extraArgs: [],
  });
}

/**
 * Per pointer move during a drag: the sync work until the map has re-rendered (the map's update is
 * a sync-lane render React flushes in a microtask; panels are deferred), and the frame rate when
 * one move is sent per animation frame (panels included).
 */
async function dragFrameCost(page: Page, frames: number): Promise<string> {
  const blob = page.locator("[data-blob-id=m1]");
  const b = (await blob.boundingBox())!;
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2 + 10, b.y + b.height / 2);
  const r = await page.getByTestId("memory-map").evaluate(async (el, frames) => {
    const rect = el.getBoundingClientRect();
    const move = (i: number) =>
      el.dispatchEvent(
        new PointerEvent("pointermove", {
          clientX: rect.left + 100 + (i % 200),
          clientY: rect.top + 140,
          pointerId: 1,
          bubbles: true,
        }),
      );
    let sync = 0;
    for (let i = 0; i < frames; i++) {
      const t0 = performance.now();
      move(i);
      await Promise.resolve();
      await Promise.resolve();
      sync += performance.now() - t0;
    }
    const frame = () => new Promise<number>((res) => requestAnimationFrame(res));
    const t0 = await frame();
    let t1 = t0;
    for (let i = 0; i < frames; i++) {
      move(i + 7);
      t1 = await frame();
    }
    return { sync: sync / frames, fps: (1000 * frames) / (t1 - t0) };
  }, frames);
  await page.mouse.up();
  return `${r.sync.toFixed(2)} ms sync, ${r.fps.toFixed(0)} fps`;
}

test("time to interactive and drag frame cost", async ({ page }) => {
  await page.goto("/");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await expect(page.locator("[data-blob-id=m1]")).toBeVisible();
  const tti = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return { domContentLoaded: nav.domContentLoadedEventEnd, firstBlob: performance.now() };
  });
  const out: string[] = [
    `first load: DOMContentLoaded ${tti.domContentLoaded.toFixed(0)} ms, map interactive by ${tti.firstBlob.toFixed(0)} ms`,
  ];
  out.push(`drag frame, Xen sample (2 blobs + 3 QEMU regions): ${await dragFrameCost(page, 60)}`);
  for (const n of [50, 200]) {
    await page.evaluate(
      (json) =>
        localStorage.setItem(
          "guestmap",
          JSON.stringify({ state: { layoutJson: json, scaleMode: "collapsed" }, version: 1 }),
        ),
      layoutJson(n),
    );
    await page.reload();
    await expect(page.locator(`[data-blob-id=m${n}]`)).toHaveCount(1);
    out.push(`drag frame, ${n} blobs: ${await dragFrameCost(page, 60)}`);
  }
  console.log(out.join("\n"));
});
