/**
 * Direct manipulation on the memory map, as a user does it with a mouse: a drag ends where the
 * pointer says in either scale, snaps to neighbours, selection pans the view, overlapping blobs
 * stay visible, the axis shows round addresses. No timings here (those are `npm run bench`).
 */
import { expect, type Page, test } from "@playwright/test";
import { fresh } from "./helpers";

test.use({ viewport: { width: 1366, height: 768 } });

const address = (page: Page) => page.getByLabel("Address");

/** The address the toolbar shows for the pointer at client x (hovering the map's guest-loader lane). */
async function addressAt(page: Page, x: number, y: number): Promise<bigint> {
  await page.mouse.move(x, y);
  const text = (await page.getByTestId("map-readout").textContent()) ?? "";
  const m = /^(0x[0-9a-f]+) ·/.exec(text);
  expect(m, `the readout shows the pointer's address: ${text}`).not.toBeNull();
  return BigInt(m![1]!);
}

/**
 * Grabs a block 6 px in from its left edge and drags it so that edge lands on client x `to`.
 * Returns after the pointer is released (`hold` runs before release, mid-drag).
 */
async function dragLeftEdgeTo(
  page: Page,
  id: string,
  to: number,
  opts: { alt?: boolean; hold?: () => Promise<void> } = {},
) {
  const b = (await page.locator(`[data-blob-id=${id}]`).boundingBox())!;
  const down = Math.round(b.x) + 6;
  const grab = Math.round(down - b.x);
  const y = Math.round(b.y + b.height / 2);
  await page.mouse.move(down, y);
  await page.mouse.down();
  if (opts.alt) await page.keyboard.down("Alt");
  await page.mouse.move(down + (to + grab - down) / 2, y, { steps: 5 });
  await page.mouse.move(to + grab, y, { steps: 5 });
  await opts.hold?.();
  await page.mouse.up();
  if (opts.alt) await page.keyboard.up("Alt");
}

for (const scale of ["Collapse gaps", "Linear"] as const) {
  test(`${scale}: a dragged blob lands on the address the map shows under its left edge`, async ({
    page,
  }) => {
    await fresh(page);
    await page.getByText(scale, { exact: true }).click();
    const map = (await page.getByTestId("memory-map").boundingBox())!;
    const y = Math.round(map.y + 140);
    // Far from every other region: the big free gap above QEMU's DTB.
    const x = Math.round(map.x + map.width * (scale === "Linear" ? 0.7 : 0.93));
    const under = await addressAt(page, x, y);
    // Alt: no snapping at all, so the blob takes exactly the pointer's address.
    await dragLeftEdgeTo(page, "m1", x, {
      alt: true,
      hold: async () => {
        await expect(page.getByTestId("drag-target")).toContainText(`→ 0x${under.toString(16)}`);
        await expect(page.getByTestId("pointer-address")).toBeVisible();
      },
    });
    await expect(address(page)).toHaveValue(`0x${under.toString(16)}`);
    // Without Alt it snaps to the Image's 2 MiB alignment: the nearest aligned address.
    await page.keyboard.press("Control+z");
    await expect(address(page)).toHaveValue("0x42000000");
    const x2 = x - 7;
    const under2 = await addressAt(page, x2, y);
    const step = 0x200000n;
    const down = under2 - (under2 % step);
    const expected = under2 - down <= down + step - under2 ? down : down + step;
    await dragLeftEdgeTo(page, "m1", x2);
    await expect(address(page)).toHaveValue(`0x${expected.toString(16)}`);
  });
}

test("a blob dragged near QEMU's DTB snaps to its end; Alt drops it where it is", async ({ page }) => {
  await fresh(page);
  const dtb = (await page.getByRole("button", { name: /QEMU DTB/ }).boundingBox())!;
  // QEMU's DTB on this machine: 1 MiB at 0x48000000 (its `info roms`, see docs/qemu-model.md).
  await expect(page.getByRole("button", { name: /QEMU DTB/ })).toHaveAccessibleName(/at 0x48000000, 1 MiB/);
  const dtbEnd = 0x48100000n;
  const near = Math.round(dtb.x + dtb.width) + 4;
  await dragLeftEdgeTo(page, "m2", near, {
    hold: async () => {
      await expect(page.getByTestId("snap-guide")).toBeVisible();
      await expect(page.getByTestId("drag-target")).toContainText("snapped to");
    },
  });
  await expect(address(page)).toHaveValue(`0x${dtbEnd.toString(16)}`);
  await page.keyboard.press("Control+z");
  await dragLeftEdgeTo(page, "m2", near, { alt: true });
  await expect(address(page)).not.toHaveValue(`0x${dtbEnd.toString(16)}`);
  await expect(address(page)).not.toHaveValue("0x47000000");
});

