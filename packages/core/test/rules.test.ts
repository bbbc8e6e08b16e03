import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  check,
  type DiagnosticCode,
  type Intersection,
  intersections,
  intersectionsBy,
  type Layout,
  type LayoutBlob,
  placements,
  type Region,
} from "../src/index.js";
import { findSlot, sortTaken, takenBy } from "../src/ops/free-space.js";
import { arm64Image, cpioBlob, rawBlob } from "./fixtures/kernels.js";
import { xenMachine } from "./fixtures/layouts.js";

const MiB = 1n << 20n;
const blob = (path: string, bytes: Uint8Array): LayoutBlob => ({
  path,
  size: BigInt(bytes.length),
  head: bytes.subarray(0, 4096),
});
const sized = (path: string, size: bigint): LayoutBlob => ({ path, size });

/** The seed's Xen example on aarch64 virt with a 2 GiB, AArch64 machine. */
function seedLayout(rootfsSize: bigint): Layout {
  return {
    machine: xenMachine(2048n * MiB),
    qemu: "7.2",
    kernel: sized("xen", 1n * MiB),
    append: "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all",
    modules: [
      {
        id: "m1",
        addr: 0x42000000n,
        kernel: blob("Image", arm64Image(8192, 0n, 0x2000n)),
        bootargs: "root=/dev/sda2 ro console=hvc0 earlyprintk=xen",
      },
      { id: "m2", addr: 0x47000000n, initrd: sized("rootfs.cpio", rootfsSize) },
    ],
    loaders: [],
    extraArgs: [],
  };
}

const codes = (l: Layout) => check(l).diagnostics.map((d) => d.code);

describe("check: the seed example", () => {
  it("is clean (but for info lints) with a 16 MiB rootfs", () => {
    const ds = check(seedLayout(16n * MiB)).diagnostics;
    expect(ds.filter((d) => d.severity !== "info")).toEqual([]);
  });

  it("collides with QEMU's DTB at 0x48000000 once the rootfs exceeds 16 MiB, and says QEMU is silent", () => {
    const ds = check(seedLayout(16n * MiB + 1n)).diagnostics;
    const o = ds.find((d) => d.code === "overlap");
    expect(o).toBeDefined();
    expect(o!.regions).toEqual(["m2", "dtb"]);
    expect(o!.start).toBe(0x48000000n);
    expect(o!.end).toBe(0x48000001n);
    expect(o!.message).toMatch(/without a word/);
    // The nearest free 4 KiB-aligned place above the rootfs is right after the DTB.
    expect(o!.message).toContain("Move rootfs.cpio (m2) to a free, aligned place.");
    expect(o!.fix).toEqual({
      region: "m2",
      addr: 0x48100000n,
      label: "Move rootfs.cpio to 0x48100000 (4 KiB-aligned, clear of every other region)",
    });
  });
});

describe("check: a module holding QEMU's whole DTB range", () => {
  // QEMU 7.2 and 10.0.2 segfault at reset for a random-bytes module at 0x48000000 of exactly
  // 1 MiB (the DTB's range) and boot on (into Xen) with one byte less: packages/cli/boot/.
  const at = (size: bigint): Layout => ({
    ...seedLayout(MiB),
    modules: [{ id: "m1", addr: 0x48000000n, initrd: sized("rootfs.cpio.gz", size) }],
  });
  it("says QEMU may segfault when the module covers all of it", () => {
    const o = check(at(MiB)).diagnostics.find((d) => d.code === "overlap");
    expect(o?.message).toMatch(
      /segmentation fault.*qemu_fdt_randomize_seeds|qemu_fdt_randomize_seeds.*segmentation fault/,
    );
  });
  it("does not when one byte of the DTB stays clear", () => {
    const o = check(at(MiB - 1n)).diagnostics.find((d) => d.code === "overlap");
    expect(o?.message).toMatch(/without a word/);
    expect(o?.message).not.toMatch(/segmentation fault/);
  });
});

