/**
 * The app never exports wrong bytes and never loses work (issue 10, the app parts of 12): file
 * identity by SHA-256, replacing a blob's file, IndexedDB state (300 blobs, quota, corrupt and
 * foreign saves, no IndexedDB), two tabs, share links, wrong state, exports, hostile strings.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { counts, dropFiles, fresh, idbKeys, idbPut, newcCpio } from "./helpers";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

/** A share link to a layout (what "Copy share link" makes: the layout JSON, base64url). */
const link = (layout: object) =>
  `/#layout=${Buffer.from(JSON.stringify({ format: "guestmap-layout", version: 1, ...layout })).toString("base64url")}`;

const xenMachine = { arch: "aarch64", ram: "2G", cpu: "cortex-a57", props: { virtualization: "on" } };
const cmd = (page: Page) => page.getByTestId("command-line");

/** Drops one file onto the map element matching `selector` (a blob: replaces its file). */
async function dropOnto(page: Page, selector: string, name: string, data: Buffer) {
  await page.locator(selector).evaluate(
    (el, { name, b64 }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
      const r = el.getBoundingClientRect();
      for (const type of ["dragenter", "dragover", "drop"])
        el.dispatchEvent(
          new DragEvent(type, {
            dataTransfer: dt,
            clientX: r.x + 4,
            clientY: r.y + 4,
            bubbles: true,
            cancelable: true,
          }),
        );
    },
    { name, b64: data.toString("base64") },
  );
}

/** A cpio of `size` bytes whose content differs by `seed` (same name and size, other bytes). */
const cpio = (size: number, seed: number): Buffer => newcCpio(size, seed);

test("a share link in a fresh browser never binds a same-name same-size file, nor the demo's bytes; replacing a file keeps the blob", async ({
  page,
  browser,
}) => {
  await fresh(page);
  // The example's rootfs.cpio is 0x1c3200 bytes; the user's own is the same size, other bytes.
  const mine = cpio(0x1c3200, 0x5a);
  await dropOnto(page, "[data-blob-id=m2]", "rootfs.cpio", mine);
  await expect(page.locator("[data-blob-id=m2]")).toHaveAccessibleName(/^rootfs.cpio, initrd at 0x47000000/);
  await expect(page.locator("[data-blob-id=m3]")).toHaveCount(0);
  await expect(page.getByRole("status")).toContainText("its address, kind and bootargs are kept");
  // One undo step gives the demo file back.
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await page.getByRole("button", { name: "Redo", exact: true }).click();
  await page.getByRole("button", { name: "Copy share link" }).click();
  const url = await page.evaluate(() => navigator.clipboard.readText());
  const shared = JSON.parse(Buffer.from(url.split("#layout=")[1]!, "base64url").toString());
  expect(shared.modules[1].initrd).toEqual({
    path: "rootfs.cpio",
    size: "0x1c3200",
    sha256: createHash("sha256").update(mine).digest("hex"),
  });

  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto("/");
  // This browser has another rootfs.cpio of the same size.
  await dropFiles(p2, [{ name: "rootfs.cpio", data: cpio(0x1c3200, 0x33) }], 0.9);
  await expect(p2.locator("[data-blob-id=m3]")).toBeVisible();
  await p2.goto(url);
  await expect(p2.getByRole("status")).toContainText("shared layout as a new layout");
  await p2.locator("[data-blob-id=m2]").click();
  await expect(p2.getByText("not in this browser", { exact: true })).toBeVisible();
  await expect(p2.getByRole("button", { name: "Download file" })).toHaveCount(0);
  await p2.locator("summary", { hasText: "Export" }).click();
  await p2.getByRole("button", { name: /^Memory image: raw/ }).click();
  await expect(p2.getByRole("status")).toContainText("the bytes of rootfs.cpio are not in this browser");
  // Choosing the right file binds it.
  await p2
    .getByLabel("Choose file…")
    .setInputFiles({ name: "rootfs.cpio", mimeType: "application/octet-stream", buffer: mine });
  await expect(p2.getByText("in this browser", { exact: true })).toBeVisible();
  await other.close();
});

