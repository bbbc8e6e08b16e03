import { expect, test } from "@playwright/test";
import { counts, fresh, idbGet, idbKeys, idbPut } from "./helpers";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("reload finds the layout (and its undo history), even right after an edit; corrupt saved state is backed up, never overwritten", async ({
  page,
}) => {
  await fresh(page);
  await page.locator("[data-blob-id=m2]").focus();
  await page.keyboard.press("Shift+ArrowRight");
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47010000");
  // Reloaded at once: the change has not reached IndexedDB yet.
  await page.reload();
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47010000");
  await page.locator("[data-blob-id=m2]").click();
  await expect(page.getByText("in this browser")).toBeVisible();
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47000000");
  await page.getByRole("button", { name: "Redo", exact: true }).click();
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47010000");
  await page.waitForTimeout(500);
  const record = (await idbKeys(page)).find((k) => k.startsWith("state:layout:"))!;
  await idbPut(page, record, "{not a record");
  await page.reload();
  await expect(page.getByRole("status")).toContainText("Could not restore the saved layout");
  await expect(page.getByRole("status")).toContainText("state:backup:");
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47000000");
  // Edits go to a new layout: the unreadable record is still there, untouched.
  await page.locator("[data-blob-id=m1]").focus();
  await page.keyboard.press("ArrowRight");
  await page.waitForTimeout(500);
  expect(await idbGet(page, record)).toBe("{not a record");
});

test("a reload or a closed tab in the very task of an arrow-key move keeps the move (journalled when the page is left)", async ({
  page,
  context,
}) => {
  await fresh(page);
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47000000");
  await page.waitForTimeout(500);
  // The key and the reload in one task: neither the idle journal write nor the IndexedDB save
  // (both after the key's frame) can have run; only leaving the page writes the journal.
  const key = (id: string) =>
    page.evaluate((id) => {
      const blob = document.querySelector<HTMLElement>(`[data-blob-id=${id}]`)!;
      blob.focus();
      blob.dispatchEvent(
        new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true, cancelable: true }),
      );
    }, id);
  await page.evaluate(() => {
    const blob = document.querySelector<HTMLElement>("[data-blob-id=m2]")!;
    blob.focus();
    blob.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true, cancelable: true }));
    location.reload();
  });
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47001000");
  // And a tab closed right after a key: the next tab opens on the move.
  await page.waitForTimeout(500);
  await key("m2");
  await page.close();
  const next = await context.newPage();
  await next.goto("/");
  await expect(next.getByTestId("command-line")).toContainText("addr=0x47002000");
});