test("↓ at a deep zoom pans the view to the next blob; the map box never scrolls", async ({ page }) => {
  await fresh(page);
  await page.getByText("Linear", { exact: true }).click();
  const image = page.locator("[data-blob-id=m1]");
  await image.click();
  // Zoom deep about the Image: the rootfs is far off-screen.
  const map = page.getByTestId("memory-map");
  const box = (await map.boundingBox())!;
  const b = (await image.boundingBox())!;
  await page.mouse.move(b.x + 2, box.y + 140);
  for (let i = 0; i < 12; i++) await page.mouse.wheel(0, -400);
  await expect(page.locator("[data-blob-id=m2]")).not.toBeInViewport();
  await image.focus();
  await page.keyboard.press("ArrowDown");
  const rootfs = page.locator("[data-blob-id=m2]");
  await expect(rootfs).toBeFocused();
  await expect(address(page)).toHaveValue("0x47000000");
  // On screen, inside the map's box, and the box itself unscrolled (blocks stay on the axis).
  await expect
    .poll(async () => {
      const r = (await rootfs.boundingBox())!;
      return r.x + r.width > box.x && r.x < box.x + box.width;
    })
    .toBe(true);
  expect(await map.evaluate((el) => el.scrollLeft)).toBe(0);
  // The axis agrees with the block: the address under its left edge is its own, to a px.
  const r = (await rootfs.boundingBox())!;
  const left = Math.max(box.x + 1, Math.ceil(r.x) + 1);
  const at = await addressAt(page, left, box.y + 140);
  const perPx = await bytesPerPx(page);
  if (r.x >= box.x) {
    expect(at >= 0x47000000n).toBe(true);
    expect(Number(at - 0x47000000n)).toBeLessThanOrEqual(2 * perPx + 1);
  }
});

async function bytesPerPx(page: Page): Promise<number> {
  const t = (await page.getByTestId("bytes-per-px").textContent()) ?? "";
  const m = /([\d.]+) (B|KiB|MiB|GiB)/.exec(t)!;
  const unit = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[m[2] as "B"];
  return Number(m[1]) * unit;
}

test("overlapping blobs in the guest-loader lane are drawn side by side, each visible and clickable", async ({
  page,
}) => {
  await fresh(page);
  await page.locator("[data-blob-id=m2]").click();
  await address(page).fill("0x42100000");
  await address(page).press("Enter");
  await expect(page.getByTestId("command-line")).toContainText("addr=0x42100000");
  const a = (await page.locator("[data-blob-id=m1]").boundingBox())!;
  const b = (await page.locator("[data-blob-id=m2]").boundingBox())!;
  // They overlap in x (same bytes) but not in y: one row each.
  expect(a.x < b.x + b.width && b.x < a.x + a.width).toBe(true);
  expect(a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
  await page.mouse.click(a.x + a.width / 2, a.y + a.height / 2);
  await expect(address(page)).toHaveValue("0x42000000");
  await page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
  await expect(address(page)).toHaveValue("0x42100000");
});

test("axis ticks are round addresses in both scales, zoomed or not; zoom says bytes per pixel", async ({
  page,
}) => {
  await fresh(page);
  const ticks = async () =>
    (await page.getByTestId("axis-tick").allInnerTexts()).map((t) => BigInt(t.trim().replaceAll("_", "")));
  for (const scale of ["Collapse gaps", "Linear"] as const) {
    await page.getByText(scale, { exact: true }).click();
    const fit = await ticks();
    expect(fit.length).toBeGreaterThan(3);
    // Fit shows 2 GiB over ~800 px: every tick is a whole MiB multiple (not 0x48036640).
    for (const t of fit) expect(t % 0x100000n, `0x${t.toString(16)}`).toBe(0n);
    const map = (await page.getByTestId("memory-map").boundingBox())!;
    const image = (await page.locator("[data-blob-id=m1]").boundingBox())!;
    await page.mouse.move(image.x + image.width / 2, map.y + 140);
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -400);
    const perPx = await bytesPerPx(page);
    const zoomed = await ticks();
    expect(zoomed.length).toBeGreaterThan(2);
    // Round for the zoom: a multiple of the largest power of two below 16 px of bytes.
    let step = 1n;
    while (step * 2n <= BigInt(Math.floor(perPx * 16))) step *= 2n;
    for (const t of zoomed) expect(t % step, `0x${t.toString(16)} at ${perPx} B/px`).toBe(0n);
    await page.getByRole("button", { name: "Fit RAM" }).click();
  }
  await expect(page.getByTestId("bytes-per-px")).toHaveText(/^≈?[\d.]+ (B|KiB|MiB|GiB)\/px$/);
});