describe("check: stanza errors", () => {
  const base = (mods: Layout["modules"]): Layout => ({ ...seedLayout(MiB), modules: mods });
  it.each<[string, Layout["modules"], DiagnosticCode]>([
    [
      "both kernel and initrd",
      [{ id: "a", addr: 0x44000000n, kernel: sized("k", 10n), initrd: sized("r", 10n) }],
      "kernel-and-initrd",
    ],
    ["neither", [{ id: "a", addr: 0x44000000n }], "no-file"],
    ["addr 0", [{ id: "a", addr: 0n, kernel: sized("k", 10n) }], "addr-zero"],
    [
      "bootargs on initrd",
      [{ id: "a", addr: 0x44000000n, initrd: sized("r", 10n), bootargs: "x" }],
      "bootargs-on-initrd",
    ],
    ["empty file", [{ id: "a", addr: 0x44000000n, initrd: sized("r", 0n) }], "empty-file"],
    ["file bigger than RAM", [{ id: "a", addr: 0x44000000n, initrd: sized("r", 3n << 30n) }], "too-large"],
    [
      "past 2^64",
      [{ id: "a", addr: 0xffff_ffff_ffff_f000n, initrd: sized("r", 0x2000n) }],
      "address-overflow",
    ],
    ["outside RAM", [{ id: "a", addr: 0x0900_0000n, initrd: sized("r", 0x1000n) }], "outside-ram"],
    ["unknown size", [{ id: "a", addr: 0x44000000n, initrd: { path: "r" } }], "size-unknown"],
    ["misaligned kernel", [{ id: "a", addr: 0x44010000n, kernel: sized("k", 0x1000n) }], "misaligned"],
    ["misaligned initrd", [{ id: "a", addr: 0x44000010n, initrd: sized("r", 0x1000n) }], "misaligned"],
  ])("%s", (_label, mods, code) => {
    expect(codes(base(mods))).toContain(code);
  });

  it("duplicate addresses name QEMU's FDT_ERR_EXISTS and the node", () => {
    const l = base([
      { id: "a", addr: 0x44000000n, kernel: sized("k", 0x1000n) },
      { id: "b", addr: 0x44000000n, initrd: sized("r", 0x1000n) },
    ]);
    const d = check(l).diagnostics.find((x) => x.code === "duplicate-addr");
    expect(d?.message).toContain("/chosen/module@0x44000000: FDT_ERR_EXISTS");
    expect(d?.regions).toEqual(["b"]);
  });

  it("more than 30 modules exceed Xen's table", () => {
    const mods = Array.from({ length: 31 }, (_, i) => ({
      id: `m${i}`,
      addr: 0x50000000n + BigInt(i) * MiB,
      initrd: sized("r", 0x1000n),
    }));
    expect(codes(base(mods))).toContain("too-many-modules");
    expect(codes(base(mods.slice(0, 30)))).not.toContain("too-many-modules");
  });

  it("guest-loader on a machine without FDT", () => {
    const l = seedLayout(MiB);
    expect(codes({ ...l, machine: { ...l.machine, type: "sbsa-ref" } })).toContain("no-fdt-machine");
  });

  it("arm64 Image modules honour text_offset modulo 2 MiB", () => {
    const img = blob("Image", arm64Image(4096, 0x80000n, 0x10000n));
    expect(codes(base([{ id: "a", addr: 0x44080000n, kernel: img }]))).not.toContain("misaligned");
    expect(codes(base([{ id: "a", addr: 0x44000000n, kernel: img }]))).toContain("misaligned");
  });
});

describe("check: BSS", () => {
  it("a module kernel whose image_size reaches the next module notes bss-overlap with the exact range, as likely harmless (Xen copies modules)", () => {
    const l: Layout = {
      ...seedLayout(MiB),
      modules: [
        { id: "k", addr: 0x42000000n, kernel: blob("Image", arm64Image(0x1000, 0n, 0x300000n)) },
        { id: "r", addr: 0x42200000n, initrd: blob("rootfs", cpioBlob(0x2000)) },
      ],
    };
    const d = check(l).diagnostics.find((x) => x.code === "bss-overlap");
    expect(d).toMatchObject({
      severity: "info",
      regions: ["r", "k"],
      start: 0x42200000n,
      end: 0x42202000n,
    });
    expect(d?.message).toMatch(/Xen copies it/);
    expect(d?.message).toMatch(/Move rootfs \(r\) to 0x42300000 or above/);
    expect(codes(l)).not.toContain("overlap");
  });

  it("the -kernel's BSS over a module is a warning: that kernel runs in place", () => {
    const l: Layout = {
      ...seedLayout(MiB),
      kernel: blob("xen", arm64Image(0x1000, 0x200000n, 0x300000n)),
      modules: [{ id: "r", addr: 0x40280000n, initrd: blob("rootfs", cpioBlob(0x2000)) }],
    };
    const d = check(l).diagnostics.find((x) => x.code === "bss-overlap");
    expect(d).toMatchObject({ severity: "warning", regions: ["r", "kernel"] });
    expect(d?.message).toMatch(/^-kernel xen at \[0x40200000, 0x40201000\)/);
    expect(d?.message).toMatch(/QEMU starts the -kernel where it loaded it/);
  });

  it("never tells the user to move QEMU's own initrd or FDT: RISC-V -kernel BSS into the initrd", () => {
    const l: Layout = {
      machine: { arch: "riscv64", type: "virt", props: [], ram: 128n * MiB, bios: { kind: "none" } },
      qemu: "7.2",
      kernel: sized("Image", 0x100000n),
      initrd: sized("rootfs", 0x1000n),
      modules: [],
      loaders: [],
      extraArgs: [],
    };
    // A RISC-V Image whose image_size (65 MiB) passes QEMU's initrd at +64 MiB.
    const head = new Uint8Array(64);
    new DataView(head.buffer).setBigUint64(16, 65n * MiB, true);
    head.set([0x52, 0x49, 0x53, 0x43, 0x56, 0x00, 0x00, 0x00], 48);
    head.set([0x52, 0x53, 0x43, 0x05], 56);
    const d = check({ ...l, kernel: { path: "Image", size: 0x100000n, head } }).diagnostics.find(
      (x) => x.code === "bss-overlap",
    );
    expect(d?.regions).toEqual(["initrd", "kernel"]);
    expect(d?.message).not.toMatch(/Move (the )?(DTB|fdt|rootfs|initrd)/i);
    expect(d?.message).toMatch(/cannot be moved: give the machine more memory with -m/);
  });
});

