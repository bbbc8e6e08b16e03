import { describe, expect, it } from "vitest";
import {
  check,
  type Layout,
  MiB,
  PROFILES,
  parseLayoutJson,
  printDts,
  serializeLayout,
  standaloneFdt,
  type XenDomain,
} from "../../src/index.js";
import { arm64Image } from "../fixtures/kernels.js";
import { xenMachine } from "../fixtures/layouts.js";

const sized = (path: string, size: bigint) => ({ path, size });

/** Xen + dom0 on 1G aarch64 virt, plus `domains`: the boot test's shape. */
function dom0less(domains: XenDomain[]): Layout {
  return {
    machine: xenMachine(1024n * MiB),
    kernel: sized("xen", 0xf0008n),
    append: "dom0_mem=256M",
    modules: [
      { id: "m1", addr: 0x42000000n, kernel: sized("Image", 0x1f6dfc0n), bootargs: "console=hvc0" },
      { id: "m2", addr: 0x46000000n, initrd: sized("dom0.cpio", 0x1c3200n) },
    ],
    loaders: [],
    extraArgs: [],
    domains,
  };
}

function domU(name: string, kernelAt: bigint, ramdiskAt?: bigint, memory = 128n * MiB): XenDomain {
  return {
    name,
    memory,
    cpus: 1,
    vpl011: true,
    bootargs: "console=ttyAMA0",
    kernel: { id: `${name}.kernel`, addr: kernelAt, file: sized("Image", 0x1f6dfc0n) },
    ...(ramdiskAt !== undefined && {
      ramdisk: { id: `${name}.ramdisk`, addr: ramdiskAt, file: sized("domu.cpio", 0x1c3200n) },
    }),
  };
}

const codes = (l: Layout) => check(l, { qemu: "7.2" }).diagnostics.filter((d) => d.severity !== "info");

describe("dom0less domains in a DTB", () => {
  it("writes /chosen/domU1 as Xen's booting.txt describes it", () => {
    const dts = printDts(standaloneFdt(dom0less([domU("domU1", 0x4a000000n, 0x4e000000n)]), PROFILES["7.2"]));
    // Property names and values from docs/misc/arm/device-tree/booting.txt, with 2/2 cells.
    expect(dts).toContain(`\t\tdomU1 {
\t\t\tcompatible = "xen,domain";
\t\t\t#address-cells = <0x02>;
\t\t\t#size-cells = <0x02>;
\t\t\tmemory = <0x00 0x20000>;
\t\t\tcpus = <0x01>;
\t\t\tvpl011;

\t\t\tmodule@4a000000 {
\t\t\t\tcompatible = "multiboot,kernel\\0multiboot,module";
\t\t\t\treg = <0x00 0x4a000000 0x00 0x1f6dfc0>;
\t\t\t\tbootargs = "console=ttyAMA0";
\t\t\t};

\t\t\tmodule@4e000000 {
\t\t\t\tcompatible = "multiboot,ramdisk\\0multiboot,module";
\t\t\t\treg = <0x00 0x4e000000 0x00 0x1c3200>;
\t\t\t};
\t\t};`);
  });

  it("survives a layout file round trip", () => {
    const l = dom0less([domU("domU1", 0x4a000000n, 0x4e000000n)]);
    const back = parseLayoutJson(serializeLayout(l));
    expect(back.domains).toEqual(l.domains);
  });
});

describe("check: every rule applies to domain modules", () => {
  it("the boot test's layout is clean", () => {
    expect(codes(dom0less([domU("domU1", 0x4a000000n, 0x4e000000n)]))).toEqual([]);
  });

  it("a domU ramdisk across QEMU's DTB (0x48000000) is an overlap", () => {
    const ds = codes(dom0less([domU("domU1", 0x4a000000n, 0x47f00000n)]));
    const o = ds.find((d) => d.code === "overlap");
    expect(o?.regions).toEqual(["domU1.ramdisk", "dtb"]);
    expect(o?.message).toMatch(
      /^dom0less domU1 ramdisk domu\.cpio \(domU1\.ramdisk\) at \[0x47f00000, 0x480c3200\)/,
    );
  });

  it("a domU kernel under dom0's initrd is an overlap; its BSS reaching on is bss-overlap", () => {
    expect(codes(dom0less([domU("domU1", 0x46000000n)])).map((d) => d.code)).toContain("overlap");
    // Image's image_size (0x2010000) runs past its file into a ramdisk right after it.
    const l = dom0less([domU("domU1", 0x4a000000n, 0x4bf6e000n)]);
    const withHead: Layout = {
      ...l,
      domains: l.domains!.map((d) => ({
        ...d,
        kernel: {
          ...d.kernel,
          file: { path: "Image", size: 0x1f6dfc0n, head: arm64Image(4096, 0n, 0x2010000n) },
        },
      })),
    };
    // A note, not a warning: Xen copies a boot module before running it.
    const all = check(withHead, { qemu: "7.2" }).diagnostics;
    expect(all.find((d) => d.code === "bss-overlap")?.regions).toContain("domU1.ramdisk");
  });

  it("Xen's 32-entry module table counts domain modules", () => {
    const many = Array.from({ length: 14 }, (_, i) =>
      domU(
        `domU${i + 1}`,
        0x50000000n + BigInt(i) * 0x2000000n,
        0x6c000000n + BigInt(i) * 0x200000n,
        16n * MiB,
      ),
    );
    // 2 dom0 modules + 28 domain modules = 30 = the limit; one more domain passes it.
    expect(codes(dom0less(many)).map((d) => d.code)).not.toContain("too-many-modules");
    const more = [...many, domU("domU15", 0x7e000000n, undefined, 16n * MiB)];
    const t = codes(dom0less(more)).find((d) => d.code === "too-many-modules");
    expect(t?.regions).toEqual(["domU15.kernel"]);
    expect(t?.message).toMatch(/29 dom0less domain modules/);
  });

  it("a domain without memory, with 0 vcpus, or asking for more than RAM is domain-config", () => {
    const bad = { ...domU("domU1", 0x4a000000n), memory: 0n, cpus: 0 };
    expect(codes(dom0less([bad])).filter((d) => d.code === "domain-config")).toHaveLength(2);
    const big = domU("domU1", 0x4a000000n, undefined, 2048n * MiB);
    expect(codes(dom0less([big])).find((d) => d.code === "domain-config")?.message).toMatch(/raise -m/);
  });
});
