import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { arm64Image, counts, dropFiles, fresh, newcCpio } from "./helpers";

test("drag a blob into QEMU's DTB: the collision shows before release, release keeps it, undo is one step", async ({
  page,
}) => {
  await fresh(page);
  const rootfs = page.locator("[data-blob-id=m2]");
  const dtb = page.getByRole("button", { name: /QEMU DTB/ });
  const r = (await rootfs.boundingBox())!;
  const d = (await dtb.boundingBox())!;
  await page.mouse.move(r.x + 10, r.y + r.height / 2);
  await page.mouse.down();
  // Drag so the rootfs's start lands just under the DTB's start (its tail then covers the DTB).
  await page.mouse.move(d.x + 10 - (r.width - 20) / 2, r.y + r.height / 2, { steps: 4 });
  await page.mouse.move(d.x + 14, r.y + r.height / 2, { steps: 8 });
  await expect(page.getByTestId("pointer-address")).toHaveText(/^0x4[78][0-9a-f]{6}$/);
  await expect(page.getByTestId("collision").first()).toContainText("overlap");
  await expect(counts(page)).toContainText("1 error");
  await expect(page.getByTestId("chosen-dts")).not.toContainText("module@0x47000000");
  await page.mouse.up();
  await expect(page.getByTestId("pointer-address")).toHaveCount(0);
  await expect(counts(page)).toContainText("1 error");
  const moved = await page.getByLabel("Address").inputValue();
  expect(moved).not.toBe("0x47000000");
  expect(BigInt(moved) % 0x1000n).toBe(0n);
  // One drag is one undo step.
  await page.keyboard.press("Control+z");
  await expect(page.getByLabel("Address")).toHaveValue("0x47000000");
  await expect(counts(page)).toContainText("0 errors");
  await page.keyboard.press("Control+Shift+z");
  await expect(page.getByLabel("Address")).toHaveValue(moved);
});

test("zoom, pan and fit; collapse vs linear scale", async ({ page }) => {
  await fresh(page);
  const zoom = page.getByText(/zoom ×/);
  await expect(zoom).toContainText("×1.0");
  await page.getByRole("button", { name: "Zoom in" }).click();
  await expect(zoom).toContainText("×2.0");
  const map = page.getByTestId("memory-map");
  const box = (await map.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + 60);
  await page.mouse.wheel(0, -400);
  await expect(zoom).not.toContainText("×2.0");
  await page.getByRole("button", { name: "Fit RAM" }).click();
  await expect(zoom).toContainText("×1.0");
  await page.getByText("Linear", { exact: true }).click();
  // On a linear 2 GiB map the 40-byte boot stub is a sliver; collapsed it is labelled.
  const stub = page.getByRole("button", { name: /QEMU boot stub/ });
  expect((await stub.boundingBox())!.width).toBeLessThan(4);
  await page.getByRole("button", { name: "Fit content" }).click();
  await expect(zoom).not.toContainText("×1.0");
  await page.getByText("Collapse gaps", { exact: true }).click();
  expect((await stub.boundingBox())!.width).toBeGreaterThan(20);
});

test("drop files from the desktop: kind from the header, snapped address; the file dialog does the same", async ({
  page,
}) => {
  await fresh(page);
  await dropFiles(page, [{ name: "dom1.cpio", data: newcCpio(0x21000) }], 0.97);
  const cpio = page.getByRole("button", { name: /^dom1\.cpio, initrd at/ });
  await expect(cpio).toBeVisible();
  await expect(page.getByLabel("Kind")).toHaveValue("initrd");
  const at = BigInt(await page.getByLabel("Address").inputValue());
  expect(at % 0x1000n).toBe(0n);
  await dropFiles(page, [{ name: "dom1-Image", data: arm64Image(0x300000, 0x500000) }], 0.97);
  await expect(page.getByRole("button", { name: /^dom1-Image, kernel at/ })).toBeVisible();
  await expect(page.getByLabel("Kind")).toHaveValue("kernel");
  expect(BigInt(await page.getByLabel("Address").inputValue()) % 0x200000n).toBe(0n);
  await expect(page.getByText("image_size", { exact: true })).toBeVisible();
  // The kind can be changed.
  await page.getByLabel("Kind").selectOption("initrd");
  await expect(page.getByRole("button", { name: /^dom1-Image, initrd at/ })).toBeVisible();
  // Keyboard users: the file dialog.
  await page.getByLabel("Add files as guest-loader blobs").setInputFiles({
    name: "extra.cpio",
    mimeType: "application/octet-stream",
    buffer: newcCpio(0x8000),
  });
  await expect(page.getByRole("button", { name: /^extra\.cpio, initrd at/ })).toBeVisible();
  await expect(page.getByTestId("command-line")).toContainText("initrd=extra.cpio");
});

