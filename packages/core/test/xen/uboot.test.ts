import { describe, expect, it } from "vitest";
import { type Layout, MiB, placements, scriptImage, ubootQuote, ubootScript } from "../../src/index.js";
import { arm64Image } from "../fixtures/kernels.js";
import { xenMachine } from "../fixtures/layouts.js";

describe("scriptImage (mkimage -T script)", () => {
  it("is byte for byte what Debian's mkimage 2023.01 wrote for the same script", () => {
    // SOURCE_DATE_EPOCH=0 mkimage -A arm64 -O linux -T script -C none -a 0x40200000
    //   -e 0x40200000 -n guestmap -d s.txt s.scr   (s.txt = "echo hi\n"), read with xxd.
    const expected = Buffer.from(
      "270519567 7f1798d 00000000 00000010 40200000 40200000 d9340162 05160600".replace(/ /g, "") +
        Buffer.from("guestmap").toString("hex").padEnd(64, "0") +
        "00000008 00000000".replace(/ /g, "") +
        Buffer.from("echo hi\n").toString("hex"),
      "hex",
    );
    expect(Buffer.from(scriptImage("echo hi\n", { loadAddr: 0x40200000n, name: "guestmap" }))).toEqual(
      expected,
    );
  });
});

const sized = (path: string, size: bigint) => ({ path, size });

function layout(extra: Partial<Layout> = {}): Layout {
  return {
    machine: xenMachine(1024n * MiB),
    // Debian's Xen 4.17 header: an arm64 Image with text_offset 0, image_size 0x1360c8.
    kernel: { path: "xen", size: 0xf0008n, head: arm64Image(4096, 0n, 0x1360c8n) },
    append: 'dom0_mem=256M "quoted" $HOME',
    modules: [
      { id: "m1", addr: 0x42000000n, kernel: sized("Image", 0x1f6dfc0n), bootargs: "console=hvc0" },
      { id: "m2", addr: 0x46000000n, initrd: sized("rootfs.cpio", 0x1c3200n) },
    ],
    loaders: [],
    extraArgs: [],
    ...extra,
  };
}

describe("ubootScript", () => {
  it("quotes for U-Boot's hush: backslash, double quote and $ are escaped", () => {
    expect(ubootQuote('a "b" $c \\d')).toBe('"a \\"b\\" \\$c \\\\d"');
  });

  it("loads each file where the layout puts it, the DTB where QEMU would, and boots Xen", () => {
    const l = layout();
    const r = ubootScript(l, placements(l, { qemu: "7.2" }), { dtbFile: "virt.dtb", dtbSlack: 0x10000n });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const lines = r.text.split("\n");
    expect(lines).toContain("tftpb 0x40200000 xen");
    expect(lines).toContain("tftpb 0x46000000 rootfs.cpio");
    expect(lines).toContain("tftpb 0x48000000 virt.dtb");
    expect(lines).toContain('fdt set /chosen xen,xen-bootargs "dom0_mem=256M \\"quoted\\" \\$HOME"');
    expect(lines).toContain("fdt set /chosen/module@42000000 reg <0x0 0x42000000 0x0 0x1f6dfc0>");
    expect(lines).not.toContain(expect.stringMatching(/^fdt resize/));
    expect(lines.at(-2)).toBe("booti 0x40200000 - 0x48000000");
    // The script's own slot: the first free 2 MiB above Xen's footprint (0x403360c8).
    expect(r.scriptAddr).toBe(0x40400000n);
  });

  it("writes the dom0less domains and grows a DTB without room", () => {
    const l = layout({
      domains: [
        {
          name: "domU1",
          memory: 128n * MiB,
          cpus: 1,
          vpl011: true,
          bootargs: "console=ttyAMA0",
          kernel: { id: "domU1.kernel", addr: 0x4a000000n, file: sized("Image", 0x1f6dfc0n) },
        },
      ],
    });
    const r = ubootScript(l, placements(l, { qemu: "7.2" }), { dtbFile: "virt.dtb", dtbSlack: 0n });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.text).toMatch(/^fdt resize \d+$/m);
    expect(r.text).toContain("fdt mknod /chosen domU1\n");
    expect(r.text).toContain("fdt set /chosen/domU1 memory <0x0 0x20000>\n");
    expect(r.text).toContain("fdt set /chosen/domU1 vpl011\n");
    expect(r.text).toContain('fdt set /chosen/domU1/module@4a000000 bootargs "console=ttyAMA0"\n');
  });

  it("refuses a layout without -kernel, or with -initrd, saying why", () => {
    const l = layout({ kernel: undefined, initrd: sized("initrd.img", 0x1000n) });
    const r = ubootScript(l, placements(l, { qemu: "7.2" }), { dtbFile: "virt.dtb", dtbSlack: 0n });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.issues.map((i) => i.code)).toEqual(
        expect.arrayContaining(["uboot-no-kernel", "uboot-initrd"]),
      );
  });
});
