import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { haveTool } from "../packages/core/conformance/tools";
import { arm64Image, fresh, newcCpio } from "./helpers";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

let dir = "";
test.beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "guestmap-e2e-"));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function exportItem(page: Page, title: string | RegExp): Promise<string> {
  await page.locator("summary", { hasText: "Export" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: title }).click(),
  ]);
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  return file;
}

/** The /chosen node of a DTB as dtc prints it. */
function dtcChosen(file: string): string {
  const r = spawnSync("dtc", ["-I", "dtb", "-O", "dts", file], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const m = /\n\tchosen \{\n[\s\S]*?\n\t\};\n/.exec(r.stdout);
  expect(m, r.stdout).not.toBeNull();
  return m![0];
}

/** Module nodes only (QEMU adds stdout-path, rng-seed… to /chosen that a layout does not decide). */
function moduleNodes(chosen: string): string[] {
  return [...chosen.matchAll(/\t\tmodule@[\s\S]*?\n\t\t\};/g)].map((m) => m[0]);
}

test.describe("with dtc", () => {
  test.skip(!haveTool("dtc"), "dtc is not installed");

  test("/chosen preview matches the downloaded DTB, which dtc reads", async ({ page }) => {
    await fresh(page);
    const preview = (await page.getByTestId("chosen-dts").textContent()) ?? "";
    expect(preview).toContain("module@0x42000000 {");
    expect(preview).toContain('bootargs = "root=/dev/sda2 ro console=hvc0 earlyprintk=xen";');
    const dtb = await exportItem(page, /DTB \(standalone/);
    const size = statSync(dtb).size;
    await expect(page.getByTestId("dtb-size")).toHaveText(`DTB ${size} bytes`);
    const r = spawnSync("dtc", ["-I", "dtb", "-O", "dts", dtb], { encoding: "utf8" });
    expect(r.status).toBe(0);
    // The core prints exactly what dtc prints.
    expect(r.stdout).toBe(preview.endsWith("\n") ? preview : `${preview}\n`);
    const overlay = await exportItem(page, /DT overlay/);
    const o = spawnSync("dtc", ["-I", "dtb", "-O", "dts", overlay], { encoding: "utf8" });
    expect(o.stdout).toContain('target-path = "/chosen";');
    expect(o.stdout).toContain("module@0x47000000");
  });
});

test.describe("with QEMU", () => {
  test.skip(
    !haveTool("qemu-system-aarch64") || !haveTool("dtc"),
    "qemu-system-aarch64 or dtc is not installed",
  );

  test("the copied command line, run through QEMU with dumpdtb, gives the /chosen guestmap shows; merged DTB too", async ({
    page,
  }) => {
    await fresh(page);
    // Real files for QEMU, made here with the demo's names and sizes.
    writeFileSync(join(dir, "xen"), arm64Image(0xf0008, 0x1360c8));
    writeFileSync(join(dir, "Image"), arm64Image(0x1f6dfc0, 0x2010000));
    writeFileSync(join(dir, "rootfs.cpio"), newcCpio(0x1c3200));
    await page.getByText("One line", { exact: true }).click();
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    const cmd = (await page.evaluate(() => navigator.clipboard.readText())).trim();
    expect(cmd).toMatch(/^qemu-system-aarch64 /);
    const r = spawnSync(
      "bash",
      ["-c", `${cmd} -display none -serial none -monitor none -net none -machine dumpdtb=qemu.dtb`],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const qemuChosen = dtcChosen(join(dir, "qemu.dtb"));
    expect(qemuChosen).toContain('bootargs = "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all";');
    const ours = dtcChosen(await exportItem(page, /DTB \(standalone/));
    expect(moduleNodes(ours)).toEqual(moduleNodes(qemuChosen));
    expect(moduleNodes(ours)).toHaveLength(2);
    // QEMU's DTB as the base: open it, export the merged DTB: whole tree kept, /chosen ours.
    await page.locator("summary", { hasText: "Import" }).click();
    await page.getByLabel("Open DTB…").setInputFiles(join(dir, "qemu.dtb"));
    await expect(page.getByText(/Opened qemu\.dtb: 2 module/)).toBeVisible();
    const merged = await exportItem(page, /DTB merged into base/);
    const m = spawnSync("dtc", ["-I", "dtb", "-O", "dts", merged], { encoding: "utf8" });
    expect(m.stdout).toContain("memory@40000000");
    expect(moduleNodes(dtcChosen(merged))).toEqual(moduleNodes(qemuChosen));
  });
});

test("memory image (raw, composed from the files), shell script and layout JSON downloads", async ({
  page,
}) => {
  await fresh(page);
  const raw = await exportItem(page, /Memory image: raw/);
  // The span of the guest-loader blobs, as the CLI: from Image at 0x42000000 to the end of rootfs.cpio.
  expect(statSync(raw).size).toBe(0x471c3200 - 0x42000000);
  const bytes = readFileSync(raw);
  expect(bytes.subarray(0x38, 0x3c).toString("latin1")).toBe("ARM\x64");
  const rootfs = 0x47000000 - 0x42000000;
  expect(bytes.subarray(rootfs, rootfs + 6).toString("latin1")).toBe("070701");
  rmSync(raw);
  // ELF and Intel HEX of a smaller span (Intel HEX is ~2.8 bytes of text per byte): the rootfs alone.
  await page.locator("[data-blob-id=m1]").focus();
  await page.keyboard.press("Delete");
  const elf = readFileSync(await exportItem(page, /Memory image: ELF/));
  expect(elf.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
  expect(elf.readUInt16LE(0x12)).toBe(183); // EM_AARCH64
  const phoff = Number(elf.readBigUInt64LE(0x20));
  const loads = Array.from({ length: elf.readUInt16LE(0x38) }, (_, i) => phoff + i * 56)
    .filter((o) => elf.readUInt32LE(o) === 1)
    .map((o) => elf.readBigUInt64LE(o + 0x18)); // p_paddr
  expect(loads).toContain(0x47000000n);
  const hex = readFileSync(await exportItem(page, /Memory image: Intel HEX/), "utf8");
  expect(hex.startsWith(":02000004")).toBe(true);
  expect(hex.trimEnd().endsWith(":00000001FF")).toBe(true);
  const script = readFileSync(await exportItem(page, /Shell script/), "utf8");
  expect(script).toMatch(/^#!\/bin\/sh\n/);
  expect(script).toContain("exec qemu-system-aarch64");
  const json = JSON.parse(readFileSync(await exportItem(page, /Layout JSON/), "utf8"));
  expect(json.format).toBe("guestmap-layout");
  expect(json.modules[0].addr).toBe("0x47000000");
});
