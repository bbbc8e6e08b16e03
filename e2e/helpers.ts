/** Test fixtures made in the test: real headers, real files; and a few page helpers. */
import { expect, type Page } from "@playwright/test";
import { arm64Image as buildArm64Image } from "../packages/core/test/fixtures/kernels";

/** An arm64 Image (text_offset 0, image_size, the "ARM\x64" magic): the core's one test builder. */
export function arm64Image(size: number, imageSize: number): Buffer {
  return Buffer.from(buildArm64Image(size, 0n, BigInt(imageSize)));
}

/** A newc cpio with one file and the trailer, padded to `size`. */
export function newcCpio(size: number): Buffer {
  const rec = (name: string, len: number) => {
    const f = (n: number) => n.toString(16).padStart(8, "0");
    const h = `070701${f(1)}${f(0o100644)}${f(0)}${f(0)}${f(1)}${f(0)}${f(len)}${f(0)}${f(0)}${f(0)}${f(0)}${f(name.length + 1)}${f(0)}${name}\0`;
    return Buffer.from(h.padEnd(Math.ceil(h.length / 4) * 4, "\0"), "latin1");
  };
  const out = Buffer.alloc(size);
  Buffer.concat([rec("init", 0), rec("TRAILER!!!", 0)]).copy(out);
  return out;
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
  await page.goto("/");
  await page.evaluate(async () => {
    localStorage.clear();
    await new Promise<void>((resolve) => {
      const r = indexedDB.deleteDatabase("keyval-store");
      r.onsuccess = r.onerror = r.onblocked = () => resolve();
    });
  });
  await page.reload();
  await expect(page.locator("[data-blob-id=m1]")).toBeVisible();
}

export const counts = (page: Page) => page.getByTestId("diagnostic-counts");
