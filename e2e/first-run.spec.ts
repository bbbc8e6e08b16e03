import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { counts, fresh, loadSample } from "./helpers";

test("first run: the Xen example on aarch64 virt, no errors, no network", async ({ page, baseURL }) => {
  const external: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(`${baseURL}/`)) external.push(r.url());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await fresh(page);
  // RAM, QEMU's own regions and both modules.
  await expect(page.getByText("RAM 0x40000000 – 0xc0000000 · 2 GiB")).toBeVisible();
  await expect(page.getByRole("button", { name: /QEMU boot stub bootloader at 0x40000000/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /QEMU -kernel xen/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /QEMU DTB dtb at 0x48000000/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Image, kernel at 0x42000000/ })).toBeVisible();
  await expect(page.getByRole("button", { name: /^rootfs\.cpio, initrd at 0x47000000/ })).toBeVisible();
  await expect(counts(page)).toContainText("0 errors · 0 warnings");
  const cmd = page.getByTestId("command-line");
  await expect(cmd).toContainText("-M virt,virtualization=on");
  await expect(cmd).toContainText("-cpu cortex-a57");
  await expect(cmd).toContainText("-m 2G");
  await expect(cmd).toContainText("-kernel xen");
  await expect(cmd).toContainText("-append 'dom0_mem=1G,max:1G loglvl=all guest_loglvl=all'");
  await expect(cmd).toContainText("guest-loader,addr=0x42000000,kernel=Image");
  await expect(cmd).toContainText("guest-loader,addr=0x47000000,initrd=rootfs.cpio");
  // The hatched BSS tail of the Image (image_size > file size).
  await expect(page.locator("[data-bss-for=m1]")).toHaveCount(1);
  // Hover shows exact start/end/size in hex.
  await page.getByRole("button", { name: /^rootfs\.cpio, initrd/ }).hover();
  const tip = page.getByRole("tooltip");
  await expect(tip).toContainText("0x47000000");
  await expect(tip).toContainText("0x471c3200");
  await expect(tip).toContainText("0x001c3200");
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  expect(external).toEqual([]);
  expect(errors).toEqual([]);
});

test("samples: each story loads; the 24 MiB rootfs visibly collides with QEMU's DTB", async ({ page }) => {
  await fresh(page);
  await loadSample(page, /24 MiB rootfs/);
  await expect(page.getByTestId("collision").first()).toContainText("0x48000000–0x48100000");
  await expect(counts(page)).toContainText("1 error");
  await expect(page.getByText(/overlaps QEMU's DTB/).first()).toBeVisible();
  await loadSample(page, /RISC-V 64/);
  await expect(page.getByRole("button", { name: /QEMU firmware/ })).toBeVisible();
  await expect(page.getByTestId("command-line")).toContainText("qemu-system-riscv64");
  await expect(counts(page)).toContainText("0 errors · 0 warnings");
  await loadSample(page, /BSS over the rootfs/);
  await expect(page.getByText("warning bss-overlap")).toBeVisible();
  await expect(page.getByTestId("collision").first()).toContainText("bss-overlap");
  const axe = await new AxeBuilder({ page }).analyze();
  expect(
    axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id),
  ).toEqual([]);
});
