/**
 * The app's trust switch, the counterpart of `guestmap check --trust-args`: an extra argument that
 * touches host files is an unsafe-option error until the user vouches for the layout's arguments;
 * then it is the very note the CLI prints with --trust-args. Per layout, kept across a reload, and
 * never arriving with a share link or an opened layout file.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { arm64Image, fresh, newcCpio } from "./helpers";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

// QEMU's guest-loader example (docs/system/guest-loader.rst) with the disk people add to it.
const ARGV = [
  "qemu-system-aarch64",
  "-machine",
  "virt,virtualization=on",
  "-cpu",
  "cortex-a57",
  "-m",
  "4G",
  "-kernel",
  "xen",
  "-append",
  "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all",
  "-device",
  "guest-loader,addr=0x42000000,kernel=Image,bootargs=root=/dev/vda ro console=hvc0",
  "-device",
  "guest-loader,addr=0x47000000,initrd=rootfs.cpio",
  "-drive",
  "if=none,file=rootfs.ext4,format=raw,id=hd0",
  "-device",
  "virtio-blk-device,drive=hd0",
];
const shellLine = ARGV.map((a) => (/^[\w.,=/:-]+$/.test(a) ? a : `'${a}'`)).join(" ");

// The files the command line names, for the CLI (the app shows them as placeholders).
const dir = mkdtempSync(join(tmpdir(), "guestmap-e2e-trust-"));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "xen"), arm64Image(0xf0008, 0x1360c8));
writeFileSync(join(dir, "Image"), arm64Image(0x100000, 0x2010000));
writeFileSync(join(dir, "rootfs.cpio"), newcCpio(0x10000));

/** What the real CLI says about the same command line (`guestmap check --json`). */
function cliUnsafe(trust: boolean): { severity: string; message: string } {
  const r = spawnSync(
    process.execPath,
    [
      resolve("packages/cli/bin/guestmap.cjs"),
      "check",
      "--json",
      "--qemu",
      "10.0",
      ...(trust ? ["--trust-args"] : []),
      "--",
      ...ARGV,
    ],
    { encoding: "utf8", cwd: dir },
  );
  expect(r.stdout, r.stderr).not.toBe("");
  const found = (
    JSON.parse(r.stdout).diagnostics as { code: string; severity: string; message: string }[]
  ).find((d) => d.code === "unsafe-option");
  expect(found, r.stderr).toBeDefined();
  return found!;
}

async function paste(page: Page, text: string): Promise<void> {
  await page.locator("summary", { hasText: "Import" }).click();
  await page.getByLabel("Paste a QEMU command line").fill(text);
  await page.getByRole("button", { name: "Import command line" }).click();
}

const diagnostics = (page: Page) => page.getByRole("region", { name: "Diagnostics" });
const trustSwitch = (page: Page) => diagnostics(page).getByRole("checkbox");

test("the trust switch turns unsafe-option errors into the CLI's --trust-args notes, for this layout only", async ({
  page,
}) => {
  const untrusted = cliUnsafe(false);
  const trusted = cliUnsafe(true);
  expect([untrusted.severity, trusted.severity]).toEqual(["error", "info"]);

  await fresh(page);
  await paste(page, shellLine);
  await expect(page.getByTestId("command-line")).toContainText("-drive");
  // Off by default: the CLI's error, word for word.
  await expect(trustSwitch(page)).not.toBeChecked();
  await expect(diagnostics(page)).toContainText("error unsafe-option");
  await expect(diagnostics(page)).toContainText(untrusted.message);

  await trustSwitch(page).check();
  await expect(diagnostics(page)).toContainText("Extra QEMU arguments trusted");
  await expect(diagnostics(page)).toContainText("info unsafe-option");
  await expect(diagnostics(page)).toContainText(trusted.message);
  await expect(diagnostics(page)).not.toContainText("error unsafe-option");

  // Kept with this layout across a reload.
  await page.waitForTimeout(500);
  await page.reload();
  await expect(trustSwitch(page)).toBeChecked();
  await expect(diagnostics(page)).toContainText(trusted.message);

  // A share link of this very layout opens untrusted: held back, and still an error once accepted.
  await page.getByRole("button", { name: "Copy share link" }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toContain("#layout=");
  await page.goto(`/${link.slice(link.indexOf("#"))}`);
  await expect(page.locator("summary", { hasText: "Layout: Shared layout" })).toBeVisible();
  const banner = page.getByRole("region", { name: "Untrusted QEMU arguments" });
  await expect(banner).toContainText("-drive");
  await page.getByRole("button", { name: "Accept these arguments" }).click();
  await expect(trustSwitch(page)).not.toBeChecked();
  await expect(diagnostics(page)).toContainText(untrusted.message);

  // The first layout kept its switch.
  await page.locator("summary", { hasText: "Layout: Shared layout" }).click();
  await page.getByRole("button", { name: "Open “Xen example”" }).click();
  await expect(trustSwitch(page)).toBeChecked();

  // A layout file opened over the trusted layout, with the same arguments: untrusted again.
  await page.locator("summary", { hasText: "Import" }).click();
  await page.getByLabel("Open layout JSON…").setInputFiles({
    name: "from-a-colleague.json",
    mimeType: "application/json",
    buffer: Buffer.from(
      JSON.stringify({
        format: "guestmap-layout",
        version: 1,
        machine: { arch: "aarch64", ram: "4G", cpu: "cortex-a57", props: { virtualization: "on" } },
        modules: [{ id: "m1", addr: "0x48000000", initrd: { path: "r.cpio", size: "0x1000" } }],
        extraArgs: [
          ["-drive", "if=none,file=rootfs.ext4,format=raw,id=hd0"],
          ["-device", "virtio-blk-device,drive=hd0"],
        ],
      }),
    ),
  });
  await page.getByRole("button", { name: "Accept these arguments" }).click();
  await expect(trustSwitch(page)).not.toBeChecked();
  await expect(diagnostics(page)).toContainText("error unsafe-option");
});
