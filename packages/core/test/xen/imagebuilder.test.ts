import { describe, expect, it } from "vitest";
import {
  check,
  imageBuilderConfig,
  imageBuilderPlan,
  layoutFromImageBuilder,
  MiB,
  parseImageBuilderConfig,
} from "../../src/index.js";
import { arm64Image } from "../fixtures/kernels.js";

const CONFIG = `# dom0 + one dom0less domU on QEMU virt, 1 GiB
MEMORY_START="0x40000000"
MEMORY_END="0x80000000"
DEVICE_TREE="virt.dtb"
XEN="xen"
XEN_CMD="console=dtuart dtuart=/pl011@9000000 dom0_mem=256M bootscrub=0"
DOM0_KERNEL="Image"
DOM0_RAMDISK='dom0.cpio'
DOM0_CMD="console=hvc0 rdinit=/init"
NUM_DOMUS=1
DOMU_KERNEL[0]="Image"
DOMU_RAMDISK[0]=domu.cpio
DOMU_MEM[0]=128
UBOOT_SOURCE="boot.source"
UBOOT_SCRIPT="boot.scr"
`;

/** Debian's Xen 4.17 / Linux 6.1 and the boot tests' initramfs, and QEMU 7.2's 1 MiB DTB. */
const SIZES: Record<string, bigint> = {
  xen: 0xf0008n,
  Image: 0x1f6dfc0n,
  "dom0.cpio": 0x1c3200n,
  "domu.cpio": 0x1c3200n,
  "virt.dtb": 0x100000n,
};

describe("ImageBuilder config", () => {
  it("reads assignments as bash would, without running anything", () => {
    const { config, issues } = parseImageBuilderConfig(`${CONFIG}DOMU_CMD[0]="$HOME"\nsource other.cfg\n`);
    expect(config.vars.get("DOM0_RAMDISK")).toBe("dom0.cpio");
    expect(config.arrays.get("DOMU_RAMDISK")?.get(0)).toBe("domu.cpio");
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ["ib-syntax", 16],
      ["ib-syntax", 17],
    ]);
    expect(issues[0]!.message).toMatch(/DOMU_CMD/);
  });

  it("places files where uboot-script-gen (imagebuilder 7760210) put them for the same files", () => {
    // Expected: the real uboot-script-gen -t tftp run on this config and these files wrote
    // tftpb 0x40400000 xen / 0x40600000 Image / 0x42600000 dom0.cpio / 0x42800000 Image /
    // 0x44800000 domu.cpio / 0x44A00000 virt.dtb, script at 0x40200000, booti 0x40400000 - 0x44A00000.
    const { plan, issues } = imageBuilderPlan(parseImageBuilderConfig(CONFIG).config, (p) => SIZES[p]);
    expect(issues).toEqual([]);
    expect(plan!.scriptAddr).toBe(0x40200000n);
    expect(plan!.entries.map((e) => [e.name, e.addr])).toEqual([
      ["XEN", 0x40400000n],
      ["DOM0_KERNEL", 0x40600000n],
      ["DOM0_RAMDISK", 0x42600000n],
      ["DOMU_KERNEL[0]", 0x42800000n],
      ["DOMU_RAMDISK[0]", 0x44800000n],
      ["DEVICE_TREE", 0x44a00000n],
    ]);
  });

  it("starts at 12 MiB on boards whose RAM starts at 0, and says when the files do not fit", () => {
    // The real uboot-script-gen: script at 0xC00000; with MEMORY_END 0x5700000 "Error, not
    // enough memory to load all binaries", with 0x5800000 it succeeds.
    const low = CONFIG.replace('MEMORY_START="0x40000000"', 'MEMORY_START="0x0"').replace(
      'MEMORY_END="0x80000000"',
      'MEMORY_END="0x5700000"',
    );
    const { plan, issues } = imageBuilderPlan(parseImageBuilderConfig(low).config, (p) => SIZES[p]);
    expect(plan!.scriptAddr).toBe(0xc00000n);
    expect(issues.map((i) => i.code)).toEqual(["ib-out-of-memory"]);
  });

  it("becomes a layout whose checks show the BSS ImageBuilder's packing ignores", () => {
    const files = (p: string) =>
      SIZES[p] === undefined
        ? undefined
        : { path: p, size: SIZES[p]!, ...(p === "Image" && { head: arm64Image(4096, 0n, 0x2010000n) }) };
    const { result } = layoutFromImageBuilder(parseImageBuilderConfig(CONFIG).config, files);
    const l = result!.layout;
    expect(l.machine.ram).toBe(1024n * MiB);
    expect(l.modules[0]!.bootargs).toBe("console=hvc0 rdinit=/init root=/dev/ram0");
    expect(l.domains![0]!.memory).toBe(128n * MiB);
    const bss = check(l, { qemu: "7.2" }).diagnostics.filter((d) => d.code === "bss-overlap");
    // Linux's image_size 0x2010000 runs 0x10000 past the next 2 MiB boundary, where ImageBuilder
    // puts the next file: dom0's ramdisk, and the domU's.
    expect(bss.map((d) => [d.regions[0], d.start, d.end])).toEqual([
      ["m2", 0x42600000n, 0x42610000n],
      ["domU0.ramdisk", 0x44800000n, 0x44810000n],
    ]);
  });

  it("a layout written as a config reads back to the same files and settings", () => {
    const files = (p: string) => (SIZES[p] === undefined ? undefined : { path: p, size: SIZES[p]! });
    const { result } = layoutFromImageBuilder(parseImageBuilderConfig(CONFIG).config, files);
    const { text, issues } = imageBuilderConfig(result!.layout, { deviceTree: "virt.dtb" });
    expect(issues).toEqual([]);
    const again = layoutFromImageBuilder(parseImageBuilderConfig(text!).config, files).result!.layout;
    expect(again).toEqual(result!.layout);
  });

  it("says what a config cannot carry", () => {
    const files = (p: string) => (SIZES[p] === undefined ? undefined : { path: p, size: SIZES[p]! });
    const l = layoutFromImageBuilder(parseImageBuilderConfig(CONFIG).config, files).result!.layout;
    const odd = { ...l, domains: l.domains!.map((d) => ({ ...d, bootargs: "console=hvc0", vpl011: false })) };
    expect(imageBuilderConfig(odd, { deviceTree: "virt.dtb" }).issues.map((i) => i.message)).toEqual([
      "domU0: ImageBuilder always gives domUs a vpl011",
      'domU0: ImageBuilder writes bootargs "console=ttyAMA0" for every domU; "console=hvc0" is lost',
    ]);
  });
});
