/** Importing what users paste: scripts with prompts, wrappers and variables; failures change nothing. */
import { readFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { fresh } from "./helpers";

async function paste(page: Page, text: string): Promise<void> {
  const box = page.getByLabel("Paste a QEMU command line");
  if (!(await box.isVisible())) await page.locator("summary", { hasText: "Import" }).click();
  await box.fill(text);
  await page.getByRole("button", { name: "Import command line" }).click();
}

const commandLine = (page: Page) => page.getByTestId("command-line");

test("a failed import changes nothing: garbage, an x86 command line, addr=1184M, an unmodelled machine", async ({
  page,
}) => {
  await fresh(page);
  const before = await commandLine(page).textContent();
  expect(before).toContain("guest-loader");

  await paste(page, "hello world; rm -rf ~");
  await expect(page.getByRole("status")).toContainText("Nothing imported, the layout is unchanged");
  await expect(page.getByRole("list", { name: "Import messages" })).toContainText("error unknown-program");
  await expect(commandLine(page)).toHaveText(before!);

  await paste(page, "qemu-system-x86_64 -M q35 -m 2G -kernel bzImage -initrd initrd.img");
  await expect(page.getByRole("status")).toContainText("x86 machines");
  await expect(commandLine(page)).toHaveText(before!);

  await paste(page, "qemu-system-aarch64 -M virt -m 2G -device guest-loader,addr=1184M,kernel=Image");
  await expect(page.getByRole("status")).toContainText("Parameter 'addr' expects integer");
  await expect(commandLine(page)).toHaveText(before!);

  await paste(page, "qemu-system-aarch64 -M raspi3b -kernel kernel8.img");
  await expect(page.getByRole("status")).toContainText("not a machine guestmap models");
  await expect(commandLine(page)).toHaveText(before!);
});

test("a terminal paste with sudo, timeout, variables and a pipe imports; the form supplies the missing variable", async ({
  page,
}) => {
  await fresh(page);
  const before = await commandLine(page).textContent();
  const script = [
    "me@box:~/xen$ KERNEL=xen",
    "me@box:~/xen$ sudo timeout -k 1 240 qemu-system-aarch64 -M virt-7.2,virtualization=on -cpu max,sve=off -m 2G \\",
    '> -kernel $KERNEL -append "dom0_mem=1G" -device guest-loader,addr=0x48000000,initrd=$INITRD 2>&1 | tee boot.log',
  ].join("\n");
  await paste(page, script);
  await expect(page.getByRole("status")).toContainText("give $INITRD");
  await expect(commandLine(page)).toHaveText(before!);
  await page.getByLabel("Value of $INITRD").fill("rootfs.cpio");
  await page.getByRole("button", { name: "Import command line" }).click();
  await expect(page.getByRole("status")).toContainText("Imported the command line");
  const messages = page.getByRole("list", { name: "Import messages" });
  await expect(messages).toContainText("skipped 'sudo'");
  await expect(messages).toContainText("skipped 'timeout -k 1 240'");
  await expect(messages).toContainText("$KERNEL = 'xen' (set on line 1)");
  await expect(messages).toContainText("$INITRD = 'rootfs.cpio' (given)");
  await page.keyboard.press("Escape");
  const text = (await commandLine(page).textContent()) ?? "";
  expect(text).toContain("-M virt-7.2,virtualization=on");
  expect(text).toContain("guest-loader,addr=0x48000000,initrd=rootfs.cpio");
  expect(text).not.toMatch(/sudo|timeout|240|tee|KERNEL|\$/);
  // virt-7.2 is virt: no warning that placements differ. The -cpu property is listed, not vouched for.
  await expect(page.getByText("no-fdt-machine")).toHaveCount(0);
  await expect(page.getByText(/not checked by guestmap: -cpu properties sve=off/)).toBeVisible();
});

test("the app's own shell-script export imports back to the same command line", async ({ page }) => {
  await fresh(page);
  const before = await commandLine(page).textContent();
  await page.locator("summary", { hasText: "Export" }).click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: /Shell script/ }).click(),
  ]);
  const script = await readFile((await download.path())!, "utf8");
  expect(script).toContain("exec qemu-system-aarch64");
  await paste(page, script);
  await expect(page.getByRole("status")).toContainText("Imported the command line");
  await expect(page.getByRole("list", { name: "Import messages" })).toContainText("skipped 'exec'");
  await expect(commandLine(page)).toHaveText(before!);
});

test("a commented-out option inside a \\ continuation is named as the cause", async ({ page }) => {
  await fresh(page);
  await paste(page, "qemu-system-aarch64 -M virt \\\n  # -cpu max \\\n  -m 2G -kernel xen");
  await expect(page.getByRole("status")).toContainText(
    "cut off from the QEMU command by the comment on line 2",
  );
});
