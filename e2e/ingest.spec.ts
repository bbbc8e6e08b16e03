/**
 * Many files at once, as a user drops a build tree: a bounded read (the page keeps painting,
 * progress shows, Cancel stops it), and past the layout bound a clear refusal before any byte is
 * read. Files are made in the page (a DataTransfer, as the desktop sends them) or written to disk
 * and opened with the file dialog (setInputFiles).
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { dropFiles, fresh, newcCpio, watchFrames } from "./helpers";

/** Makes `n` files of `size` bytes (part0.img…) in the page, as the desktop hands them over in a drop. */
async function makeFiles(page: Page, n: number, size: number): Promise<void> {
  await page.evaluate(
    ({ n, size }) => {
      const dt = new DataTransfer();
      for (let i = 0; i < n; i++) {
        const b = new Uint8Array(size);
        b[0] = i & 0xff;
        b[1] = i >> 8;
        dt.items.add(new File([b], `part${i}.img`));
      }
      (window as unknown as { made_: DataTransfer }).made_ = dt;
    },
    { n, size },
  );
}

/** Drops the files makeFiles made on the middle of the map. */
async function dropMade(page: Page): Promise<void> {
  await page.getByTestId("memory-map").evaluate((el) => {
    const dataTransfer = (window as unknown as { made_: DataTransfer }).made_;
    const r = el.getBoundingClientRect();
    for (const type of ["dragenter", "dragover", "drop"])
      el.dispatchEvent(
        new DragEvent(type, {
          dataTransfer,
          clientX: r.left + r.width / 2,
          clientY: r.top + 120,
          bubbles: true,
          cancelable: true,
        }),
      );
  });
}

const blobs = (page: Page) => page.locator("[data-blob-id]");

test("20,000 dropped files get a clear refusal at once, and the layout is kept as it was", async ({
  page,
}) => {
  await fresh(page);
  await expect(blobs(page)).toHaveCount(2);
  await makeFiles(page, 20_000, 16);
  const frames = await watchFrames(page);
  await dropMade(page);
  await expect(page.getByRole("status")).toContainText(
    "20000 files would make 20002 blobs, and a layout holds at most 1024",
  );
  await expect(page.getByRole("status")).toContainText("Nothing was read or added; the layout is as it was");
  await expect(page.getByRole("status")).toContainText("Add at most 1022 file(s) at a time");
  await expect(blobs(page)).toHaveCount(2);
  // Still the one layout, still undoable to nothing: the refusal made no edit.
  await expect(page.getByRole("button", { name: "Undo" })).toBeDisabled();
  const { longest } = await frames();
  console.log(`20,000 files refused: longest frame gap ${longest.toFixed(0)} ms`);
  // A generous bound for a shared 2-core machine; reading 20,000 files took many seconds.
  expect(longest).toBeLessThan(2_000);
});

test("1,000 files opened at once are all read, with progress, while the page keeps painting", async ({
  page,
}, info) => {
  test.setTimeout(120_000);
  await fresh(page);
  const dir = info.outputPath("tree");
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const p = join(dir, `initrd-${String(i).padStart(4, "0")}.cpio`);
    const data = newcCpio(8192);
    data.writeUInt32LE(i, 4096); // each file its own digest
    await writeFile(p, data);
    paths.push(p);
  }
  const frames = await watchFrames(page);
  await page.getByLabel("Add files as guest-loader blobs").setInputFiles(paths);
  await expect(page.getByText(/Reading \d+ of 1000 files/)).toBeVisible();
  await expect(blobs(page)).toHaveCount(1002, { timeout: 60_000 });
  await expect(page.getByTestId("ingest-progress")).toHaveCount(0);
  await expect(page.getByRole("status")).not.toContainText("Could not");
  const { frames: painted, longest } = await frames();
  console.log(`1,000 files read: ${painted} frames painted, longest gap ${longest.toFixed(0)} ms`);
  expect(painted).toBeGreaterThan(10);
  // One drop is one undo step: all 1000 go.
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(blobs(page)).toHaveCount(2);
  await rm(dir, { recursive: true });
});

test("Cancel stops reading many files: nothing is added and the layout is as it was", async ({ page }) => {
  await fresh(page);
  // 400 × 2 MiB: long enough to click Cancel on a loaded machine.
  await makeFiles(page, 400, 2 << 20);
  await dropMade(page);
  const progress = page.getByTestId("ingest-progress");
  await expect(progress).toBeVisible();
  await progress.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("status")).toContainText(
    /Stopped after reading \d+ of 400 file\(s\): nothing was added/,
  );
  await expect(progress).toHaveCount(0);
  await expect(blobs(page)).toHaveCount(2);
  await expect(page.getByRole("button", { name: "Undo" })).toBeDisabled();
});

test("a file whose name was not UTF-8 (the browser shows U+FFFD) gets a warning naming the fix", async ({
  page,
}) => {
  await fresh(page);
  // Chromium's File.name for `rootfs<0xff>.cpio` on a Linux disk.
  await dropFiles(page, [{ name: "rootfs\uFFFD.cpio", data: newcCpio(8192) }], 0.9);
  const row = page.locator("li", { hasText: "file-name-encoding" });
  await expect(row).toContainText("rootfs\uFFFD.cpio (m3): the file's name has bytes that are not UTF-8");
  await expect(row).toContainText("Rename the file to a UTF-8 name and drop or choose it again.");
});