test("share link carries the layout, opens beside the saved one; a pasted command line imports with placeholders", async ({
  page,
}) => {
  await fresh(page);
  await page.locator("[data-blob-id=m1]").focus();
  await page.keyboard.press("ArrowRight");
  await page.getByRole("button", { name: "Copy share link" }).click();
  const url = await page.evaluate(() => navigator.clipboard.readText());
  expect(url).toMatch(/#layout=[A-Za-z0-9_-]+$/);
  // No file contents in a link: names, sizes and digests only.
  expect(Buffer.from(url.split("#layout=")[1]!, "base64url").toString()).not.toContain('"head"');
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(page.getByTestId("command-line")).toContainText("addr=0x42000000");
  await page.waitForTimeout(500);
  // Opened in a new tab, as a recipient would: a new layout, the saved one untouched.
  const tab = await page.context().newPage();
  await tab.goto(url);
  await expect(tab.getByTestId("command-line")).toContainText("addr=0x42200000");
  await expect(tab.getByRole("status")).toContainText("shared layout as a new layout");
  await tab.locator("summary", { hasText: "Layout: Shared layout" }).click();
  await tab.getByRole("button", { name: "Open “Xen example”" }).click();
  await expect(tab.getByTestId("command-line")).toContainText("addr=0x42000000");
  await tab.close();

  await page.locator("summary", { hasText: "Import" }).click();
  await page
    .getByLabel("Paste a QEMU command line")
    .fill(
      "qemu-system-aarch64 -M virt -cpu max -m 1G -kernel xen \\\n  -device guest-loader,addr=0x48000000,kernel=vmlinux-dom1,bootargs='console=hvc0'",
    );
  await page.getByRole("button", { name: "Import command line" }).click();
  await expect(page.getByRole("status")).toContainText("placeholders");
  await expect(page.getByText("warning size-unknown").first()).toBeVisible();
  await page.getByRole("button", { name: /vmlinux-dom1: placeholder/ }).click();
  await page.getByLabel("Size", { exact: true }).fill("12M");
  await page.getByLabel("Size", { exact: true }).press("Enter");
  await expect(
    page.getByRole("button", { name: /^vmlinux-dom1, kernel at 0x48000000, 12 MiB/ }),
  ).toBeVisible();
  // The -kernel is a placeholder too: until its size is known, what QEMU places after it is provisional.
  await expect(counts(page)).toContainText("0 errors · 1 warning");
  await page.getByLabel("-kernel size (file not in this browser)").fill("1M");
  await page.getByLabel("-kernel size (file not in this browser)").press("Enter");
  // Known now: QEMU's DTB goes to 0x48000000 (1 GiB RAM, AArch64 cpu), right where the module is.
  await expect(counts(page)).toContainText("1 error · 0 warnings");
  await expect(page.getByText("error overlap").first()).toBeVisible();
});

test("undo steps dropped in an earlier session are swept from storage; the ones the history names stay", async ({
  page,
}) => {
  await fresh(page);
  const m2 = page.locator("[data-blob-id=m2]");
  for (let i = 0; i < 3; i++) {
    await m2.focus();
    await page.keyboard.press("ArrowRight");
  }
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47003000");
  await page.waitForTimeout(500);
  await page.reload();
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await m2.focus();
  await page.keyboard.press("Shift+ArrowRight");
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47011000");
  await page.waitForTimeout(500);
  await page.reload();
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47011000");
  await page.waitForTimeout(500);
  const keys = await idbKeys(page);
  const record = (await idbGet(page, keys.find((k) => k.startsWith("state:layout:"))!)) as {
    past: string[];
    present: string;
    future: string[];
  };
  const named = new Set([...record.past, record.present, ...record.future]);
  expect(keys.filter((k) => k.startsWith("state:snap:")).sort()).toEqual([...named].sort());
  // The history still undoes to the start.
  for (let i = 0; i < 2; i++) await page.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(page.getByTestId("command-line")).toContainText("addr=0x47000000");
});

test("a layout saved by the localStorage version is moved to IndexedDB, and the old copy kept", async ({
  page,
}) => {
  await page.goto("/");
  // The first visit's own save is done before the old-style state is put in place.
  await page.waitForTimeout(500);
  const layoutJson = JSON.stringify({
    format: "guestmap-layout",
    version: 1,
    machine: { arch: "aarch64", ram: "1G", cpu: "max" },
    modules: [{ id: "m1", addr: "0x48000000", initrd: { path: "old.cpio", size: "0x2000" } }],
  });
  await page.evaluate(async (layoutJson) => {
    localStorage.clear();
    localStorage.setItem(
      "guestmap",
      JSON.stringify({ state: { layoutJson, scaleMode: "linear" }, version: 1 }),
    );
    await new Promise<void>((resolve) => {
      const r = indexedDB.deleteDatabase("keyval-store");
      r.onsuccess = r.onerror = r.onblocked = () => resolve();
    });
  }, layoutJson);
  await page.reload();
  await expect(page.getByRole("status")).toContainText("Moved your saved layout to this browser's IndexedDB");
  await expect(page.getByTestId("command-line")).toContainText("addr=0x48000000,initrd=old.cpio");
  expect(await page.evaluate(() => localStorage.getItem("guestmap.v1-backup"))).toContain("old.cpio");
  await page.waitForTimeout(500);
  await page.reload();
  await expect(page.getByTestId("command-line")).toContainText("addr=0x48000000,initrd=old.cpio");
});
