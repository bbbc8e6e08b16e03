/** A -dtb with Xen's own /chosen: the /chosen panel shows all of it with QEMU's additions. */
import { spawnSync } from "node:child_process";
import { expect, type Page, test } from "@playwright/test";
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