test("two different files with one name are a warning; an ELF names its machine; a PNG initrd is warned about", async ({
  page,
}) => {
  await fresh(page);
  await dropFiles(page, [{ name: "rootfs.cpio", data: cpio(0x3000, 7) }], 0.9);
  await expect(page.getByText("warning same-name-files")).toBeVisible();
  await expect(page.getByRole("status")).toContainText("went to 0x");
  const elf = Buffer.alloc(0x200);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(elf);
  elf.writeUInt16LE(2, 16);
  elf.writeUInt16LE(183, 18);
  await dropFiles(page, [{ name: "xen-syms", data: elf }], 0.95);
  await expect(
    page.getByText(/xen-syms \(m\d\) is an ELF64 file for AArch64: guest-loader loads it as raw bytes/),
  ).toBeVisible();
  const png = Buffer.alloc(0x400);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(png);
  await dropFiles(page, [{ name: "holiday.png", data: png }], 0.97);
  await expect(page.getByText(/holiday.png \(m\d\) is a PNG image, not a ramdisk/)).toBeVisible();
});

test("a dropped file never lands on QEMU's regions or another blob: it goes to the nearest free aligned slot and says where", async ({
  page,
}) => {
  await fresh(page);
  // Dropped onto the left of the map: QEMU's boot stub and -kernel are there.
  await dropFiles(page, [{ name: "extra.cpio", data: newcCpio(0x2000) }], 0.02);
  await expect(page.getByRole("status")).toContainText(
    /extra\.cpio went to 0x[0-9a-f]{8} \(the nearest free aligned slot\)/,
  );
  await expect(counts(page)).toContainText("0 errors · 0 warnings");
});

test("300 blobs are saved and reloaded intact; a link with 2000 is refused with a clear message and a way to start fresh", async ({
  page,
}) => {
  await fresh(page);
  const modules = Array.from({ length: 300 }, (_, i) => ({
    id: `m${i + 1}`,
    addr: `0x${(0x50000000 + i * 0x10000).toString(16)}`,
    initrd: { path: `part${i + 1}.img`, size: "0x1000" },
  }));
  await page.goto(link({ machine: { arch: "aarch64", ram: "2G", cpu: "cortex-a57" }, modules }));
  await expect(cmd(page)).toContainText("addr=0x512b0000,initrd=part300.img");
  await page.locator("[data-blob-id=m7]").focus();
  await page.keyboard.press("ArrowRight");
  await expect(cmd(page)).toContainText("addr=0x50061000,initrd=part7.img");
  await page.waitForTimeout(800);
  await page.reload();
  const text = (await cmd(page).textContent()) ?? "";
  expect(text.match(/-device guest-loader/g)).toHaveLength(300);
  expect(text).toContain("addr=0x50061000,initrd=part7.img");
  expect(text).toContain("addr=0x512b0000,initrd=part300.img");
  // The undo history came back too.
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(cmd(page)).toContainText("addr=0x50060000,initrd=part7.img");

  const many = Array.from({ length: 2000 }, (_, i) => ({
    addr: `0x${(0x50000000 + i * 0x1000).toString(16)}`,
    initrd: { path: "x", size: "0x1000" },
  }));
  await page.goto(link({ machine: { arch: "aarch64", ram: "2G" }, modules: many }));
  await expect(page.getByRole("status")).toContainText("The shared link was not opened");
  await expect(page.getByRole("status")).toContainText("2000 entries, more than the 1024 guestmap accepts");
  await expect(cmd(page)).toContainText("addr=0x50060000,initrd=part7.img");
  await page.getByRole("button", { name: "Start fresh" }).click();
  await expect(page.getByRole("status")).toContainText("Started fresh with the example");
  await expect(cmd(page)).toContainText("addr=0x47000000,initrd=rootfs.cpio");
  await page.locator("summary", { hasText: "Layout:" }).click();
  await expect(page.getByRole("button", { name: "Open “Shared layout”" })).toBeVisible();
});

