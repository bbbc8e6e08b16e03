/** What a demanding user tries: look-alike files, missing files, bad input, deep zoom. */
import { readFile, rm, writeFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { counts, dropFiles, fresh, loadSample, newcCpio } from "./helpers";

async function importCommand(page: Page, text: string) {
  await page.locator("summary", { hasText: "Import" }).click();
  await page.getByLabel("Paste a QEMU command line").fill(text);
  await page.getByRole("button", { name: "Import command line" }).click();
  await expect(page.getByRole("status")).toContainText("Imported");
  await page.keyboard.press("Escape");
}

async function downloadedBytes(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download file" }).click(),
  ]);
  return readFile((await download.path())!);
}

test("two different files with the same name and size stay two files, also after a reload; a drop is one undo step", async ({
  page,
}) => {
  await fresh(page);
  const a = newcCpio(8192);
  const b = newcCpio(8192, 99);
  await dropFiles(page, [{ name: "initrd.cpio", data: a }], 0.3);
  await expect(page.locator("[data-blob-id=m3]")).toBeVisible();
  await dropFiles(page, [{ name: "initrd.cpio", data: b }], 0.6);
  await expect(page.locator("[data-blob-id=m4]")).toBeVisible();
  for (let pass = 0; pass < 2; pass++) {
    await page.locator("[data-blob-id=m3]").click();
    await expect(page.getByText("in this browser")).toBeVisible();
    expect((await downloadedBytes(page)).equals(a)).toBe(true);
    await page.locator("[data-blob-id=m4]").click();
    await expect(page.getByText("in this browser")).toBeVisible();
    expect((await downloadedBytes(page)).equals(b)).toBe(true);
    await page.reload();
  }
  // Files dropped together are one undo step.
  await dropFiles(
    page,
    [
      { name: "x.cpio", data: newcCpio(4096) },
      { name: "y.cpio", data: newcCpio(4096) },
    ],
    0.8,
  );
  await expect(page.locator("[data-blob-id=m6]")).toBeVisible();
  await page.keyboard.press("Control+z");
  await expect(page.locator("[data-blob-id=m5]")).toHaveCount(0);
  await expect(page.locator("[data-blob-id=m4]")).toHaveCount(1);
});

test("missing files: -kernel, -initrd and -device loader placeholders take a typed size; a loader moves by keyboard", async ({
  page,
}) => {
  await fresh(page);
  await importCommand(
    page,
    "qemu-system-aarch64 -M virt,virtualization=on -cpu cortex-a57 -m 2G -kernel /boot/xen -initrd /boot/initrd.img -device guest-loader,addr=0x42000000,kernel=/srv/Image -device loader,file=/srv/stub.bin,addr=0x50000000",
  );
  // Each placeholder is drawn where it goes, apart from the others.
  const image = (await page.getByRole("button", { name: /^\/srv\/Image: placeholder/ }).boundingBox())!;
  const stub = (await page.getByRole("button", { name: /^\/srv\/stub.bin: placeholder/ }).boundingBox())!;
  expect(image.width).toBeGreaterThan(30);
  expect(stub.x).toBeGreaterThan(image.x + image.width);

  const kernelSize = page.getByLabel("-kernel size (file not in this browser)");
  await kernelSize.fill("0");
  await kernelSize.press("Enter");
  await expect(page.getByRole("alert")).toContainText("0 bytes");
  await kernelSize.fill("0x118a08");
  await kernelSize.press("Enter");
  await expect(page.getByRole("button", { name: /^QEMU -kernel \/boot\/xen at 0x40080000/ })).toBeVisible();
  const initrdSize = page.getByLabel("-initrd size (file not in this browser)");
  await initrdSize.fill("4M");
  await initrdSize.press("Enter");
  await expect(page.getByRole("button", { name: /^QEMU -initrd \/boot\/initrd.img/ })).toBeVisible();

  await page.getByRole("button", { name: /^\/srv\/stub.bin: placeholder/ }).click();
  await expect(page.getByText("l1 · -device loader")).toBeVisible();
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  await page.getByLabel("Size", { exact: true }).fill("0x28");
  await page.getByLabel("Size", { exact: true }).press("Enter");
  const loader = page.locator("[data-blob-id=l1]");
  await expect(loader).toHaveAccessibleName(/^\/srv\/stub.bin, loader at 0x50000000, 40 bytes/);
  await loader.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Shift+ArrowRight");
  await expect(page.getByLabel("Address")).toHaveValue("0x50011000");
  await expect(page.getByTestId("command-line")).toContainText("loader,file=/srv/stub.bin,addr=0x50011000");
  await page.keyboard.press("Control+z");
  await expect(page.getByLabel("Address")).toHaveValue("0x50001000");
  await loader.focus();
  await page.keyboard.press("Delete");
  await expect(loader).toHaveCount(0);
  await expect(page.getByTestId("command-line")).not.toContainText("stub.bin");
});

