/**
 * The layout workflow: Auto-pack on random layouts judged by real QEMU, Fix all, an arch switch
 * that moves the blobs, the region table driven by keyboard, the page layout, and the small things.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import fc from "fast-check";
import { infoRoms, type QemuInstall, qemuInstalls, type RomEntry } from "../packages/core/conformance/qemu";
import { haveTool } from "../packages/core/conformance/tools";
import { serializeLayout } from "../packages/core/src/index";
import { arbLayoutSpec, type LayoutSpec, writeLayoutFiles } from "../packages/core/test/fixtures/layouts";
import { counts, fresh, loadSample } from "./helpers";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

const cmd = (page: Page) => page.getByTestId("command-line");
const notice = (page: Page) => page.getByTestId("notice");
const table = (page: Page) => page.getByTestId("region-table");

let dir = "";
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "guestmap-workflow-"));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The region table as the app shows it: name, kind, start, size per row. */
async function tableRows(
  page: Page,
): Promise<{ id: string; name: string; kind: string; start: bigint; size: bigint }[]> {
  const rows = await table(page)
    .locator("tbody tr")
    .evaluateAll((trs) =>
      trs.map((tr) => ({
        id: (tr as HTMLElement).dataset.rowId ?? "",
        cells: [...tr.querySelectorAll("td")].map((td) => td.textContent ?? ""),
      })),
    );
  return rows.map((r) => ({
    id: r.id,
    name: r.cells[0]!,
    kind: r.cells[1]!,
    start: BigInt(r.cells[2]!),
    size: BigInt(r.cells[3]!),
  }));
}