test("keyboard: Tab/arrows select, arrows move by the alignment (Shift ×16), Delete removes, undo/redo", async ({
  page,
}) => {
  await fresh(page);
  const image = page.locator("[data-blob-id=m1]");
  await image.focus();
  await expect(page.getByLabel("Address")).toHaveValue("0x42000000");
  await page.keyboard.press("ArrowRight");
  await expect(page.getByLabel("Address")).toHaveValue("0x42200000");
  await page.keyboard.press("Shift+ArrowRight");
  await expect(page.getByLabel("Address")).toHaveValue("0x44200000");
  await page.keyboard.press("Shift+ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByLabel("Address")).toHaveValue("0x42000000");
  await page.keyboard.press("ArrowDown");
  await expect(page.locator("[data-blob-id=m2]")).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(page.getByLabel("Address")).toHaveValue("0x46fff000");
  await page.keyboard.press("Delete");
  await expect(page.locator("[data-blob-id=m2]")).toHaveCount(0);
  await page.keyboard.press("Control+z");
  await expect(page.locator("[data-blob-id=m2]")).toHaveCount(1);
  await page.keyboard.press("Control+z");
  await page.locator("[data-blob-id=m2]").click();
  await expect(page.getByLabel("Address")).toHaveValue("0x47000000");
});

test("the frame after an arrow key shows the blob where the move puts it, with the move's collisions", async ({
  page,
}) => {
  await fresh(page);
  await page.locator("summary", { hasText: "Samples" }).click();
  await page.getByRole("button", { name: /24 MiB rootfs/ }).click();
  await expect(counts(page)).toContainText("1 error");
  // The 24 MiB rootfs ending inside QEMU's DTB: a move changes the colliding bytes.
  await page.locator("[data-blob-id=m2]").click();
  await page.getByLabel("Address").fill("0x46880000");
  await page.getByLabel("Address").press("Enter");
  await expect(page.getByTestId("collision")).toContainText("0x48000000–0x48080000");
  const before = await page.getByTestId("collision").allTextContents();
  // Linear: the scale does not change with the layout. (Collapse gaps re-flows the map around the
  // moved blob once the move is committed, a frame later, as it does on a drag's release.)
  await page.getByText("Linear", { exact: true }).click();
  await page.locator("[data-blob-id=m2]").focus();
  // The key at the start of a frame, as Chromium delivers input; read right after that frame's paint.
  const shown = await page.evaluate(
    () =>
      new Promise<{ left: number; collisions: string[] }>((resolve) =>
        requestAnimationFrame(() => {
          const ch = new MessageChannel();
          ch.port1.onmessage = () => {
            const moved = document.querySelector("[data-testid=dragged-blob] > div, [data-blob-id=m2]");
            resolve({
              left: moved!.getBoundingClientRect().left,
              collisions: [...document.querySelectorAll("[data-testid=collision]")].map(
                (c) => c.textContent!,
              ),
            });
          };
          ch.port2.postMessage(0);
          document.activeElement!.dispatchEvent(
            new KeyboardEvent("keydown", {
              key: "ArrowRight",
              shiftKey: true,
              bubbles: true,
              cancelable: true,
            }),
          );
        }),
      ),
  );
  expect(shown.collisions).not.toEqual(before);
  expect(shown.collisions.join()).toContain("0x48000000–0x48090000");
  await expect(page.getByLabel("Address")).toHaveValue("0x46890000");
  await expect(page.getByTestId("dragged-blob")).toHaveCount(0);
  expect(await page.getByTestId("collision").allTextContents()).toEqual(shown.collisions);
  const committed = (await page.locator("[data-blob-id=m2]").boundingBox())!;
  expect(Math.abs(committed.x - shown.left)).toBeLessThanOrEqual(1);
  await expect(page.locator("[data-blob-id=m2]")).toBeFocused();
});

test("collision fixed by keyboard: the quick fix moves the rootfs to the next free aligned slot", async ({
  page,
}) => {
  await fresh(page);
  await page.locator("summary", { hasText: "Samples" }).click();
  await page.getByRole("button", { name: /24 MiB rootfs/ }).click();
  await expect(counts(page)).toContainText("1 error");
  const fix = page.getByRole("button", { name: /Quick fix: Move rootfs\.cpio to 0x/ });
  await fix.focus();
  await page.keyboard.press("Enter");
  await expect(counts(page)).toContainText("0 errors · 0 warnings");
  await expect(page.getByTestId("collision")).toHaveCount(0);
  // Clicking a diagnostic selects its blob and zooms to its range.
  await page.keyboard.press("Control+z");
  await page.getByRole("button", { name: /error overlap/ }).click();
  await expect(page.getByText(/zoom ×/)).not.toContainText("×1.0");
  await expect(page.getByLabel("Address")).toHaveValue("0x47000000");
});

test("inspector: the address accepts 0x, decimal and suffixes; invalid input is shown and not applied", async ({
  page,
}) => {
  await fresh(page);
  await page.locator("[data-blob-id=m2]").click();
  const address = page.getByLabel("Address");
  await address.fill("0x47zz");
  await address.press("Enter");
  await expect(page.getByRole("alert")).toContainText("not a number");
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47000000");
  await address.fill("1168M");
  await address.press("Enter");
  await expect(page.getByTestId("command-line")).toContainText("addr=0x49000000");
  await expect(page.getByRole("alert")).toHaveCount(0);
  await address.fill("1224736768");
  await address.press("Enter");
  await expect(page.getByTestId("command-line")).toContainText("addr=0x49000000");
  await address.fill("4GiB");
  await address.press("Enter");
  await expect(page.getByText("error outside-ram")).toBeVisible();
  // bootargs for kernels
  await page.locator("[data-blob-id=m1]").click();
  const bootargs = page.getByLabel("bootargs");
  await bootargs.fill("root=/dev/vda console=hvc0");
  await bootargs.press("Enter");
  await expect(page.getByTestId("chosen-dts")).toContainText('bootargs = "root=/dev/vda console=hvc0";');
  // axe with an inline error, the selected kernel and the open Export and Import menus.
  await page.locator("summary", { hasText: "Export" }).click();
  await page.locator("summary", { hasText: "Import" }).click();
  await page.locator("[data-blob-id=m2]").click();
  await address.fill("nonsense");
  await address.press("Enter");
  const axe = await new AxeBuilder({ page }).analyze();
  expect(
    axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
  ).toEqual([]);
});