test("a 500-blob region table draws the rows near view only, yet every row is reachable: scrolled to, selected on the map, by keyboard", async ({
  page,
}) => {
  await fresh(page);
  const modules = Array.from({ length: 500 }, (_, i) => ({
    id: `m${i + 1}`,
    addr: `0x${(0x50000000 + i * 0x10000).toString(16)}`,
    initrd: { path: `part${i + 1}.img`, size: "0x1000" },
  }));
  await page.goto(link({ machine: { arch: "aarch64", ram: "2G", cpu: "cortex-a57" }, modules }));
  const grid = page.getByTestId("region-table");
  await expect(grid.locator("tr[data-row-id=m40]")).toBeAttached();
  const drawn = await grid.locator("tr[data-row-id]").count();
  expect(drawn).toBeGreaterThan(10);
  expect(drawn).toBeLessThan(200);
  // Screen readers hear the whole table's size: every module and QEMU's regions, and the header.
  const total = Number(await grid.getAttribute("aria-rowcount"));
  expect(total).toBeGreaterThan(501);
  // Selected on the map, far down the table: its row is drawn and scrolled into view.
  await page.locator("[data-blob-id=m400]").focus();
  await expect(grid.locator("tr[data-row-id=m400]")).toHaveAttribute("aria-selected", "true");
  await expect(grid.locator("tr[data-row-id=m400]")).toBeInViewport();
  expect(await grid.locator("tr[data-row-id=m400]").getAttribute("aria-rowindex")).toBeTruthy();
  // Scrolled to the end by hand: the last rows are drawn there.
  await grid.evaluate((t) => {
    let box = t.parentElement!;
    while (getComputedStyle(box).overflowY !== "auto") box = box.parentElement!;
    box.scrollTop = box.scrollHeight;
  });
  await expect(grid.locator("tr[data-row-id=m500]")).toBeInViewport();
  await expect(grid.locator("tr[data-row-id=m1]")).not.toBeAttached();
  // And by keyboard from there: the cursor walks up through rows drawn as it goes.
  await grid.locator("tr[data-row-id=m500] td").first().focus();
  for (let i = 0; i < 60; i++) await page.keyboard.press("ArrowUp");
  await expect(grid.locator("tr[data-row-id=m440]")).toHaveAttribute("aria-selected", "true");
  await expect(grid.locator("tr[data-row-id=m440]")).toBeInViewport();
  await page.keyboard.press("Control+Home");
  await expect(grid.locator("tr[data-row-id]").first()).toBeInViewport();
});

test("a storage quota error keeps the layout, says so and offers the layout JSON; a failed file write says the bytes will not survive", async ({
  page,
}) => {
  await page.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      if ((window as { quota?: boolean }).quota) throw new DOMException("quota", "QuotaExceededError");
      return put.apply(this, args);
    };
  });
  await fresh(page);
  await page.evaluate(() => {
    (window as { quota?: boolean }).quota = true;
  });
  await page.locator("[data-blob-id=m2]").focus();
  await page.keyboard.press("Shift+ArrowRight");
  await expect(page.getByRole("status")).toContainText(
    "Could not save the layout (the browser's storage quota is exceeded)",
  );
  await expect(cmd(page)).toContainText("addr=0x47010000");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export layout JSON" }).click(),
  ]);
  const saved = JSON.parse(
    await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString()),
  );
  expect(saved.modules[1].addr).toBe("0x47010000");
  expect(JSON.stringify(saved)).not.toContain('"head"');
  await dropFiles(page, [{ name: "late.cpio", data: newcCpio(0x2000) }], 0.9);
  await expect(page.getByRole("status")).toContainText("Could not keep late.cpio");
  await expect(page.getByRole("status")).toContainText("after a reload its bytes are gone");
  // Room again: the next save says so and holds.
  await page.evaluate(() => {
    (window as { quota?: boolean }).quota = false;
  });
  await page.keyboard.press("Escape");
  await page.locator("[data-blob-id=m1]").focus();
  await page.keyboard.press("ArrowRight");
  await expect(page.getByRole("status")).toContainText("Saved again");
  await page.reload();
  await expect(cmd(page)).toContainText("addr=0x42200000");
  await expect(cmd(page)).toContainText("addr=0x47010000");
});

test("without IndexedDB the app opens, says the layout lives in this tab only, and exports still work", async ({
  page,
}) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, "indexedDB", { value: undefined });
  });
  await page.goto("/");
  await expect(page.getByRole("status")).toContainText("Could not open this browser's storage");
  await expect(page.getByRole("status")).toContainText("this layout lives in this tab only");
  await page.locator("summary", { hasText: "Export" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /^Memory image: ELF/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("memory.elf");
});

test("saved state of another storage version is kept and reported, never overwritten by the example", async ({
  page,
}) => {
  await fresh(page);
  // The first visit's own save is done before the foreign state is put in place.
  await page.waitForTimeout(500);
  const future = { storage: 9, current: "x", layouts: [{ id: "x", name: "From the future" }] };
  await idbPut(page, "state:index", future);
  await page.reload();
  await expect(page.getByRole("status")).toContainText("another storage version");
  const keys = await idbKeys(page);
  const backup = keys.find((k) => k.startsWith("state:backup:"))!;
  expect(backup).toBeDefined();
  await expect(page.getByRole("status")).toContainText(backup);
});