test("fields refuse what QEMU cannot take, inline, and apply nothing", async ({ page }) => {
  await fresh(page);
  await page.locator("[data-blob-id=m1]").click();
  const address = page.getByLabel("Address");
  await address.fill("0x10000000000000000");
  await address.press("Enter");
  await expect(page.getByRole("alert")).toContainText("64-bit");
  await expect(page.getByTestId("command-line")).toContainText("addr=0x42000000");
  await address.press("Escape");
  const ram = page.getByLabel("RAM (-m)");
  for (const bad of ["0", "1", "10000"]) {
    await ram.fill(bad);
    await ram.press("Enter");
    await expect(page.getByRole("alert")).toContainText("multiple of 8 KiB");
  }
  await expect(page.getByTestId("command-line")).toContainText("-m 2G");
  await expect(counts(page)).toContainText("0 errors");
  await ram.fill("3G");
  await ram.press("Enter");
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(page.getByTestId("command-line")).toContainText("-m 3G");
  const bootargs = page.getByLabel("bootargs");
  await bootargs.fill("root=/dev/vda\u0000 ro");
  await bootargs.press("Enter");
  await expect(page.getByRole("alert")).toContainText("NUL character (at position 13)");
  await expect(page.getByTestId("command-line")).toContainText("bootargs=root=/dev/sda2 ro");
  await bootargs.press("Escape");
  await bootargs.fill("root=/dev/sda2 ro console=hvc0 earlyprintk=xen");
  await bootargs.press("Enter");
  const props = page.getByLabel("-M properties");
  await props.fill("virtualization=on,=off");
  await props.press("Enter");
  await expect(page.getByRole("alert")).toContainText("has no name before");
  await expect(page.getByTestId("command-line")).toContainText("-M virt,virtualization=on \\");
});

test("zooming as deep as it goes still shows bytes: RAM, an axis, a pointer address", async ({ page }) => {
  await fresh(page);
  await page.getByText("Linear", { exact: true }).click();
  const map = page.getByTestId("memory-map");
  const box = (await map.boundingBox())!;
  await page.mouse.move(box.x + 5, box.y + 60);
  for (let i = 0; i < 40; i++) await page.mouse.wheel(0, -400);
  await expect(page.getByRole("button", { name: "Zoom in" })).toBeDisabled();
  const ram = page.getByTitle(/^RAM \[/);
  const r = (await ram.boundingBox())!;
  expect(r.width).toBeGreaterThan(box.width - 20);
  expect(r.width).toBeLessThan(box.width + 20);
  // Ticks a few bytes apart.
  const ticks = await map.getByText(/^0x[0-9a-f]{8}$/).allInnerTexts();
  expect(ticks.length).toBeGreaterThan(2);
  expect(BigInt(ticks[1]!) - BigInt(ticks[0]!)).toBeLessThanOrEqual(16n);
});

test("many collisions: the map labels what fits and counts the rest, inside the map", async ({ page }) => {
  await fresh(page);
  // Eight 2 MiB initrds every 1 MiB: each overlaps the next.
  const modules = Array.from({ length: 8 }, (_, i) => ({
    id: `m${i + 1}`,
    addr: `0x${(0x50000000 + i * 0x100000).toString(16)}`,
    initrd: { path: `b${i}.cpio`, size: "0x200000" },
  }));
  const json = JSON.stringify({
    format: "guestmap-layout",
    version: 1,
    machine: {
      arch: "aarch64",
      type: "virt",
      props: {},
      ram: "0x80000000",
      cpu: "cortex-a57",
      bios: "default",
    },
    modules,
    loaders: [],
    extraArgs: [],
  });
  await page.locator("summary", { hasText: "Import" }).click();
  await page
    .getByLabel("Open layout JSON…")
    .setInputFiles({ name: "many.json", mimeType: "application/json", buffer: Buffer.from(json) });
  await expect(counts(page)).toContainText("7 errors");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("status")).toContainText("Opened the layout");
  const map = (await page.getByTestId("memory-map").boundingBox())!;
  const more = page.getByTestId("collisions-more");
  await expect(more).toHaveText(/^\+\d+ more collisions: see Diagnostics$/);
  const shown = await page.getByTestId("collision").count();
  expect(shown + Number(((await more.textContent()) ?? "").match(/\d+/)![0])).toBe(7);
  for (const label of [...(await page.getByTestId("collision").all()), more]) {
    const b = (await label.boundingBox())!;
    expect(b.y + b.height).toBeLessThanOrEqual(map.y + map.height + 1);
  }
});

