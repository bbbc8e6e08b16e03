/**
 * "Verify in QEMU" end to end: `guestmap serve` (the real CLI, on 127.0.0.1) with QEMU 7.2 on
 * PATH and 10.0.2 from --qemu-dir, the app connected to it, the seed's Xen example verified all
 * green, and the 24 MiB rootfs sample red — overwritten by QEMU's DTB by exactly as many bytes as
 * a `pmemsave` run here (a hand-written QEMU command line over the same files) shows.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { pmemsave, qemuInstalls } from "../packages/core/conformance/qemu";
import { SAMPLES } from "../src/samples/samples";
import { fresh, loadSample } from "./helpers";

let companion: ChildProcess | undefined;
let url = "";
const dir = mkdtempSync(join(tmpdir(), "guestmap-e2e-verify-"));
const installs = qemuInstalls();

test.beforeAll(async ({ baseURL }) => {
  const extra = installs.flatMap((q) => (q.dir ? ["--qemu-dir", q.dir] : []));
  companion = spawn(
    process.execPath,
    ["packages/cli/bin/guestmap.js", "serve", "--port", "0", "--allow-origin", baseURL!, ...extra],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`guestmap serve printed no URL: ${out}`)), 60_000);
    companion!.stdout!.setEncoding("utf8").on("data", (s: string) => {
      out += s;
      // Wait for the QEMU list too: then /qemu answers at once.
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (m && /\nQEMU: /.test(out)) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
  });
});

test.afterAll(() => {
  if (companion?.pid !== undefined) process.kill(companion.pid, "SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

async function connect(page: Page) {
  await page.locator("summary", { hasText: "Verify in QEMU…" }).click();
  await page.getByLabel("Companion URL").fill(url);
  await page.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByRole("button", { name: "Verify in QEMU" })).toBeVisible();
}

async function verifyWith(page: Page, version: string) {
  await page.getByLabel("QEMU to verify with").selectOption(version);
  await page.getByRole("button", { name: "Verify in QEMU" }).click();
}

/** The sample's files as the app makes them: its header bytes, zeros, its tail. */
function writeSampleFiles(sampleId: string): void {
  const s = SAMPLES.find((x) => x.id === sampleId)!;
  for (const b of s.blobs) {
    const bytes = Buffer.alloc(Number(b.size));
    bytes.set(b.head, 0);
    if (b.tail) bytes.set(b.tail, bytes.length - b.tail.length);
    writeFileSync(join(dir, b.path), bytes);
  }
}

test("without a companion the app sends nothing anywhere, even with the Verify menu open", async ({
  page,
  baseURL,
}) => {
  const external: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(`${baseURL}/`)) external.push(r.url());
  });
  await fresh(page);
  await page.locator("summary", { hasText: "Verify in QEMU…" }).click();
  await page.getByLabel("Companion URL").fill("http://example.com/?token=x");
  await page.getByRole("button", { name: "Connect" }).click();
  await expect(page.getByText(/runs on this machine only/)).toBeVisible();
  await loadSample(page, /24 MiB rootfs/);
  expect(external).toEqual([]);
});

for (const q of installs) {
  test(`QEMU ${q.version}: the seed verifies all green; the 24 MiB rootfs shows QEMU's DTB over it`, async ({
    page,
    baseURL,
  }) => {
    test.setTimeout(120_000);
    const companionOrigin = new URL(url).origin;
    const elsewhere: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(`${baseURL}/`) && !r.url().startsWith(`${companionOrigin}/`))
        elsewhere.push(r.url());
    });
    await fresh(page);
    await connect(page);
    await verifyWith(page, q.version);
    const status = page.getByTestId("verify-status");
    await expect(status).toHaveText(
      new RegExp(`^verified against QEMU ${q.version.replace(/\./g, "\\.")} at \\d\\d:\\d\\d$`),
      {
        timeout: 60_000,
      },
    );
    // Every region green on the map and in the table, both modules' bytes intact.
    await expect(page.getByTestId("verify-mark")).toHaveCount(5);
    await expect(page.locator('[data-testid=verify-mark][data-verify="differs"]')).toHaveCount(0);
    await expect(page.locator('tr[data-verify="same"]')).toHaveCount(5);
    await expect(page.getByTestId("blob-bytes")).toHaveText([
      "✓ Image: bytes intact",
      "✓ rootfs.cpio: bytes intact",
    ]);
    await expect(page.getByTestId("verify-overwritten")).toHaveCount(0);

    // The 24 MiB rootfs: what pmemsave shows of it after QEMU's reset, counted here.
    writeSampleFiles("xen-aarch64-big-rootfs");
    const ram = pmemsave(
      q.binary("aarch64"),
      [
        "-M",
        "virt,virtualization=on,dtb-randomness=off",
        "-cpu",
        "cortex-a57",
        "-m",
        "2G",
        "-kernel",
        "xen",
        "-append",
        "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all",
        "-device",
        "guest-loader,addr=0x42000000,kernel=Image,bootargs=root=/dev/sda2 ro console=hvc0 earlyprintk=xen",
        "-device",
        "guest-loader,addr=0x47000000,initrd=rootfs.cpio",
      ],
      0x47000000n,
      24n << 20n,
      dir,
    );
    const file = new Uint8Array(24 << 20);
    const rootfs = SAMPLES.find((x) => x.id === "xen-aarch64-big-rootfs")!.blobs.find(
      (b) => b.path === "rootfs.cpio",
    )!;
    file.set(rootfs.head, 0);
    if (rootfs.tail) file.set(rootfs.tail, file.length - rootfs.tail.length);
    let differing = 0;
    for (let i = 0; i < file.length; i++) if (file[i] !== ram[i]) differing++;
    expect(differing).toBeGreaterThan(0);
    const n = differing.toLocaleString("en-US");

    await loadSample(page, /24 MiB rootfs/);
    // An edit makes a new layout: the last result no longer shows until this one is verified.
    await expect(page.getByTestId("verify-mark")).toHaveCount(0);
    await verifyWith(page, q.version);
    await expect(status).toContainText(`rootfs.cpio: ${n} bytes overwritten by QEMU's DTB`, {
      timeout: 60_000,
    });
    await expect(status).toContainText(`verified against QEMU ${q.version} at`);
    await expect(page.getByTestId("verify-overwritten")).toHaveText(`${n} bytes overwritten by QEMU's DTB`);
    await expect(page.getByTestId("blob-bytes").nth(1)).toHaveText(
      `✕ rootfs.cpio: ${n} bytes overwritten by QEMU's DTB (first at offset 0x1000000, 0x48000000) — as guestmap predicted`,
    );
    if (process.env.GUESTMAP_SCREENSHOTS && q.dir) {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: "docs/verify-in-qemu.png" });
    }
    expect(elsewhere).toEqual([]);
  });
}

test("opening the app from the companion's URL connects it and takes the token out of the address bar", async ({
  page,
}) => {
  await page.goto(url);
  await expect(page.getByRole("button", { name: "Verify in QEMU" })).toBeVisible();
  expect(page.url()).not.toContain("token=");
  await expect(page.getByLabel("QEMU to verify with")).toContainText("QEMU 7.2");
});
