/** Xen dom0less domains: each in its own lane under the map, with its memory budget and blobs. */
import { expect, test } from "@playwright/test";
import { fresh } from "./helpers";

function layoutJson(domURamdiskAt: string): string {
  return JSON.stringify({
    format: "guestmap-layout",
    version: 1,
    machine: { arch: "aarch64", props: { virtualization: "on" }, ram: "1G", cpu: "cortex-a57" },
    kernel: { path: "xen", size: "0xf0008" },
    append: "dom0_mem=256M",
    modules: [
      { addr: "0x42000000", kernel: { path: "Image", size: "0x1f6dfc0" }, bootargs: "console=hvc0" },
      { addr: "0x46000000", initrd: { path: "dom0.cpio", size: "0x1c3200" } },
    ],
    domains: [
      {
        name: "domU1",
        memory: "128M",
        cpus: 1,
        vpl011: true,
        bootargs: "console=ttyAMA0",
        kernel: { addr: "0x4a000000", file: { path: "Image", size: "0x1f6dfc0" } },
        ramdisk: { addr: domURamdiskAt, file: { path: "domu.cpio", size: "0x1c3200" } },
      },
      {
        name: "domU2",
        memory: "64M",
        cpus: 2,
        kernel: { addr: "0x50000000", file: { path: "Image", size: "0x1f6dfc0" } },
      },
    ],
  });
}

async function open(page: import("@playwright/test").Page, json: string) {
  await page.locator("summary", { hasText: "Import" }).click();
  await page
    .getByLabel("Open layout JSON…")
    .setInputFiles({ name: "dom0less.json", mimeType: "application/json", buffer: Buffer.from(json) });
  await page.keyboard.press("Escape");
  await expect(page.getByRole("status")).toContainText("Opened the layout");
}

test("dom0less: one lane per domain with its memory budget; a domU blob on QEMU's DTB is flagged there", async ({
  page,
}) => {
  await fresh(page);
  await open(page, layoutJson("0x4e000000"));
  const lanes = page.getByTestId("domain-lanes");
  await expect(lanes.getByRole("listitem")).toHaveCount(2);
  await expect(lanes).toContainText("dom0less domain domU1: 128 MiB of memory, 1 vcpu, vpl011 console");
  await expect(lanes).toContainText("dom0less domain domU2: 64 MiB of memory, 2 vcpus");
  await expect(
    lanes.getByRole("button", { name: /^domu\.cpio, ramdisk of domU1 at 0x4e000000/ }),
  ).toBeVisible();
  await expect(lanes.getByRole("button", { name: /^Image, kernel of domU2 at 0x50000000/ })).toBeVisible();
  // Domain blobs live in their lanes, not in the guest-loader lane.
  await expect(page.getByTestId("memory-map").locator("[data-blob-id='domU1.kernel']")).toHaveCount(0);
  // The domains are part of the saved layout: a reload brings the lanes back.
  await page.reload();
  await expect(lanes.getByRole("listitem")).toHaveCount(2);

  // The domU1 ramdisk moved onto QEMU's DTB (0x48000000 on 1G with this Xen): an error, shown in its lane.
  await open(page, layoutJson("0x47f00000"));
  await expect(
    lanes.getByRole("button", { name: /^domu\.cpio, ramdisk of domU1 at 0x47f00000.*has an error/ }),
  ).toBeVisible();
  await expect(page.getByText(/domu\.cpio \(domU1\.ramdisk\).*overlaps QEMU's DTB/).first()).toBeVisible();
});