test("two tabs on one layout stay in sync and neither loses the other's edits", async ({ page, context }) => {
  await fresh(page);
  const other = await context.newPage();
  await other.goto("/");
  await expect(cmd(other)).toContainText("addr=0x42000000");
  await page.locator("[data-blob-id=m1]").focus();
  await page.keyboard.press("ArrowRight");
  await expect(cmd(other)).toContainText("addr=0x42200000");
  await other.locator("[data-blob-id=m2]").focus();
  await other.keyboard.press("Shift+ArrowRight");
  await expect(cmd(page)).toContainText("addr=0x47010000");
  await expect(cmd(page)).toContainText("addr=0x42200000");
  // Both at the same moment, on different blobs: each tab replays its unsaved edit on the other's.
  await page.locator("[data-blob-id=m1]").focus();
  await other.locator("[data-blob-id=m2]").focus();
  await Promise.all([page.keyboard.press("ArrowRight"), other.keyboard.press("Shift+ArrowRight")]);
  for (const p of [page, other]) {
    await expect(cmd(p)).toContainText("addr=0x42400000");
    await expect(cmd(p)).toContainText("addr=0x47020000");
  }
  await page.waitForTimeout(500);
  await page.reload();
  await other.reload();
  for (const p of [page, other]) {
    await expect(cmd(p)).toContainText("addr=0x42400000");
    await expect(cmd(p)).toContainText("addr=0x47020000");
  }
});