test("focus is never dropped: Escape or choosing a menu item returns to its button; Remove goes to the next blob", async ({
  page,
}) => {
  await fresh(page);
  const samples = page.locator("summary", { hasText: "Samples" });
  await samples.focus();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: /^Xen on aarch64/ })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(samples).toBeFocused();
  await expect(page.locator("details[open]")).toHaveCount(0);
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.locator("[data-blob-id=m2]")).toHaveAccessibleName(/24 MiB/);
  await expect(samples).toBeFocused();
  // The inspector's Remove hands focus to the neighbouring blob, as Delete does.
  await page.locator("[data-blob-id=m1]").click();
  await page.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page.locator("[data-blob-id=m1]")).toHaveCount(0);
  await expect(page.locator("[data-blob-id=m2]")).toBeFocused();
});

test("a file dropped onto a placeholder fills it, whatever its name; the command line keeps the pasted path", async ({
  page,
}) => {
  await fresh(page);
  await importCommand(
    page,
    "qemu-system-aarch64 -M virt -cpu max -m 1G -device guest-loader,addr=0x47000000,initrd=/srv/rootfs.cpio",
  );
  const placeholder = page.getByRole("button", { name: /^\/srv\/rootfs.cpio: placeholder/ });
  const b64 = newcCpio(0x3000).toString("base64");
  await placeholder.evaluate((el, data) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(data), (c) => c.charCodeAt(0))], "local-build.cpio"));
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
  }, b64);
  await expect(page.locator("[data-blob-id=m1]")).toHaveAccessibleName(
    /^\/srv\/rootfs.cpio, initrd at 0x47000000, 12 KiB/,
  );
  await expect(page.locator("[data-blob-id=m2]")).toHaveCount(0);
  await expect(page.getByText("in this browser")).toBeVisible();
  await expect(page.getByTestId("command-line")).toContainText("initrd=/srv/rootfs.cpio");
});

test("QEMU's own -kernel shows its BSS hatched, and a small kernel is wide enough to be labelled", async ({
  page,
}) => {
  await fresh(page);
  await loadSample(page, /RISC-V 64/);
  const xen = page.getByRole("button", { name: /^QEMU -kernel xen at 0x80200000/ });
  await expect(xen).toContainText("-kernel xen");
  expect((await xen.boundingBox())!.width).toBeGreaterThan(40);
  await expect(page.locator("[data-bss-for=kernel]")).toBeVisible();
});

