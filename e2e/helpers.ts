/** Test fixtures made in the test: real headers, real files; and a few page helpers. */
import { expect, type Page } from "@playwright/test";
import {
  arm64Image as buildArm64Image,
  newcCpio as buildNewcCpio,
} from "../packages/core/test/fixtures/kernels";

/** An arm64 Image (text_offset 0, image_size, the "ARM\x64" magic): the core's one test builder. */
export function arm64Image(size: number, imageSize: number): Buffer {
  return Buffer.from(buildArm64Image(size, 0n, BigInt(imageSize)));
}

/** A whole newc cpio archive of `size` bytes (`seed` varies its bytes): the core's one test builder. */
export function newcCpio(size: number, seed?: number): Buffer {
  return Buffer.from(buildNewcCpio(size, seed));
}

/** Drops files on the map at a fraction of its width, as the desktop would (a DataTransfer with Files). */
export async function dropFiles(
  page: Page,
  files: { name: string; data: Buffer }[],
  fraction = 0.5,
): Promise<void> {
  const map = page.getByTestId("memory-map");
  const box = (await map.boundingBox())!;
  await map.evaluate(
    (el, { files, x, y }) => {
      const dt = new DataTransfer();
      for (const f of files) {
        const bin = atob(f.b64);
        const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], f.name));
      }
      for (const type of ["dragenter", "dragover", "drop"])
        el.dispatchEvent(
          new DragEvent(type, { dataTransfer: dt, clientX: x, clientY: y, bubbles: true, cancelable: true }),
        );
    },
    {
      files: files.map((f) => ({ name: f.name, b64: f.data.toString("base64") })),
      x: box.x + box.width * fraction,
      y: box.y + 120,
    },
  );
}

export async function loadSample(page: Page, title: RegExp): Promise<void> {
  await page.locator("summary", { hasText: "Samples" }).click();
  await page.getByRole("button", { name: title }).click();
}

export async function fresh(page: Page): Promise<void> {
  // Cleared from a page of the app's origin that is not the app: the app journals and saves what
  // is pending when it is left, so storage cleared under a running app is written again by it.
  await page.goto("/favicon.svg");
  await page.evaluate(async () => {
    localStorage.clear();
    await new Promise<void>((resolve) => {
      const r = indexedDB.deleteDatabase("keyval-store");
      r.onsuccess = r.onerror = r.onblocked = () => resolve();
    });
  });
  await page.goto("/");
  await expect(page.locator("[data-blob-id=m1]")).toBeVisible();
  // The menus load after the map is drawn and can wrap the header onto a second line, moving the
  // map down: a test that reads a block's position before they are in would press beside it.
  await expect(page.locator("summary", { hasText: "Export" })).toBeVisible();
  await expect(page.locator("summary", { hasText: "Verify in QEMU" })).toBeVisible();
}

export const counts = (page: Page) => page.getByTestId("diagnostic-counts");

/** The keys of the app's IndexedDB store (idb-keyval's `keyval-store`). */
export async function idbKeys(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const r = indexedDB.open("keyval-store");
        r.onsuccess = () => {
          const q = r.result.transaction("keyval").objectStore("keyval").getAllKeys();
          q.onsuccess = () => {
            resolve(q.result.map(String));
            r.result.close();
          };
          q.onerror = () => reject(q.error);
        };
        r.onerror = () => reject(r.error);
      }),
  );
}

/** Writes a raw value into the app's IndexedDB store, as a damaged or foreign save would be. */
export async function idbPut(page: Page, key: string, value: unknown): Promise<void> {
  await page.evaluate(
    ({ key, value }) =>
      new Promise<void>((resolve, reject) => {
        const r = indexedDB.open("keyval-store");
        r.onsuccess = () => {
          const tx = r.result.transaction("keyval", "readwrite");
          tx.objectStore("keyval").put(value, key);
          tx.oncomplete = () => {
            r.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { key, value },
  );
}

export async function idbGet(page: Page, key: string): Promise<unknown> {
  return page.evaluate(
    (key) =>
      new Promise<unknown>((resolve, reject) => {
        const r = indexedDB.open("keyval-store");
        r.onsuccess = () => {
          const q = r.result.transaction("keyval").objectStore("keyval").get(key);
          q.onsuccess = () => {
            resolve(q.result);
            r.result.close();
          };
          q.onerror = () => reject(q.error);
        };
      }),
    key,
  );
}

/** Starts counting animation frames and the longest gap between two (a frozen tab paints none). */
export async function watchFrames(page: Page): Promise<() => Promise<{ frames: number; longest: number }>> {
  await page.evaluate(() => {
    const w = window as unknown as { frames_: { frames: number; longest: number; last: number } };
    w.frames_ = { frames: 0, longest: 0, last: performance.now() };
    const tick = (t: number) => {
      w.frames_.longest = Math.max(w.frames_.longest, t - w.frames_.last);
      w.frames_.last = t;
      w.frames_.frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  return () =>
    page.evaluate(() => {
      const { frames, longest } = (window as unknown as { frames_: { frames: number; longest: number } })
        .frames_;
      return { frames, longest };
    });
}