test("extra QEMU arguments from a link are held back as untrusted until accepted", async ({ page }) => {
  await fresh(page);
  await page.goto(
    link({
      machine: xenMachine,
      modules: [{ id: "m1", addr: "0x48000000", initrd: { path: "r.cpio", size: "0x1000" } }],
      extraArgs: [["-incoming", "exec:sh -c 'touch /tmp/guestmap-pwned'"]],
    }),
  );
  const banner = page.getByRole("region", { name: "Untrusted QEMU arguments" });
  await expect(banner).toContainText("-incoming");
  // The core's unsafe-option error names the risk before the user accepts.
  await expect(banner).toContainText("error unsafe-option");
  await expect(cmd(page)).not.toContainText("-incoming");
  await page.getByRole("button", { name: "Copy share link" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).not.toContain("extraArgs");
  await page.getByRole("button", { name: "Accept these arguments" }).click();
  await expect(cmd(page)).toContainText("-incoming");
});

test("wrong state: the arch round trip keeps each cpu and warns on a 32-bit cpu; -M is QemuOpts; -append needs -kernel everywhere", async ({
  page,
}) => {
  await fresh(page);
  const arch = page.getByLabel("Arch (virt)");
  await arch.selectOption("riscv64");
  // RISC-V virt has no virtualization property: the switch drops it and says so (and gives it back).
  await expect(page.getByTestId("notice")).toContainText("-M virtualization= dropped");
  await expect(cmd(page)).not.toContainText("virtualization");
  await arch.selectOption("arm");
  await expect(page.getByText("warning cpu-mismatch").first()).toBeVisible();
  await arch.selectOption("aarch64");
  await expect(cmd(page)).toContainText("-cpu cortex-a57");
  await expect(page.getByText("warning cpu-mismatch")).toHaveCount(0);
  // Across a reload too.
  await arch.selectOption("riscv64");
  await page.waitForTimeout(500);
  await page.reload();
  await page.getByLabel("Arch (virt)").selectOption("aarch64");
  await expect(cmd(page)).toContainText("-cpu cortex-a57");
  const props = page.getByLabel("-M properties");
  await props.fill("virtualization=on,dumpdtb=a,,b.dtb");
  await props.press("Enter");
  await expect(cmd(page)).toContainText("-M virt,virtualization=on,dumpdtb=a,,b.dtb \\");
  await page.locator("[data-blob-id=m1]").click();
  await expect(props).toHaveValue("virtualization=on,dumpdtb=a,,b.dtb");
  await props.fill("virtualization=on,bogus=1");
  await props.press("Enter");
  await expect(page.getByText(/Property 'virt-[\d.]+-machine.bogus' not found/).first()).toBeVisible();
  await props.fill("virtualization=on");
  await props.press("Enter");
  // -append without -kernel: the diagnostics say what the /chosen panel says.
  await page.getByRole("button", { name: "Clear -kernel" }).click();
  await expect(page.getByText("error needs-kernel")).toBeVisible();
  await expect(page.getByText("✓ No problems")).toHaveCount(0);
});

test("typed -append survives a reload before blur; an invalid address draft does not survive reselecting", async ({
  page,
}) => {
  await fresh(page);
  const append = page.getByLabel("-append");
  await append.fill("console=ttyAMA0 typed-but-not-blurred");
  await page.reload();
  await expect(page.getByLabel("-append")).toHaveValue("console=ttyAMA0 typed-but-not-blurred");
  await page.locator("[data-blob-id=m1]").click();
  const address = page.getByLabel("Address");
  await address.fill("0xZZ");
  await address.press("Enter");
  await expect(page.getByRole("alert")).toContainText("is not a number");
  await page.locator("[data-blob-id=m1]").click();
  await expect(page.getByLabel("Address")).toHaveValue("0x42000000");
  await expect(page.getByRole("alert")).toHaveCount(0);
});

test("New layout starts empty beside the saved one; layouts have names; ?reset always reaches a clean start", async ({
  page,
}) => {
  await fresh(page);
  await page.locator("summary", { hasText: "Layout: Xen example" }).click();
  await page.getByRole("button", { name: /^New layout/ }).click();
  await expect(page.locator("[data-blob-id]")).toHaveCount(0);
  await page.locator("summary", { hasText: "Layout: Untitled layout" }).click();
  await page.getByLabel("Name of this layout").fill("dom0less test");
  await page.getByLabel("Name of this layout").press("Enter");
  await expect(page.locator("summary", { hasText: "Layout: dom0less test" })).toBeVisible();
  await page.reload();
  await expect(page.locator("summary", { hasText: "Layout: dom0less test" })).toBeVisible();
  await page.locator("summary", { hasText: "Layout: dom0less test" }).click();
  await page.getByRole("button", { name: "Open “Xen example”" }).click();
  await expect(page.locator("[data-blob-id=m2]")).toBeVisible();
  await page.goto("/?reset");
  await expect(page.getByRole("status")).toContainText("Started fresh");
  expect(page.url()).not.toContain("reset");
  await page.locator("summary", { hasText: "Layout:" }).click();
  await expect(page.getByRole("button", { name: "Open “dom0less test”" })).toBeVisible();
});

test("exports say what they contain: memory-<base>.bin, a raw image past 4 GiB asks first, Intel HEX disabled with why, a long HEX can be cancelled", async ({
  page,
}) => {
  await fresh(page);
  await page.locator("summary", { hasText: "Export" }).click();
  const [raw] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /^Memory image: raw/ }).click(),
  ]);
  expect(raw.suggestedFilename()).toBe("memory-0x42000000.bin");
  // RAM of 8 GiB, a blob above 4 GiB.
  await page.getByLabel("RAM (-m)").fill("8G");
  await page.getByLabel("RAM (-m)").press("Enter");
  await page.locator("[data-blob-id=m2]").click();
  await page.getByLabel("Address").fill("0x180000000");
  await page.getByLabel("Address").press("Enter");
  await page.locator("summary", { hasText: "Export" }).click();
  await expect(page.getByRole("button", { name: /^Memory image: Intel HEX/ })).toBeDisabled();
  await expect(page.getByRole("button", { name: /^Memory image: Intel HEX/ })).toContainText(
    "addresses stop at 4 GiB",
  );
  let asked = "";
  page.once("dialog", (d) => {
    asked = d.message();
    void d.dismiss();
  });
  await page.getByRole("button", { name: /^Memory image: raw/ }).click();
  await expect.poll(() => asked).toContain("mostly zeros");
  // A HEX of the 24 MiB sample's 120 MiB span (~330 MB of text) takes many seconds: it shows
  // progress and stops on Cancel.
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await page.locator("summary", { hasText: "Samples" }).click();
  await page.getByRole("button", { name: /24 MiB rootfs/ }).click();
  await page.locator("summary", { hasText: "Export" }).click();
  await page.getByRole("button", { name: /^Memory image: Intel HEX/ }).click();
  await expect(page.getByRole("progressbar")).toBeVisible();
  await page.getByRole("button", { name: "Cancel export" }).click();
  await expect(page.getByRole("status")).toContainText("Export cancelled");
});

