/**
 * "Verify in QEMU" end to end: `guestmap serve` (the real CLI, on 127.0.0.1) with QEMU 7.2 on
 * PATH and 10.0.2 from --qemu-dir, the app connected to it, the seed's Xen example verified all
 * green, and the 24 MiB rootfs sample red — overwritten by QEMU's DTB by exactly as many bytes as
 * a `pmemsave` run here (a hand-written QEMU command line over the same files) shows.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { dumpDtb, infoRoms, pmemsave, qemuInstalls } from "../packages/core/conformance/qemu";
import { SAMPLES } from "../src/samples/samples";
import { arm64Image, fresh, loadSample, newcCpio } from "./helpers";

let companion: ChildProcess | undefined;
let url = "";
const dir = mkdtempSync(join(tmpdir(), "guestmap-e2e-verify-"));
const installs = qemuInstalls();
/** Tests that need some QEMU: skipped (loudly, by qemuInstalls) where none is installed. */
const needsQemu = () => test.skip(installs.length === 0, "no qemu-system-aarch64 installed");

test.beforeAll(async ({ baseURL }) => {
  const extra = installs.flatMap((q) => (q.dir ? ["--qemu-dir", q.dir] : []));
  companion = spawn(
    process.execPath,
    [
      "packages/cli/bin/guestmap.cjs",
      "serve",
      "--port",
      "0",
      "--allow-origin",
      baseURL!,
      "--files",
      dir,
      ...extra,
    ],
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
    // Undo back to the seed: its result is still in react-query's cache, shown without a new run.
    const runs: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/verify")) runs.push(r.url());
    });
    await page.getByRole("button", { name: /Undo/ }).click();
    await expect(page.getByTestId("verify-overwritten")).toHaveCount(0);
    await expect(page.locator('[data-testid=verify-mark][data-verify="same"]')).toHaveCount(5);
    await expect(status).toHaveText(
      new RegExp(`^verified against QEMU ${q.version.replace(/\./g, "\\.")} at`),
    );
    expect(runs).toEqual([]);
    await page.getByRole("button", { name: /Redo/ }).click();
    await expect(page.getByTestId("verify-overwritten")).toHaveText(`${n} bytes overwritten by QEMU's DTB`);
    if (process.env.GUESTMAP_SCREENSHOTS && q.dir) {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.mouse.move(0, 0);
      await page.screenshot({ path: "docs/verify-in-qemu.png" });
    }
    expect(elsewhere).toEqual([]);
  });
}

for (const q of installs) {
  test(`QEMU ${q.version}: RISC-V with OpenSBI — each region's mark and values are QEMU's own info roms`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    writeSampleFiles("riscv64-opensbi");
    // QEMU's truth for the sample, from a command line written here.
    const roms = infoRoms(
      q.binary("riscv64"),
      [
        "-M",
        "virt",
        "-m",
        "2G",
        "-kernel",
        "xen",
        "-append",
        "dom0_mem=512M console=dtuart",
        "-device",
        "guest-loader,addr=0x84000000,kernel=Image,bootargs=root=/dev/vda ro console=hvc0",
        "-device",
        "guest-loader,addr=0x88000000,initrd=rootfs.cpio",
      ],
      dir,
    );
    const fdt = roms.find((r) => r.name === "fdt")!;
    await fresh(page);
    await loadSample(page, /RISC-V 64/);
    await connect(page);
    await verifyWith(page, q.version);
    await expect(page.getByTestId("verify-status")).toContainText(`QEMU ${q.version}`, { timeout: 60_000 });
    await expect(page.locator("tr[data-verify]")).toHaveCount(roms.length);
    // Whatever guestmap predicted, the QEMU column is QEMU's, and a red mark carries both values.
    const row = page.locator("tr[data-verify]", { hasText: "fdt" });
    await expect(row.locator("td").nth(2)).toHaveText(
      `0x${fdt.addr.toString(16)}+0x${fdt.size.toString(16)}`,
    );
    const differs = (await row.getAttribute("data-verify")) === "differs";
    await expect(page.getByTestId("verify-both")).toHaveCount(differs ? 1 : 0);
    if (differs)
      await expect(page.getByTestId("verify-both")).toContainText(
        `QEMU 0x${fdt.addr.toString(16)}+0x${fdt.size.toString(16)}`,
      );
    if (process.env.GUESTMAP_SCREENSHOTS && differs)
      await page.screenshot({ path: "test-results/verify-riscv-differs.png" });
  });
}

