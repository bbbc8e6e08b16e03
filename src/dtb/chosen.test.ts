import { decodeFdt, encodeFdt, printDts } from "@guestmap/core";
import { describe, expect, it } from "vitest";
import { DEFAULT_SAMPLE } from "../samples/samples";
import { standaloneChosen } from "./chosen";

describe("standaloneChosen", () => {
  it("prints modules in reverse command-line order with bootargs, compatible, reg", () => {
    const dts = printDts(standaloneChosen(DEFAULT_SAMPLE.layout));
    expect(dts).toContain('bootargs = "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all";');
    const rootfs = dts.indexOf("module@0x47000000");
    const image = dts.indexOf("module@0x42000000");
    expect(rootfs).toBeGreaterThan(0);
    expect(image).toBeGreaterThan(rootfs);
    expect(dts).toContain('compatible = "multiboot,module\\0multiboot,kernel";');
  });
  it("encodes to a DTB that decodes to the same tree", () => {
    const fdt = standaloneChosen(DEFAULT_SAMPLE.layout);
    expect(printDts(decodeFdt(encodeFdt(fdt)))).toBe(printDts(fdt));
  });
});