test("hostile names stay text: an HTML file name renders as text, a U+202E in a name does not reverse the diagnostic", async ({
  page,
}) => {
  await fresh(page);
  const html = "<img src=x onerror=window.pwned=1>.cpio";
  await dropFiles(page, [{ name: html, data: cpio(0x2000, 1) }], 0.9);
  await dropFiles(page, [{ name: html, data: cpio(0x2000, 2) }], 0.95);
  await expect(page.getByText(`both name ${html}`)).toBeVisible();
  expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
  expect(await page.locator("img").count()).toBe(0);
  const rlo = "\u202Eoipc.evil";
  await dropFiles(page, [{ name: rlo, data: cpio(0x2000, 3) }], 0.6);
  await dropFiles(page, [{ name: rlo, data: cpio(0x2000, 4) }], 0.7);
  const row = page.locator("li", { hasText: "same-name-files" }).filter({ hasText: "evil" });
  // The override is isolated in a <bdi>: the words after it read left to right.
  await expect(row.locator("bdi").first()).toContainText("\u202E");
  const after = await row.evaluate((el) => {
    const bdi = el.querySelector("bdi")!;
    const r = document.createRange();
    r.setStartAfter(bdi);
    r.setEndAfter(el.lastChild!);
    return r.getBoundingClientRect().width > 0;
  });
  expect(after).toBe(true);
});

test("a file above 128 MiB is hashed off the main thread, and its digest is the one sha256sum prints", async ({
  page,
}, info) => {
  await fresh(page);
  const big = Buffer.alloc(136 << 20);
  newcCpio(4096).copy(big);
  big.fill(0xa5, big.length - 4096);
  const path = info.outputPath("big.cpio");
  await writeFile(path, big);
  const worker = page.waitForEvent("worker");
  await page.getByLabel("Add files as guest-loader blobs").setInputFiles(path);
  expect((await worker).url()).toContain("hash-worker");
  await expect(page.getByRole("button", { name: /^big\.cpio, initrd at/ })).toBeVisible();
  await page.getByRole("button", { name: "Copy share link" }).click();
  const url = await page.evaluate(() => navigator.clipboard.readText());
  const shared = JSON.parse(Buffer.from(url.split("#layout=")[1]!, "base64url").toString());
  const sum = execFileSync("sha256sum", [path]).toString().split(" ")[0];
  expect(shared.modules[2].initrd.sha256).toBe(sum);
  await rm(path);
});

test("opening a base DTB without /chosen modules (QEMU's own dumpdtb) keeps the layout's modules", async ({
  page,
}, info) => {
  await fresh(page);
  const dtb = info.outputPath("virt.dtb");
  // QEMU's own DTB for the machine, with no guest-loader: what `-machine dumpdtb=` gives.
  const r = spawnSync(
    "qemu-system-aarch64",
    ["-M", `virt,virtualization=on,dumpdtb=${dtb}`, "-cpu", "cortex-a57", "-m", "2G", "-display", "none"],
    { encoding: "utf8" },
  );
  expect(r.status, r.stderr).toBe(0);
  await page.locator("summary", { hasText: "Import" }).click();
  await page.getByLabel("Open DTB…").setInputFiles(dtb);
  await expect(page.getByRole("status")).toContainText("the layout's 2 module(s) stay");
  await expect(page.locator("[data-blob-id=m1]")).toBeVisible();
  await expect(page.locator("[data-blob-id=m2]")).toBeVisible();
  await page.locator("summary", { hasText: "Export" }).click();
  await expect(page.getByRole("button", { name: /^DTB merged into base/ })).toBeEnabled();
});

test("an opened layout JSON's extra QEMU arguments are held back as untrusted too", async ({ page }) => {
  await fresh(page);
  await page.locator("summary", { hasText: "Import" }).click();
  await page.getByLabel("Open layout JSON…").setInputFiles({
    name: "from-a-stranger.json",
    mimeType: "application/json",
    buffer: Buffer.from(
      JSON.stringify({
        format: "guestmap-layout",
        version: 1,
        machine: xenMachine,
        modules: [{ id: "m1", addr: "0x48000000", initrd: { path: "r.cpio", size: "0x1000" } }],
        extraArgs: [["-netdev", "tap,id=n0,script=/tmp/evil.sh"]],
      }),
    ),
  });
  const banner = page.getByRole("region", { name: "Untrusted QEMU arguments" });
  await expect(banner).toContainText("from-a-stranger.json");
  await expect(banner).toContainText("script=/tmp/evil.sh");
  await expect(cmd(page)).not.toContainText("-netdev");
  await page.getByRole("button", { name: "Discard them" }).click();
  await expect(banner).toHaveCount(0);
  await expect(cmd(page)).not.toContainText("-netdev");
});