test("a pasted command line's placeholders are verified with the files the companion finds under --files", async ({
  page,
}) => {
  needsQemu();
  writeFileSync(join(dir, "disk-kernel"), Buffer.alloc(0x3000, 0x11));
  writeFileSync(join(dir, "disk-initrd.cpio"), Buffer.alloc(0x5000, 0x22));
  await fresh(page);
  await page.locator("summary", { hasText: "Import" }).click();
  await page
    .getByLabel("Paste a QEMU command line")
    .fill(
      "qemu-system-aarch64 -M virt -cpu cortex-a57 -m 1G -device guest-loader,addr=0x48000000,kernel=disk-kernel -device guest-loader,addr=0x49000000,initrd=disk-initrd.cpio",
    );
  await page.getByRole("button", { name: "Import command line" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported" })).toBeVisible();
  await page.keyboard.press("Escape");
  await connect(page);
  await verifyWith(page, installs[0]!.version);
  await expect(page.getByTestId("verify-status")).toHaveText(/^verified against QEMU/, { timeout: 60_000 });
  await expect(page.getByTestId("blob-bytes")).toHaveText([
    "✓ disk-kernel: bytes intact",
    "✓ disk-initrd.cpio: bytes intact",
  ]);
});

test("Boot 10 s: the guest's serial console streams into the app, QEMU is stopped at the limit", async ({
  page,
}) => {
  needsQemu();
  test.setTimeout(120_000);
  // movz x1,#0x0900,lsl#16; UARTCR=0x301; 'O','K','\n' to virt's PL011 data register; b .
  const words = [
    0xd2a12001, 0x52806022, 0xb9003022, 0x528009e0, 0xb9000020, 0x52800960, 0xb9000020, 0x52800140,
    0xb9000020, 0x14000000,
  ];
  writeFileSync(join(dir, "ok.bin"), Buffer.from(new Uint32Array(words).buffer));
  await fresh(page);
  await page.locator("summary", { hasText: "Import" }).click();
  await page
    .getByLabel("Paste a QEMU command line")
    .fill("qemu-system-aarch64 -M virt -cpu cortex-a57 -m 256M -kernel ok.bin");
  await page.getByRole("button", { name: "Import command line" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Imported" })).toBeVisible();
  await page.keyboard.press("Escape");
  await connect(page);
  await page.getByRole("button", { name: "Boot 10 s" }).click();
  await expect(page.getByTestId("serial-console")).toHaveText("OK", { timeout: 30_000 });
  await expect(page.getByTestId("boot-end")).toHaveText(/^QEMU [\d.]+: time limit$/, { timeout: 30_000 });
});

test("opening the app from the companion's URL connects it and takes the token out of the address bar", async ({
  page,
}) => {
  needsQemu();
  await page.goto(url);
  await expect(page.getByRole("button", { name: "Verify in QEMU" })).toBeVisible();
  expect(page.url()).not.toContain("token=");
  await expect(page.getByLabel("QEMU to verify with")).toContainText("QEMU 7.2");
  await page.getByRole("button", { name: "Verify in QEMU" }).click();
  await expect(page.getByTestId("verify-status")).toHaveText(/^verified against QEMU/, { timeout: 60_000 });
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(" ")).join(", ")}`)).toEqual([]);
});

for (const q of installs) {
  test(`QEMU ${q.version}: a dom0less layout verifies in the fixed-DTB form, domU1's blobs and /chosen/domU1 included`, async ({
    page,
  }) => {
    test.setTimeout(120_000);
    // The files, found by the companion under --files (the layout names them with their sizes).
    writeFileSync(join(dir, "xen-dl"), arm64Image(0xf0008, 0x1360c8));
    writeFileSync(join(dir, "Image-dl"), arm64Image(0x100000, 0x2010000));
    writeFileSync(join(dir, "dom0-dl.cpio"), newcCpio(0x1c3200, 41));
    writeFileSync(join(dir, "domu-dl.cpio"), newcCpio(0x123400, 42));
    const machine = { arch: "aarch64", props: { virtualization: "on" }, ram: "1G", cpu: "cortex-a57" };
    const layout = {
      format: "guestmap-layout",
      version: 1,
      machine,
      kernel: { path: "xen-dl", size: "0xf0008" },
      append: "dom0_mem=256M",
      modules: [
        { addr: "0x42000000", kernel: { path: "Image-dl", size: "0x100000" }, bootargs: "console=hvc0" },
        { addr: "0x46000000", initrd: { path: "dom0-dl.cpio", size: "0x1c3200" } },
      ],
      domains: [
        {
          name: "domU1",
          memory: "128M",
          cpus: 1,
          vpl011: true,
          bootargs: "console=ttyAMA0",
          kernel: { addr: "0x4a000000", file: { path: "Image-dl", size: "0x100000" } },
          ramdisk: { addr: "0x4e000000", file: { path: "domu-dl.cpio", size: "0x123400" } },
        },
      ],
    };
    // QEMU's truth, from a run written here: the CLI's fixed-DTB export on QEMU's own DTB, then
    // info roms of that command line.
    writeFileSync(join(dir, "dom0less.json"), JSON.stringify(layout));
    const base = ["-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "1G", "-kernel", "xen-dl"];
    writeFileSync(join(dir, "dl-base.dtb"), dumpDtb(q.binary("aarch64"), base, dir));
    const exported = spawnSync(
      process.execPath,
      [
        resolve("packages/cli/bin/guestmap.cjs"),
        ...["export", "--dtb", "dl.dtb", "--base-dtb", "dl-base.dtb", "--fixed-dtb"],
        ...["--cmdline", "-", "--cmdline-format", "json", "dom0less.json"],
      ],
      { cwd: dir, encoding: "utf8" },
    );
    expect(exported.status, exported.stderr).toBe(0);
    const argv = (JSON.parse(exported.stdout) as string[][]).flat();
    const roms = infoRoms(q.binary("aarch64"), argv.slice(1), dir);
    const rom = (name: string, addr: bigint) => roms.find((r) => r.name === name && r.addr === addr)!;

    await fresh(page);
    await page.locator("summary", { hasText: "Import" }).click();
    await page.getByLabel("Open layout JSON…").setInputFiles({
      name: "dom0less.json",
      mimeType: "application/json",
      buffer: Buffer.from(JSON.stringify(layout)),
    });
    await page.keyboard.press("Escape");
    await connect(page);
    await verifyWith(page, q.version);
    await expect(page.getByTestId("verify-status")).toHaveText(
      new RegExp(`^verified against QEMU ${q.version.replace(/\./g, "\\.")} at \\d\\d:\\d\\d$`),
      { timeout: 60_000 },
    );
    // Every ROM QEMU has is a row, all as predicted; domU1's rows carry QEMU's own values.
    await expect(page.locator("tr[data-verify]")).toHaveCount(roms.length);
    await expect(page.locator('tr[data-verify="differs"]')).toHaveCount(0);
    for (const [name, addr] of [
      ["Image-dl", 0x4a000000n],
      ["domu-dl.cpio", 0x4e000000n],
    ] as const) {
      const r = rom(name, addr);
      await expect(
        page
          .locator("tr[data-verify]", { hasText: `${name} (domU1)` })
          .locator("td")
          .nth(2),
      ).toHaveText(`0x${r.addr.toString(16)}+0x${r.size.toString(16)}`);
    }
    await expect(page.getByText("✓ /chosen as predicted")).toBeVisible();
    await expect(page.getByTestId("blob-bytes")).toHaveText([
      "✓ Image-dl: bytes intact",
      "✓ dom0-dl.cpio: bytes intact",
      "✓ Image-dl (domU1): bytes intact",
      "✓ domu-dl.cpio (domU1): bytes intact",
    ]);
    await expect(page.getByText(/Ran with .*-dtb guestmap\.dtb/)).toBeVisible();
    // On the map, marks for the main lanes' regions only (domU1's blobs are in its own lane).
    await expect(page.getByTestId("verify-mark")).toHaveCount(roms.length - 2);
  });
}