describe("check: RISC-V", () => {
  it("a module on OpenSBI is an overlap QEMU refuses", () => {
    const l: Layout = {
      machine: { arch: "riscv64", type: "virt", props: [], ram: 1024n * MiB, bios: { kind: "default" } },
      qemu: "7.2",
      modules: [{ id: "a", addr: 0x80010000n, kernel: blob("k", rawBlob(0x1000)) }],
      loaders: [],
      extraArgs: [],
    };
    const d = check(l, { firmwareSize: 0x1c280n }).diagnostics.find((x) => x.code === "overlap");
    expect(d?.message).toMatch(/refuses to start/);
    expect(d?.start).toBe(0x80010000n);
    expect(d?.end).toBe(0x80011000n);
  });

  it("a missing default firmware is an error", () => {
    const l: Layout = {
      machine: { arch: "riscv32", type: "virt", props: [], ram: 256n * MiB, bios: { kind: "default" } },
      modules: [],
      loaders: [],
      extraArgs: [],
    };
    expect(check(l, { firmwareSize: null }).diagnostics.map((d) => d.code)).toContain("firmware-missing");
  });
});

/** Brute force: every pair with a shared byte. */
function pairwise(ivs: { start: bigint; end: bigint; item: number }[]) {
  const out: string[] = [];
  for (let i = 0; i < ivs.length; i++)
    for (let j = i + 1; j < ivs.length; j++) {
      const a = ivs[i]!;
      const b = ivs[j]!;
      const s = a.start > b.start ? a.start : b.start;
      const e = a.end < b.end ? a.end : b.end;
      if (s < e) out.push(`${Math.min(a.item, b.item)}-${Math.max(a.item, b.item)}:${s}-${e}`);
    }
  return out.sort();
}

describe("intervals (property)", () => {
  const iv = fc.record({ start: fc.bigInt({ min: 0n, max: 200n }), len: fc.bigInt({ min: 0n, max: 60n }) });
  it("sweep finds exactly the pairs brute force finds", () => {
    fc.assert(
      fc.property(fc.array(iv, { maxLength: 40 }), (xs) => {
        const ivs = xs.map((x, i) => ({ start: x.start, end: x.start + x.len, item: i }));
        const got = intersections(ivs)
          .map((h) => `${Math.min(h.a.item, h.b.item)}-${Math.max(h.a.item, h.b.item)}:${h.start}-${h.end}`)
          .sort();
        expect(got).toEqual(pairwise(ivs));
      }),
    );
  });
  it("intersectionsBy gives intersections' pairs in its order, on sorted and unsorted input", () => {
    const asPairs = (hs: Intersection<number>[]) => hs.map((h) => [h.a.item, h.b.item, h.start, h.end]);
    fc.assert(
      fc.property(fc.array(iv, { maxLength: 40 }), fc.boolean(), (xs, sort) => {
        const items = xs.map((x, i) => ({ start: x.start, end: x.start + x.len, i }));
        // Sorted (ties in input order), as placement's regions come; or as given.
        if (sort) items.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
        const by = intersectionsBy(
          items,
          (x) => x.start,
          (x) => x.end,
        ).map((h) => ({ ...h, a: { ...h.a, item: h.a.item.i }, b: { ...h.b, item: h.b.item.i } }));
        const plain = intersections(items.map((x) => ({ start: x.start, end: x.end, item: x.i })));
        expect(asPairs(by)).toEqual(asPairs(plain));
      }),
      { numRuns: 500 },
    );
  });

  it("next free slot is aligned, inside RAM, clear of every footprint, and lowest", () => {
    const region = (addr: bigint, size: bigint, i: number): Region => ({
      id: `r${i}`,
      name: `r${i}`,
      role: "module-initrd",
      addr,
      size,
      footprint: size,
      space: "system",
      mem: "ram",
    });
    fc.assert(
      fc.property(
        fc.array(iv, { maxLength: 12 }),
        fc.bigInt({ min: 1n, max: 40n }),
        fc.constantFrom(1n, 4n, 16n),
        (xs, size, align) => {
          const regions = xs.map((x, i) => region(x.start, x.len, i));
          const ram = [{ start: 0n, end: 256n }];
          const slot = findSlot(sortTaken(regions.flatMap(takenBy)), ram, {
            need: size,
            align,
            offset: 0n,
            from: 0n,
          });
          const free = (a: bigint) =>
            a + size <= 256n &&
            regions.every((r) => r.footprint === 0n || a + size <= r.addr || a >= r.addr + r.footprint);
          if (slot === undefined) {
            for (let a = 0n; a + size <= 256n; a += align) expect(free(a)).toBe(false);
          } else {
            expect(slot % align).toBe(0n);
            expect(free(slot)).toBe(true);
            for (let a = 0n; a < slot; a += align) expect(free(a)).toBe(false);
          }
        },
      ),
    );
  });
});