test("measure: Shift-drag spans two addresses, ends snapping to regions' edges; the toolbar toggle does it too", async ({
  page,
}) => {
  await fresh(page);
  const image = (await page.locator("[data-blob-id=m1]").boundingBox())!;
  const rootfs = (await page.locator("[data-blob-id=m2]").boundingBox())!;
  const y = image.y + image.height / 2;
  await page.keyboard.down("Shift");
  await page.mouse.move(image.x + 2, y);
  await page.mouse.down();
  await page.mouse.move(rootfs.x + 3, y, { steps: 6 });
  await page.mouse.up();
  await page.keyboard.up("Shift");
  // From the Image's start to the rootfs's start: 80 MiB, whatever the pixels were.
  await expect(page.getByTestId("measure")).toHaveText("0x42000000 → 0x47000000 = 0x05000000 (80 MiB)");
  // Measuring moved nothing.
  await expect(page.getByTestId("command-line")).toContainText("addr=0x42000000");
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47000000");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("measure")).toHaveCount(0);
  // The toggle: a plain drag on the background measures instead of panning.
  await page.getByRole("button", { name: "Measure" }).click();
  await expect(page.getByRole("button", { name: "Measure" })).toHaveAttribute("aria-pressed", "true");
  const map = (await page.getByTestId("memory-map").boundingBox())!;
  await page.mouse.move(map.x + map.width * 0.8, map.y + 200);
  await page.mouse.down();
  await page.mouse.move(map.x + map.width * 0.9, map.y + 200, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId("measure")).toHaveText(
    /^0x[0-9a-f]{8} → 0x[0-9a-f]{8} = 0x[0-9a-f]+ \(.+\)$/,
  );
});

test("the 4 GiB line shows on a machine with RAM past it; hovering never moves the page; the hover card stays in the map's column", async ({
  page,
}) => {
  await fresh(page);
  const map = page.getByTestId("memory-map");
  const before = (await map.boundingBox())!;
  // The Inspector shows an inline error (an address it refuses).
  await page.locator("[data-blob-id=m2]").click();
  await page.getByLabel("Address").fill("0x47zz");
  await page.getByLabel("Address").press("Enter");
  const error = (await page.getByRole("alert").boundingBox())!;
  // The rightmost block, next to the Inspector's column.
  const dtb = (await page.getByRole("button", { name: /QEMU DTB/ }).boundingBox())!;
  await page.mouse.move(dtb.x + dtb.width - 2, dtb.y + 10);
  await expect(page.getByRole("tooltip")).toBeVisible();
  // The pointer's address appeared in the toolbar without re-flowing anything under it.
  await expect(page.getByTestId("map-readout")).toContainText(/^0x/);
  expect(await map.boundingBox()).toEqual(before);
  const card = (await page.getByRole("tooltip").boundingBox())!;
  expect(card.x + card.width).toBeLessThanOrEqual(before.x + before.width + 1);
  const overlaps =
    card.x < error.x + error.width &&
    error.x < card.x + card.width &&
    card.y < error.y + error.height &&
    error.y < card.y + card.height;
  expect(overlaps, "the hover card covers the Inspector's error").toBe(false);
  await page.mouse.move(0, 0);
  await expect(page.getByTestId("4gib-marker")).toHaveCount(0);
  const ram = page.getByLabel("RAM (-m)");
  await ram.fill("4G");
  await ram.press("Enter");
  await expect(page.getByTestId("command-line")).toContainText("-m 4G");
  await expect(page.getByTestId("4gib-marker")).toBeVisible();
  await expect(page.getByTestId("4gib-marker")).toContainText("4 GiB");
});

test("a blob held at the map's edge scrolls the view and keeps going", async ({ page }) => {
  await fresh(page);
  await page.getByText("Linear", { exact: true }).click();
  const map = (await page.getByTestId("memory-map").boundingBox())!;
  for (let i = 0; i < 3; i++) await page.getByRole("button", { name: "Zoom in" }).click();
  await page.getByRole("button", { name: "Fit content" }).click();
  const edge = Math.round(map.x + map.width - 4);
  const atEdge = await addressAt(page, edge, map.y + 140);
  const target = async () =>
    BigInt(/→ (0x[0-9a-f]+)/.exec((await page.getByTestId("drag-target").textContent()) ?? "")![1]!);
  let first = 0n;
  await dragLeftEdgeTo(page, "m1", edge - 40, {
    hold: async () => {
      await page.mouse.move(edge, Math.round(map.y + 140), { steps: 3 });
      first = await target();
      // Held still at the edge: the view scrolls on its own and the blob goes with it.
      await expect.poll(target).toBeGreaterThan(first + 0x1000000n);
    },
  });
  // The blob went past everything the view showed before it scrolled.
  await expect.poll(async () => BigInt(await address(page).inputValue())).toBeGreaterThan(atEdge);
});