/** The copied one-line command, split into argv by bash itself (not by guestmap's parser). */
async function copiedArgv(page: Page): Promise<string[]> {
  await page.getByText("One line", { exact: true }).click();
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  const text = (await page.evaluate(() => navigator.clipboard.readText())).trim();
  const r = spawnSync("bash", ["-c", `printf '%s\\0' ${text}`], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split("\0").slice(0, -1);
}

async function openLayoutJson(page: Page, json: string): Promise<void> {
  await page.locator("summary", { hasText: "Import" }).click();
  await page
    .getByLabel("Open layout JSON…")
    .setInputFiles({ name: "random.json", mimeType: "application/json", buffer: Buffer.from(json) });
  await expect(notice(page)).toContainText("Opened the layout.");
  // The Import menu stays open after a file is opened: close it.
  await page.keyboard.press("Escape");
  await expect(page.getByLabel("Paste a QEMU command line")).toBeHidden();
}

const MiB2 = 2n << 20n;

test.describe("Auto-pack, judged by QEMU", () => {
  const installs: readonly QemuInstall[] = haveTool("qemu-system-aarch64") ? qemuInstalls() : [];
  test.skip(installs.length === 0, "no qemu-system-aarch64: Auto-pack's QEMU check is SKIPPED");

  // Random aarch64 layouts as users make them (arm64 Images with text_offset and BSS, cpio
  // initrds, raw loader blobs; colliding, misaligned, outside RAM, without an address), beside a
  // -kernel and -initrd that move QEMU's DTB: 5, about 25 and 50 blobs.
  const specs: LayoutSpec[] = [
    [5, 5, 11],
    [20, 30, 12],
    [50, 50, 13],
  ].map(
    ([min, max, seed]) =>
      fc.sample(arbLayoutSpec({ min, max, archs: ["aarch64"], maxBlobSize: 256 * 1024 }), {
        seed,
        numRuns: 1,
      })[0]!,
  );

  for (const spec of specs)
    test(`${spec.blobs.length} blobs on ${spec.ramMb} MiB (${spec.cpu ?? "default cpu"}): packed with no error, aligned, and QEMU agrees`, async ({
      page,
    }) => {
      test.setTimeout(120_000);
      const sub = mkdtempSync(join(dir, "pack-"));
      const { layout } = writeLayoutFiles(spec, sub);
      await fresh(page);
      // The layout JSON keeps each file's first 64 KiB: the app reads the real headers from it.
      await openLayoutJson(page, serializeLayout(layout, { withHeads: true }));
      await page.getByRole("button", { name: "Auto-pack" }).click();
      await expect(notice(page)).toContainText("Auto-pack:");
      await expect(counts(page)).toContainText("0 errors");

      // Every blob at its boot-protocol alignment, from the spec (not from guestmap's rules):
      // arm64 Images at 2 MiB + text_offset, everything else on 4 KiB pages.
      const rows = await tableRows(page);
      const byId = new Map(rows.map((r) => [r.id, r]));
      spec.blobs.forEach((b, i) => {
        const row = byId.get(`${b.slot === "loader" ? "l" : "m"}${i}`)!;
        expect(row, `blob ${i}`).toBeDefined();
        if (b.file.kind === "arm64-image")
          expect(
            (row.start - BigInt(b.file.textOffset ?? 0)) % MiB2,
            `${row.name} at ${row.start.toString(16)}`,
          ).toBe(0n);
        else expect(row.start % 4096n, `${row.name} at ${row.start.toString(16)}`).toBe(0n);
      });

      // QEMU starts (it would refuse overlapping guest-loader ROMs) and puts every ROM exactly
      // where the app's table says: QEMU's own regions and the blobs alike.
      const argv = await copiedArgv(page);
      expect(argv[0]).toBe("qemu-system-aarch64");
      const want = rows.map((r) => `${r.name} ${r.start.toString(16)} ${r.size.toString(16)}`).sort();
      for (const q of installs) {
        const roms: RomEntry[] = infoRoms(q.binary("aarch64"), argv.slice(1), sub);
        const got = roms.map((r) => `${r.name} ${r.addr.toString(16)} ${r.size.toString(16)}`).sort();
        expect(got, `QEMU ${q.version}`).toEqual(want);
      }
      // One undo step puts every blob back.
      await page.getByRole("button", { name: "Undo", exact: true }).click();
      // (The table renders at low priority: poll until it has caught up.)
      const blobs = [...layout.modules, ...layout.loaders];
      const starts = async () => {
        const rows = new Map((await tableRows(page)).map((r) => [r.id, r.start]));
        return blobs.map((b) => `${b.id}@${rows.get(b.id)?.toString(16)}`);
      };
      await expect.poll(starts).toEqual(blobs.map((b) => `${b.id}@${b.addr.toString(16)}`));
    });
});

test("Auto-pack keeps pinned blobs and packs largest first on request", async ({ page }) => {
  await loadSampleFresh(page, /24 MiB rootfs/);
  await expect(counts(page)).toContainText("1 error ·");
  // Pin the kernel where it is: only the rootfs moves.
  await page.locator("[data-blob-id=m1]").click();
  await page.getByLabel("Pin (Auto-pack keeps it here)").check();
  // Pins are a UI preference of this layout: they survive a reload.
  await page.waitForTimeout(300);
  await page.reload();
  await page.locator("[data-blob-id=m1]").click();
  await expect(page.getByLabel("Pin (Auto-pack keeps it here)")).toBeChecked();
  const before = (await tableRows(page)).find((r) => r.id === "m1")!.start;
  await page.getByLabel("Auto-pack order").selectOption("size");
  await page.getByRole("button", { name: "Auto-pack" }).click();
  await expect(notice(page)).toContainText("Auto-pack (largest first): 1 blob moved");
  await expect(notice(page)).toContainText("1 pinned blob kept");
  await expect(notice(page)).toContainText(/rootfs\.cpio moved 0x[0-9a-f]+ → 0x[0-9a-f]+: /);
  await expect(counts(page)).toContainText("0 errors");
  expect((await tableRows(page)).find((r) => r.id === "m1")!.start).toBe(before);
  await page.getByRole("button", { name: "Dismiss" }).click();
  await expect(notice(page)).toHaveCount(0);
  // Every blob on 2 MiB (Xen maps modules with 2 MiB pages): the rootfs too.
  await page.getByLabel("Auto-pack alignment").selectOption("2M");
  await page.getByRole("button", { name: "Auto-pack" }).click();
  await expect(counts(page)).toContainText("0 errors");
  await expect
    .poll(async () =>
      (await tableRows(page)).filter((r) => !r.kind.startsWith("QEMU")).map((r) => r.start % (2n << 20n)),
    )
    .toEqual([0n, 0n]);
});

async function loadSampleFresh(page: Page, title: RegExp) {
  await fresh(page);
  await loadSample(page, title);
}

test("Fix all fixes every fixable problem in one undo step", async ({ page }) => {
  await loadSampleFresh(page, /24 MiB rootfs/);
  // A second problem: the kernel off its 2 MiB alignment.
  await page.locator("[data-blob-id=m1]").click();
  await page.getByLabel("Address").fill("0x42001000");
  await page.getByLabel("Address").press("Enter");
  // Misaligned is a warning (QEMU loads it; the kernel would not boot).
  await expect(counts(page)).toContainText("1 error · 1 warning");
  await page.getByRole("button", { name: /^Fix all \(2\)$/ }).click();
  await expect(counts(page)).toContainText("0 errors · 0 warnings");
  await expect(notice(page)).toContainText("Fix all: 2 blobs moved");
  await expect(notice(page)).toContainText(/rootfs\.cpio moved 0x47000000 → 0x[0-9a-f]+: QEMU's DTB/);
  await expect(notice(page)).toContainText(/Image moved 0x42001000 → 0x[0-9a-f]+: not 2 MiB-aligned/);
  await expect(page.getByRole("button", { name: /^Fix all/ })).toHaveCount(0);
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(counts(page)).toContainText("1 error · 1 warning");
});

test("switching arch moves the blobs with RAM's base, or keeps their addresses on request", async ({
  page,
}) => {
  await fresh(page);
  await expect(cmd(page)).toContainText("addr=0x42000000");
  await page.getByLabel("Arch (virt)").selectOption("riscv64");
  await expect(notice(page)).toContainText("Switched to riscv64: 2 blobs moved with RAM's base");
  await expect(notice(page)).toContainText("-M virtualization= dropped");
  await expect(notice(page)).toContainText(/Image moved 0x42000000 → 0x8[0-9a-f]{7}/);
  await expect(counts(page)).toContainText("0 errors");
  await expect(cmd(page)).toContainText("qemu-system-riscv64");
  await expect(cmd(page)).not.toContainText("addr=0x4");
  // QEMU's own RISC-V placements agree with the table, and QEMU starts.
  if (haveTool("qemu-system-riscv64")) {
    const sub = mkdtempSync(join(dir, "arch-"));
    for (const r of await tableRows(page))
      if (!r.kind.startsWith("QEMU")) writeFileSync(join(sub, r.name), Buffer.alloc(Number(r.size)));
    writeFileSync(
      join(sub, "xen"),
      Buffer.alloc(Number((await tableRows(page)).find((r) => r.name === "xen")!.size)),
    );
    const argv = await copiedArgv(page);
    for (const q of qemuInstalls()) {
      const roms = infoRoms(q.binary("riscv64"), argv.slice(1), sub);
      for (const name of ["Image", "rootfs.cpio"]) {
        const row = (await tableRows(page)).find((r) => r.name === name)!;
        expect(
          roms.find((r) => r.name === name),
          `QEMU ${q.version}`,
        ).toMatchObject({
          addr: row.start,
          size: row.size,
        });
      }
    }
  }
  await page.getByRole("button", { name: "Keep old addresses" }).click();
  await expect(cmd(page)).toContainText("addr=0x42000000");
  await expect(counts(page)).toContainText(/[1-9]\d* errors?/);
  // Back to aarch64: cortex-a57 and virtualization=on come back with it.
  await page.getByLabel("Arch (virt)").selectOption("aarch64");
  await expect(cmd(page)).toContainText("-M virt,virtualization=on");
  await expect(cmd(page)).toContainText("-cpu cortex-a57");
});

test("the region table: sorted, edited by keyboard with the Inspector's checks, copied as CSV and Markdown", async ({
  page,
}) => {
  await fresh(page);
  const grid = table(page);
  await expect(grid.locator("tbody tr")).toHaveCount(5);
  // QEMU's regions are there, read-only.
  await expect(grid.locator("tr[data-row-id=dtb]")).toContainText("QEMU DTB");
  // Selection follows the map.
  await page.locator("[data-blob-id=m2]").click();
  await expect(grid.locator("tr[data-row-id=m2]")).toHaveAttribute("aria-selected", "true");

  // Keyboard: into the grid, to rootfs.cpio's start, Enter, type, Enter.
  await grid.locator("tr[data-row-id=m2] td").first().focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await expect(page.locator(":focus")).toHaveText("0x47000000");
  await page.keyboard.press("Enter");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("0x48200000");
  await page.keyboard.press("Enter");
  await expect(cmd(page)).toContainText("addr=0x48200000,initrd=rootfs.cpio");
  // Focus is back on the cell: Escape cancels an edit.
  await expect(page.locator(":focus")).toHaveText("0x48200000");
  await page.keyboard.press("Enter");
  await page.keyboard.type("0x49000000");
  await page.keyboard.press("Escape");
  await expect(cmd(page)).toContainText("addr=0x48200000,initrd=rootfs.cpio");
  // Invalid text: the Inspector's message, nothing applied.
  await page.keyboard.press("Enter");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("0x10000000000000000");
  await page.keyboard.press("Enter");
  await expect(grid.getByRole("alert")).toContainText("64-bit");
  await page.keyboard.press("Escape");
  // The end: the blob moves so it ends there.
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Enter");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("0x4a000000");
  await page.keyboard.press("Enter");
  await expect(grid.locator("tr[data-row-id=m2] td").nth(4)).toHaveText("0x4a000000");
  await expect(cmd(page)).toContainText("addr=0x49e3ce00,initrd=rootfs.cpio");
  // bootargs of the kernel, two rows up.
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Enter");
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.type("console=hvc0");
  await page.keyboard.press("Enter");
  await expect(cmd(page)).toContainText("kernel=Image,bootargs=console=hvc0");
  // The kind: a choice, applied with Enter.
  await grid.locator("tr[data-row-id=m2] td").nth(1).focus();
  await page.keyboard.press("Enter");
  await expect(grid.getByLabel("Kind of rootfs.cpio")).toBeFocused();
  await grid.getByLabel("Kind of rootfs.cpio").selectOption("kernel");
  await grid.getByLabel("Kind of rootfs.cpio").press("Enter");
  await expect(cmd(page)).toContainText("kernel=rootfs.cpio");
  await page.getByRole("button", { name: "Undo", exact: true }).click();
  await expect(cmd(page)).toContainText("initrd=rootfs.cpio");
  // A QEMU region's cell does not open an editor.
  await grid.locator("tr[data-row-id=dtb] td").nth(2).focus();
  await page.keyboard.press("Enter");
  await expect(grid.locator("input")).toHaveCount(0);

  // Sorting by size, largest first.
  await grid.getByRole("button", { name: "Size" }).click();
  await grid.getByRole("button", { name: "Size" }).click();
  await expect(grid.locator("th").nth(3)).toHaveAttribute("aria-sort", "descending");
  expect((await tableRows(page)).map((r) => r.name)[0]).toBe("Image");

  await page.getByRole("button", { name: "Copy CSV" }).click();
  await expect(page.getByRole("button", { name: "Copied ✓" })).toBeVisible();
  const csv = await page.evaluate(() => navigator.clipboard.readText());
  expect(csv.split("\r\n")[0]).toBe("name,kind,start,size,end,bootargs,alignment,status");
  expect(csv).toContain("Image,kernel,0x42000000,0x1f6dfc0,0x43f6dfc0,console=hvc0,2 MiB,ok");
  await page.getByRole("button", { name: "Copy Markdown" }).click();
  const md = await page.evaluate(() => navigator.clipboard.readText());
  expect(md.split("\n")[1]).toBe("| --- | --- | --- | --- | --- | --- | --- | --- |");
  expect(md).toContain("| rootfs.cpio | initrd | `0x");
});

for (const [width, height] of [
  [1366, 768],
  [1920, 1080],
] as const)
  test(`at ${width}×${height} the map and the command line share one screen; panes are remembered`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height });
    await fresh(page);
    const map = (await page.getByTestId("memory-map").boundingBox())!;
    const line = (await cmd(page).boundingBox())!;
    expect(map.y + map.height).toBeLessThanOrEqual(height);
    expect(line.y).toBeLessThan(height - 40);
    // The lanes use the pane's height: as always at 1366×768 (the guest-loader lane is 60 px); at
    // 1920×1080 taller, leaving under them little more than the collision labels' rows.
    const blob = (await page.locator("[data-blob-id=m1]").boundingBox())!;
    if (width === 1366) expect(blob.height).toBeCloseTo(60, 0);
    else {
      expect(blob.height).toBeGreaterThan(120);
      expect(map.y + map.height - (blob.y + blob.height)).toBeLessThan(70);
    }
    // The page itself never scrolls: panels do.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(height);
    // The legend is a help popover, not a column.
    await expect(page.getByTestId("legend")).toBeHidden();
    await page.locator("summary", { hasText: "Help" }).click();
    await expect(page.getByTestId("legend")).toBeVisible();
    await page.keyboard.press("Escape");
    // Collapse Diagnostics: remembered across a reload.
    await page.getByRole("button", { name: "Collapse Diagnostics" }).click();
    await expect(page.getByTestId("diagnostic-counts")).toBeHidden();
    await page.waitForTimeout(300);
    await page.reload();
    await expect(page.getByRole("button", { name: "Expand Diagnostics" })).toBeVisible();
    await page.getByRole("button", { name: "Expand Diagnostics" }).click();
    await expect(page.getByTestId("diagnostic-counts")).toBeVisible();
  });