describe("placements: facts measured on QEMU 7.2 (docs/qemu-model.md)", () => {
  const arm = (ram: bigint, cpu: string | undefined, kernel: LayoutBlob, initrd?: LayoutBlob): Layout => ({
    machine: {
      arch: "aarch64",
      type: "virt",
      props: [],
      ram,
      ...(cpu && { cpu }),
      bios: { kind: "default" },
    },
    qemu: "7.2",
    kernel,
    ...(initrd && { initrd }),
    modules: [],
    loaders: [],
    extraArgs: [],
  });
  const at = (l: Layout, id: string) => placements(l).regions.find((r) => r.id === id)?.addr;
  it.each<[string, Layout, string, bigint]>([
    ["2G raw, no initrd: DTB", arm(2048n * MiB, "cortex-a57", sized("k", 1000n)), "dtb", 0x48000000n],
    [
      "2G initrd 0x493e0: initrd",
      arm(2048n * MiB, "cortex-a57", sized("k", 1000n), sized("r", 0x493e0n)),
      "initrd",
      0x48000000n,
    ],
    [
      "2G initrd 0x493e0: DTB",
      arm(2048n * MiB, "cortex-a57", sized("k", 1000n), sized("r", 0x493e0n)),
      "dtb",
      0x48200000n,
    ],
    [
      "128M with initrd: initrd",
      arm(128n * MiB, "cortex-a57", sized("k", 1000n), sized("r", 0x1000n)),
      "initrd",
      0x44000000n,
    ],
    ["200M no initrd: DTB", arm(200n * MiB, "cortex-a57", sized("k", 1000n)), "dtb", 0x46400000n],
    [
      "2G image_size 0x9000000 with initrd: DTB",
      arm(2048n * MiB, "cortex-a57", blob("Image", arm64Image(4096, 0n, 0x9000000n)), sized("r", 0x1000n)),
      "dtb",
      0x49400000n,
    ],
    [
      "default cpu is 32-bit: raw kernel at +0x10000",
      arm(2048n * MiB, undefined, sized("k", 1000n)),
      "kernel",
      0x40010000n,
    ],
  ])("%s", (_l, layout, id, addr) => {
    expect(at(layout, id)).toBe(addr);
  });
});

describe("check: an address past 2^64 gets one clear error", () => {
  it("address-overflow alone, with a range that ends at 2^64", () => {
    const l: Layout = {
      machine: {
        arch: "aarch64",
        type: "virt",
        props: [],
        ram: 2048n * MiB,
        cpu: "max",
        bios: { kind: "default" },
      },
      modules: [{ id: "k", addr: (1n << 64n) - 1n, kernel: sized("Image", 0x1000n) }],
      loaders: [],
      extraArgs: [],
    };
    const ds = check(l).diagnostics.filter((d) => d.severity !== "info");
    expect(ds.map((d) => d.code)).toEqual(["address-overflow"]);
    expect(ds[0]!.end).toBe(1n << 64n);
  });
});

describe("check: placeholders of QEMU's own blobs", () => {
  it("a -kernel, -initrd and loader without a size each say so, and what is provisional", () => {
    const l: Layout = {
      ...seedLayout(MiB),
      kernel: { path: "xen" },
      initrd: { path: "rootfs.img" },
      loaders: [{ id: "l1", addr: 0x60000000n, file: { path: "blob.bin" } }],
    };
    const ds = check(l).diagnostics.filter((d) => d.code === "size-unknown");
    expect(ds.map((d) => d.regions[0])).toEqual(["kernel", "initrd", "l1"]);
    expect(ds[0]!.message).toMatch(/-kernel xen: its size is not known yet.*provisional/);
  });
});
