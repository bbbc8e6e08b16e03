/**
 * What the first paint loads: the map, drawn from the core's placements, and nothing else — not
 * the rules (`check()`), not the panels beside the map, not the code behind a click
 * (bench/first-paint.bench.ts measures the sizes; this guards the split itself, which one static
 * import of the wrong module undoes). Every script the page requested before the first blob was
 * drawn is read back, and none may hold any of LATER — each named by a string only it contains
 * (each found in the first chunk before the split).
 */
import { expect, type Page, type Route, test } from "@playwright/test";
import { fresh } from "./helpers";

const LATER: Record<string, string> = {
  "zod (the layout parser)": "ZodError",
  "fflate (the kernel inflater)": "invalid distance",
  "the Export menu": "Layout JSON",
  "the Import menu": "Paste a QEMU",
  '"Verify in QEMU"': "Verify in QEMU",
  "the rules (check())": "Some ROM regions are overlapping",
  "react-resizable-panels": "data-separator-overlay",
  "react-query": "No QueryClient set",
  "the Auto-pack controls": "Auto-pack order",
  "the region table": "Copy Markdown",
  "the Diagnostics panel (Fix all)": "Apply every quick fix at once",
  "the Inspector": "Replaces the bytes; keeps the address",
  "the Machine panel": "Open a -bios file",
  "the DTB codec (a -dtb's /chosen)": "cannot be read here",
};

test("the scripts before the first blob is drawn leave the rules, the panels, export, import and verify out", async ({
  page,
  baseURL,
}) => {
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (!document.querySelector("[data-blob-id=m1]")) return;
      (window as unknown as { mapAt: number }).mapAt = performance.now();
      obs.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto("/?reset");
  await page.waitForFunction(() => (window as unknown as { mapAt?: number }).mapAt !== undefined);
  const early = await page.evaluate(() => {
    const at = (window as unknown as { mapAt: number }).mapAt;
    return performance
      .getEntriesByType("resource")
      .filter((e) => e.startTime < at && e.name.endsWith(".js"))
      .map((e) => e.name);
  });
  expect(early.length).toBeGreaterThan(1);
  for (const url of early) {
    expect(url.startsWith(`${baseURL}/`)).toBe(true);
    const text = await (await page.request.get(url)).text();
    for (const [what, marker] of Object.entries(LATER))
      expect(text.includes(marker), `${url} holds ${what} (${JSON.stringify(marker)})`).toBe(false);
  }
  // And all of it does arrive, after the map: the rules' borders, the panels, the slots' separators
  // and the menus work.
  await expect(page.getByRole("heading", { name: "Diagnostics" })).toBeVisible();
  await expect(page.getByRole("separator", { name: "Resize the map" })).toBeVisible();
  await page.locator("summary", { hasText: "Export" }).click();
  await expect(page.getByRole("button", { name: /Layout JSON/ })).toBeVisible();
});

/**
 * The first paint's slots are plain boxes; react-resizable-panels replaces them when its chunk is
 * in, and the map's DOM node moves into the new slot (src/ui/Slot.tsx). Here that chunk is held
 * back until the test lets it through, so the swap happens at a chosen moment.
 */
async function holdSlotsChunk(page: Page): Promise<() => void> {
  const held: Route[] = [];
  let open = false;
  await page.route("**/assets/ResizablePanes-*.js", (route) => (open ? route.continue() : held.push(route)));
  return () => {
    open = true;
    for (const r of held.splice(0)) void r.continue();
  };
}

test("a blob focused before the resizable slots load keeps the keyboard focus when they do", async ({
  page,
}) => {
  const release = await holdSlotsChunk(page);
  await fresh(page);
  const image = page.locator("[data-blob-id=m1]");
  await image.focus();
  await expect(page.getByRole("separator")).toHaveCount(0);
  release();
  await expect(page.getByRole("separator", { name: "Resize the map" })).toBeVisible();
  await expect(image).toBeFocused();
  await expect(page.getByLabel("Address")).toHaveValue("0x42000000");
  await page.keyboard.press("ArrowRight");
  await expect(page.getByLabel("Address")).toHaveValue("0x42200000");
});

test("the resizable slots wait for a drag that began before them to end (the panels do not), and the drag lands", async ({
  page,
}) => {
  const release = await holdSlotsChunk(page);
  await fresh(page);
  const rootfs = page.locator("[data-blob-id=m2]");
  const r = (await rootfs.boundingBox())!;
  await page.mouse.move(r.x + 10, r.y + r.height / 2);
  await page.mouse.down();
  await page.mouse.move(r.x + 30, r.y + r.height / 2, { steps: 4 });
  release();
  // The chunk is in, but moving the map's node now would drop the drag's pointer capture.
  await page.waitForResponse(/ResizablePanes-.*\.js$/);
  await page.mouse.move(r.x + 60, r.y + r.height / 2, { steps: 4 });
  // The panels do not wait for the drag: they show the dragged layout's diagnostics meanwhile.
  await expect(page.getByTestId("diagnostic-counts")).toBeVisible();
  await expect(page.getByRole("separator")).toHaveCount(0);
  await page.mouse.up();
  await expect(page.getByRole("separator", { name: "Resize the map" })).toBeVisible();
  // The drag moved the rootfs from where the example puts it, as one undo step.
  await expect(page.getByLabel("Address")).not.toHaveValue("0x47000000");
  await page.keyboard.press("Control+z");
  await expect(page.getByLabel("Address")).toHaveValue("0x47000000");
});