test("axe finds nothing serious in the new parts: notice with moves, region table editing, Help", async ({
  page,
}) => {
  await loadSampleFresh(page, /24 MiB rootfs/);
  await page.getByRole("button", { name: "Auto-pack" }).click();
  await expect(notice(page)).toContainText("moved");
  await table(page).locator("tr[data-row-id=m2] td").nth(2).focus();
  await page.keyboard.press("Enter");
  await expect(table(page).locator("input")).toBeFocused();
  const serious = async () =>
    (await new AxeBuilder({ page }).analyze()).violations.filter(
      (v) => v.impact === "serious" || v.impact === "critical",
    );
  expect(await serious()).toEqual([]);
  await page.keyboard.press("Escape");
  await page.locator("summary", { hasText: "Help" }).click();
  expect(await serious()).toEqual([]);
});

test.describe("small things", () => {
  test("plurals, Copied feedback, locked blocks off the Tab order, one name per button, Enter to the Inspector", async ({
    page,
  }) => {
    await loadSampleFresh(page, /24 MiB rootfs/);
    await expect(counts(page)).toContainText("1 error · 0 warnings");
    await page.getByRole("button", { name: "Copy share link" }).click();
    await expect(page.getByRole("button", { name: "Copied ✓" })).toBeVisible();
    // QEMU's locked blocks are not Tab stops.
    for (const el of await page.locator("[data-region-id]").all())
      await expect(el).toHaveAttribute("tabindex", "-1");
    // Each file button is announced once.
    await expect(page.getByRole("button", { name: /Add files/ })).toHaveCount(1);
    await expect(page.getByRole("button", { name: "Undo", exact: true })).toHaveCount(1);
    // Enter on the selected blob goes to the Inspector's first field.
    await page.locator("[data-blob-id=m2]").focus();
    await page.keyboard.press("Enter");
    await expect(page.locator(":focus")).toHaveAccessibleName("Kind");
    const inInspector = await page.evaluate(
      () => !!document.activeElement?.closest('[aria-labelledby="inspector-title"]'),
    );
    expect(inInspector).toBe(true);
  });

  test("the bootargs box is one line; the command line wraps only between arguments", async ({ page }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await fresh(page);
    await page.locator("[data-blob-id=m1]").click();
    const bootargs = page.getByLabel("bootargs");
    await bootargs.fill("console=hvc0");
    await bootargs.press("Enter");
    const one = (await bootargs.boundingBox())!.height;
    expect(one).toBeLessThan(30);
    await bootargs.fill("root=/dev/sda2 ro console=hvc0 earlyprintk=xen ".repeat(4));
    expect((await bootargs.boundingBox())!.height).toBeGreaterThan(one);
    await bootargs.press("Escape");
    // Narrow the command line: no argument shorter than the line is broken across two lines.
    const broken = await cmd(page).evaluate((pre) => {
      const lineHeight = Number.parseFloat(getComputedStyle(pre).lineHeight);
      return [...pre.querySelectorAll("span.inline-block")]
        .filter((s) => (s as HTMLElement).offsetWidth < pre.clientWidth - 2)
        .filter((s) => (s as HTMLElement).offsetHeight > lineHeight * 1.5)
        .map((s) => s.textContent);
    });
    expect(broken).toEqual([]);
    const words = await cmd(page).locator("span.inline-block").allTextContents();
    expect(words).toContain("guest-loader,addr=0x42000000,kernel=Image,bootargs=console=hvc0");
  });

  test("Download file keeps the file's name: Image, not Image.txt", async ({ page }) => {
    await fresh(page);
    await page.locator("[data-blob-id=m1]").click();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download file" }).click(),
    ]);
    expect(download.suggestedFilename()).toBe("Image");
  });

  test("the import banner names the files that are missing, and only those", async ({ page }) => {
    await fresh(page);
    const box = page.getByLabel("Paste a QEMU command line");
    await page.locator("summary", { hasText: "Import" }).click();
    // A paste binds no file by name (two rootfs.cpio are not the same file): both are placeholders.
    await box.fill(
      "qemu-system-aarch64 -M virt -cpu cortex-a57 -m 2G -device guest-loader,addr=0x42000000,kernel=Image -device guest-loader,addr=0x48200000,initrd=rootfs.cpio",
    );
    await page.getByRole("button", { name: "Import command line" }).click();
    await expect(notice(page)).toContainText(
      "2 files are not in this browser (Image, rootfs.cpio): their blobs are placeholders",
    );
    // A command line that names no file says nothing about missing files.
    if (!(await box.isVisible())) await page.locator("summary", { hasText: "Import" }).click();
    await box.fill(
      "qemu-system-aarch64 -M virt -cpu cortex-a57 -m 2G -device loader,addr=0x48000000,data=0x12345678,data-len=4",
    );
    await page.getByRole("button", { name: "Import command line" }).click();
    await expect(notice(page)).toContainText("It names no files.");
    await expect(notice(page)).not.toContainText("placeholder");
  });

  test.describe("-m 3.5G", () => {
    const installs = haveTool("qemu-system-aarch64") && haveTool("dtc") ? qemuInstalls() : [];
    test.skip(installs.length === 0, "qemu-system-aarch64 or dtc missing: -m 3.5G check SKIPPED");
    test("is taken as QEMU takes it: the exported -m gives the memory node -m 3.5G gives", async ({
      page,
    }) => {
      await fresh(page);
      const ram = page.getByLabel("RAM (-m)");
      await ram.fill("3.5G");
      await ram.press("Enter");
      await expect(page.getByRole("alert")).toHaveCount(0);
      const argv = await copiedArgv(page);
      const sub = mkdtempSync(join(dir, "ram-"));
      const memReg = (binary: string, mArg: string) => {
        const f = join(sub, "m.dtb");
        const r = spawnSync(
          binary,
          [
            "-M",
            "virt",
            "-cpu",
            "cortex-a57",
            "-m",
            mArg,
            "-display",
            "none",
            "-net",
            "none",
            "-machine",
            `dumpdtb=${f}`,
          ],
          { encoding: "utf8" },
        );
        expect(r.status, r.stderr).toBe(0);
        const dts = spawnSync("dtc", ["-I", "dtb", "-O", "dts", f], { encoding: "utf8" }).stdout;
        return /memory@40000000 \{[^}]*reg = <([^>]*)>/.exec(dts)?.[1];
      };
      const exported = argv[argv.indexOf("-m") + 1]!;
      for (const q of installs) {
        const asTyped = memReg(q.binary("aarch64"), "3.5G");
        expect(asTyped, `QEMU ${q.version} -m 3.5G`).toBeDefined();
        expect(memReg(q.binary("aarch64"), exported), `QEMU ${q.version} -m ${exported}`).toBe(asTyped);
      }
    });
  });
});