test("a slow export (Intel HEX of 24 MiB) says it is building, and the page keeps painting meanwhile", async ({
  page,
}) => {
  await fresh(page);
  await loadSample(page, /24 MiB rootfs/);
  await page.locator("[data-blob-id=m1]").focus();
  await page.keyboard.press("Delete");
  const exportMenu = page.locator("summary", { hasText: "Export" });
  await exportMenu.click();
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: /^Memory image: Intel HEX/ }).click();
  await expect(exportMenu).toContainText("building memory.hex…");
  const frames = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let n = 0;
        const t0 = performance.now();
        const tick = () => {
          n++;
          if (performance.now() - t0 < 1000) requestAnimationFrame(tick);
          else resolve(n);
        };
        requestAnimationFrame(tick);
      }),
  );
  expect(frames).toBeGreaterThan(10);
  expect((await download).suggestedFilename()).toBe("memory.hex");
  await expect(exportMenu).not.toContainText("building");
});

test("a reopened layout JSON finds its own files again, never a look-alike of the same name and size", async ({
  page,
}) => {
  await fresh(page);
  const a = newcCpio(8192);
  const b = newcCpio(8192, 98);
  await dropFiles(page, [{ name: "dom1.cpio", data: a }], 0.3);
  await expect(page.locator("[data-blob-id=m3]")).toBeVisible();
  await page.locator("summary", { hasText: "Export" }).click();
  const [saved] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /^Layout JSON/ }).click(),
  ]);
  const json = await readFile((await saved.path())!);
  const reopen = async () => {
    await page.locator("summary", { hasText: "Import" }).click();
    await page
      .getByLabel("Open layout JSON…")
      .setInputFiles({ name: "layout.json", mimeType: "application/json", buffer: json });
    await expect(page.getByRole("status")).toContainText("Opened the layout");
    await page.keyboard.press("Escape");
    await page.getByRole("button", { name: "Dismiss" }).click();
    await page.locator("[data-blob-id=m3]").click();
  };
  await reopen();
  await expect(page.getByText("in this browser")).toBeVisible();
  expect((await downloadedBytes(page)).equals(a)).toBe(true);
  // A different file of the same name and size arrives: the layout's dom1.cpio is still the first.
  await dropFiles(page, [{ name: "dom1.cpio", data: b }], 0.7);
  await expect(page.locator("[data-blob-id=m4]")).toBeVisible();
  await reopen();
  await page.reload();
  await page.locator("[data-blob-id=m3]").click();
  await expect(page.getByText("in this browser")).toBeVisible();
  expect((await downloadedBytes(page)).equals(a)).toBe(true);
});

test("a blob named by an error (outside RAM) or a warning (BSS overlap) is flagged on the map too", async ({
  page,
}) => {
  await fresh(page);
  await page.getByLabel("Arch (virt)").selectOption("riscv64");
  // The image outside RAM, and -M virtualization=on, which RISC-V virt does not have.
  await expect(counts(page)).toContainText("3 errors");
  const image = page.locator("[data-blob-id=m1]");
  await expect(image).toHaveAccessibleName(/Has errors, see Diagnostics/);
  await expect(image).toHaveCSS("border-color", "rgb(240, 72, 72)");
  await page.getByRole("button", { name: /^Quick fix: Move Image to 0x/ }).click();
  await expect(image).not.toHaveAccessibleName(/Has errors/);
  await loadSample(page, /BSS over the rootfs/);
  const rootfs = page.locator("[data-blob-id=m2]");
  await expect(rootfs).toHaveAccessibleName(/Has warnings, see Diagnostics/);
  await expect(rootfs).toHaveCSS("border-color", "rgb(242, 169, 59)");
});

test("a big file says it is being read (hashed and kept) until its blob appears", async ({ page }, info) => {
  await fresh(page);
  const path = info.outputPath("big.cpio");
  const big = Buffer.alloc(128 << 20);
  newcCpio(4096).copy(big);
  await writeFile(path, big);
  await page.getByLabel("Add files as guest-loader blobs").setInputFiles(path);
  await expect(page.getByText("Reading big.cpio…")).toBeVisible();
  await expect(page.getByRole("button", { name: /^big\.cpio, initrd at/ })).toBeVisible();
  await expect(page.getByText("Reading big.cpio…")).toHaveCount(0);
  await rm(path);
});
