/** A -dtb with Xen's own /chosen: the /chosen panel shows all of it with QEMU's additions, whatever its size. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { dtcToDtb, dtcToDts } from "../packages/core/conformance/fdt-tools";
import { dumpDtb, qemuInstalls } from "../packages/core/conformance/qemu";
import { haveTool } from "../packages/core/conformance/tools";
import { dropFiles, fresh } from "./helpers";

async function importCommand(page: Page, text: string) {
  await page.locator("summary", { hasText: "Import" }).click();
  await page.getByLabel("Paste a QEMU command line").fill(text);
  await page.getByRole("button", { name: "Import command line" }).click();
  await expect(page.getByRole("status")).toContainText("Imported");
  await page.keyboard.press("Escape");
}

/** The user's DTB, compiled by dtc as ImageBuilder's users do. */
const USER_DTS = `/dts-v1/;
/ {
	#address-cells = <0x02>;
	#size-cells = <0x02>;
	chosen {
		xen,xen-bootargs = "dom0_mem=512M";
		domU1 {
			compatible = "xen,domain";
		};
	};
};
`;

test("with -dtb, /chosen shows the DTB's Xen bootargs and dom0less domain under QEMU's bootargs", async ({
  page,
}) => {
  const dtc = spawnSync("dtc", ["-q", "-I", "dts", "-O", "dtb"], { input: USER_DTS });
  test.skip(dtc.error !== undefined, "dtc is not installed");
  await fresh(page);
  await importCommand(
    page,
    'qemu-system-aarch64 -M virt,virtualization=on -cpu max -m 1G -kernel /srv/xen -append "console=dtuart" -dtb /srv/user.dtb',
  );
  await dropFiles(page, [{ name: "user.dtb", data: dtc.stdout }]);
  const chosen = page.getByTestId("chosen-dts");
  await expect(chosen).toContainText('bootargs = "console=dtuart";\n\t\txen,xen-bootargs = "dom0_mem=512M";');
  await expect(chosen).toContainText("domU1 {");
});

/**
 * A -dtb over the 64 KiB head the app keeps of each file: QEMU's own DTB of a 512-vcpu virt
 * (about 80 KiB of tree) with Xen's /chosen added. The app decodes it whole in the DTB worker:
 * /chosen is QEMU's own (its dumpdtb through dtc), and the stale module node is flagged.
 */
const BIG_MACHINE = [
  "-M",
  "virt,virtualization=on,gic-version=3",
  "-cpu",
  "cortex-a57",
  "-smp",
  "512",
  "-m",
  "2G",
];
const SEEDS = /^\s*(rng-seed|kaslr-seed) = .*$/gm;
const chosenBlock = (dts: string) => {
  const start = dts.indexOf("\tchosen {");
  return dts.slice(start, dts.indexOf("\n\t};\n", start) + 4).replace(SEEDS, "SEED");
};

for (const q of qemuInstalls()) {
  test(`QEMU ${q.version}: a -dtb over 64 KiB is read whole; its /chosen is QEMU's and its stale module is flagged`, async ({
    page,
  }) => {
    test.skip(!haveTool("dtc"), "dtc is not installed");
    test.setTimeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), "guestmap-e2e-big-dtb-"));
    try {
      const base = dtcToDts(dumpDtb(q.binary("aarch64"), BIG_MACHINE, dir)).stdout.toString("utf8");
      const at = base.indexOf("\tchosen {\n") + 11;
      const close = base.indexOf("\n\t};\n", at);
      const node = `
		module@50000000 {
			compatible = "multiboot,kernel", "multiboot,module";
			reg = <0x00 0x50000000 0x00 0x200000>;
		};
`;
      const dts = `${base.slice(0, at)}\t\txen,xen-bootargs = "dom0_mem=512M";\n${base.slice(at, close)}${node}${base.slice(close)}`;
      const user = dtcToDtb(dts).stdout;
      const h = new DataView(user.buffer, user.byteOffset, user.byteLength);
      expect(h.getUint32(12) + h.getUint32(32)).toBeGreaterThan(65536);
      const image = Buffer.alloc(0x300000, 7); // rebuilt: the node still says 0x200000
      const xen = Buffer.alloc(0x100000, 1);
      for (const [name, data] of [
        ["user.dtb", user],
        ["Image", image],
        ["xen", xen],
      ] as const)
        writeFileSync(join(dir, name), data);
      const args = [
        ...BIG_MACHINE,
        ...["-kernel", "xen", "-append", "console=dtuart", "-dtb", "user.dtb"],
        ...["-device", "loader,file=Image,addr=0x50000000,force-raw=on"],
      ];
      const real = chosenBlock(dtcToDts(dumpDtb(q.binary("aarch64"), args, dir)).stdout.toString("utf8"));
      expect(real).toContain('xen,xen-bootargs = "dom0_mem=512M";');

      await fresh(page);
      await importCommand(page, `qemu-system-aarch64 ${args.join(" ")}`);
      await page.getByLabel("QEMU profile").selectOption(q.version.split(".").slice(0, 2).join("."));
      await dropFiles(page, [
        { name: "user.dtb", data: user },
        { name: "Image", data: image },
        { name: "xen", data: xen },
      ]);
      const chosen = page.getByTestId("chosen-dts");
      await expect(chosen).toContainText("xen,xen-bootargs", { timeout: 30_000 });
      expect(chosenBlock((await chosen.textContent()) ?? "")).toBe(real);
      await expect(page.getByText("error dtb-module-stale")).toBeVisible();
      await expect(page.getByText(/only the first 0x10000 bytes/)).toHaveCount(0);
      // After a reload the kept file is decoded again (heads are not saved).
      await page.waitForTimeout(500);
      await page.reload();
      await expect(page.getByTestId("chosen-dts")).toContainText("xen,xen-bootargs", { timeout: 30_000 });
      await expect(page.getByText("error dtb-module-stale")).toBeVisible();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
