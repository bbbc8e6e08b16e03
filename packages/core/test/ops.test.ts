/**
 * The operations layer (src/ops): quick fixes, fix all, pack, the arch switch, the file-slot
 * walk, `-M` text, the image plan and the DTB merge policy. Expected addresses are worked out
 * from QEMU's placements measured in the conformance suites (aarch64 virt 2 GiB: boot stub at
 * 0x40000000, a raw -kernel at 0x40080000, the DTB at 0x48000000), not from the code under test.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addFiles,
  alignmentRule,
  cellsValue,
  changeArch,
  check,
  decodeFdt,
  encodeFdt,
  findNode,
  fixAll,
  formatMachineOption,
  formatMachineProps,
  type Layout,
  type LayoutBlob,
  layoutFiles,
  mergeIntoBase,
  moduleFile,
  PROFILES,
  pack,
  parseMachineOption,
  placements,
  planMemoryImage,
  setProp,
  snapToAlignment,
  sniffHeader,
  standaloneDtb,
  stringValue,
  withLayoutFiles,
} from "../src/index.js";
import { arm64Image, cpioBlob, elfKernel, rawBlob } from "./fixtures/kernels.js";
import { arbLayoutSpec, buildLayout, xenMachine } from "./fixtures/layouts.js";

const MiB = 1n << 20n;
const blob = (path: string, bytes: Uint8Array, size = BigInt(bytes.length)): LayoutBlob => ({
  path,
  size,
  head: bytes.subarray(0, 4096),
});

/** The seed's Xen example: Image (40 MiB once running) at 0x42000000, a 24 MiB rootfs at 0x47000000. */
function xen(rootfs = 24n * MiB): Layout {
  return {
    machine: xenMachine(2048n * MiB),
    qemu: "7.2",
    kernel: { path: "xen", size: 1n * MiB },
    modules: [
      { id: "m1", addr: 0x42000000n, kernel: blob("Image", arm64Image(4096, 0n, 40n * MiB), 30n * MiB) },
      { id: "m2", addr: 0x47000000n, initrd: blob("rootfs.cpio", cpioBlob(64), rootfs) },
    ],
    loaders: [],
    extraArgs: [],
  };
}

/** Diagnostics naming a user blob, apart from Xen's module count. */
function userProblems(l: Layout) {
  const ids = new Set([...l.modules.map((m) => m.id), ...l.loaders.map((x) => x.id)]);
  return check(l).diagnostics.filter(
    (d) => d.severity !== "info" && d.code !== "too-many-modules" && d.regions.some((r) => ids.has(r)),
  );
}

/** Independently of the ops: a module is aligned as its boot protocol says. */
function aligned(l: Layout): boolean {
  for (const m of l.modules) {
    const f = moduleFile(m)!;
    const kind = m.kernel ? "kernel" : "initrd";
    const rule = alignmentRule(l.machine.arch, kind, kind === "kernel" ? sniffHeader(f.head) : undefined);
    if (m.addr % rule.align !== rule.offset) return false;
  }
  return l.loaders.every((x) => x.addr % 4096n === 0n);
}

describe("quick fixes", () => {
  it("the DTB overlap's fix names the file and moves it past QEMU's DTB (0x48000000 + 1 MiB)", () => {
    const d = check(xen()).diagnostics.find((x) => x.code === "overlap")!;
    expect(d.fix).toEqual({
      region: "m2",
      addr: 0x48100000n,
      label: expect.stringMatching(/^Move rootfs\.cpio to 0x48100000 /),
    });
    expect(d.fix!.label).not.toMatch(/\bm2\b/);
  });

  it("bss-overlap: the victim moves above the kernel's image_size", () => {
    const l = xen(1n * MiB);
    // Image's file ends at 0x43e00000 but it needs 40 MiB: put the rootfs inside that BSS.
    const bad = { ...l, modules: [l.modules[0]!, { ...l.modules[1]!, addr: 0x44000000n }] };
    const d = check(bad).diagnostics.find((x) => x.code === "bss-overlap")!;
    expect(d.fix?.region).toBe("m2");
    expect(d.fix?.addr).toBe(0x42000000n + 40n * MiB);
  });

  it("misaligned: the nearest aligned free place at or above the aligned address below", () => {
    const l = xen(1n * MiB);
    const bad = { ...l, modules: [{ ...l.modules[0]!, addr: 0x42001000n }, l.modules[1]!] };
    const d = check(bad).diagnostics.find((x) => x.code === "misaligned")!;
    expect(d.fix).toMatchObject({ region: "m1", addr: 0x42000000n });
  });

  it("outside-ram after an arch switch without moving: each blob gets a place inside RAM", () => {
    const moved = changeArch(xen(1n * MiB), "riscv64", { moveBlobs: false }).layout;
    const ds = check(moved).diagnostics.filter((d) => d.code === "outside-ram");
    expect(ds).toHaveLength(2);
    for (const d of ds) expect(d.fix!.addr).toBeGreaterThanOrEqual(0x80000000n);
  });

  it("past the first exact fixes (a huge layout) each fix still lands free, aligned and in RAM", () => {
    const many: Layout = {
      ...xen(1n * MiB),
      machine: { ...xen().machine, ram: 4096n * MiB },
      modules: Array.from({ length: 300 }, (_, i) => ({
        id: `r${i}`,
        addr: 0x10000000n + BigInt(i) * 0x100000n,
        initrd: blob(`r${i}.cpio`, cpioBlob(64), 0x80000n),
      })),
    };
    const moved = changeArch(many, "riscv64", { moveBlobs: false }).layout;
    const ds = check(moved).diagnostics.filter((d) => d.code === "outside-ram");
    expect(ds).toHaveLength(300);
    // QEMU's own regions on riscv64 (OpenSBI, the -kernel, the FDT): no fix may land on them.
    const own = placements(moved).regions.filter((r) => !r.role.startsWith("module"));
    for (const d of ds) {
      const a = d.fix!.addr;
      expect(a % 4096n).toBe(0n);
      expect(a >= 0x80000000n && a + 0x80000n <= 0x80000000n + 4096n * MiB).toBe(true);
      for (const r of own)
        expect(a + 0x80000n <= r.addr || a >= r.addr + r.footprint, `${r.name}`).toBe(true);
    }
  });

  it("in-flash: a blob in virt's flash gets a place in RAM", () => {
    const l = {
      ...xen(1n * MiB),
      loaders: [{ id: "l1", addr: 0x100000n, file: blob("fw.bin", rawBlob(4096)), forceRaw: true }],
    };
    const d = check(l).diagnostics.find((x) => x.code === "in-flash")!;
    expect(d.fix).toMatchObject({ region: "l1", label: expect.stringMatching(/^Move fw\.bin to 0x/) });
    expect(d.fix!.addr).toBeGreaterThanOrEqual(0x40000000n);
    // A loader blob in flash is a note (readable there): fix all leaves it; a module is a warning.
    expect(fixAll(l).moves).toEqual([]);
    const mod = {
      ...l,
      loaders: [],
      modules: [...l.modules, { id: "m3", addr: 0x200000n, initrd: blob("x.cpio", cpioBlob(64)) }],
    };
    expect(fixAll(mod).moves.map((m) => `${m.name}: ${m.reason}`)).toEqual(["x.cpio: in flash, not RAM"]);
  });

  it("duplicate-addr and addr-zero get a move too", () => {
    const l = xen(1n * MiB);
    const dup = {
      ...l,
      modules: [...l.modules, { id: "m3", addr: 0x47000000n, initrd: blob("b.cpio", cpioBlob(64)) }],
    };
    expect(check(dup).diagnostics.find((d) => d.code === "duplicate-addr")?.fix?.region).toBe("m3");
    const zero = {
      ...l,
      modules: [...l.modules, { id: "m3", addr: 0n, initrd: blob("b.cpio", cpioBlob(64)) }],
    };
    expect(check(zero).diagnostics.find((d) => d.code === "addr-zero")?.fix?.region).toBe("m3");
  });

  it("every fixable diagnostic of random layouts carries a fix, and applying it clears that blob", () => {
    const FIXABLE = ["overlap", "bss-overlap", "misaligned", "outside-ram", "duplicate-addr", "addr-zero"];
    fc.assert(
      fc.property(arbLayoutSpec({ min: 5, max: 20 }), (spec) => {
        const l = buildLayout(spec);
        const ids = new Set([...l.modules.map((m) => m.id), ...l.loaders.map((x) => x.id)]);
        const fixable = check(l).diagnostics.filter(
          (d) => FIXABLE.includes(d.code) && d.regions.some((r) => ids.has(r)),
        );
        for (const d of fixable.slice(0, 5)) {
          expect(d.fix, d.message).toBeDefined();
          const { region, addr, label } = d.fix!;
          const name = [
            ...l.modules.map((m) => [m.id, moduleFile(m)?.path]),
            ...l.loaders.map((x) => [x.id, x.file.path]),
          ].find(([id]) => id === region)![1]!;
          expect(label).toMatch(new RegExp(`^Move ${name.replace(".", "\\.")} to 0x`));
          const moved = {
            ...l,
            modules: l.modules.map((m) => (m.id === region ? { ...m, addr } : m)),
            loaders: l.loaders.map((x) => (x.id === region ? { ...x, addr } : x)),
          };
          const after = check(moved).diagnostics.filter(
            (x) => FIXABLE.includes(x.code) && x.regions[0] === region,
          );
          expect(after.map((x) => x.message)).toEqual([]);
        }
      }),
      { numRuns: 40 },
    );
  });
});

describe("fix all", () => {
  it("one operation: the Xen example's rootfs moves past QEMU's DTB, explained", () => {
    const r = fixAll(xen());
    expect(r.moves.map((m) => m.message)).toEqual(["rootfs.cpio moved 0x47000000 → 0x48100000: QEMU's DTB"]);
    expect(r.remaining).toEqual([]);
    expect(userProblems(r.layout)).toEqual([]);
  });

  it("random layouts of 5–50 blobs: nothing fixable is left, or the op says what it could not place", () => {
    fc.assert(
      fc.property(arbLayoutSpec(), (spec) => {
        const r = fixAll(buildLayout(spec));
        const left = userProblems(r.layout).filter((d) => d.fix);
        const unfixed = new Set(r.unfixed.map((u) => u.id));
        expect(left.filter((d) => !unfixed.has(d.fix!.region))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("notes are left be: a boot module's BSS over the next module (Xen copies the kernel) is not moved", () => {
    const l = xen(1n * MiB);
    const bss = { ...l, modules: [l.modules[0]!, { ...l.modules[1]!, addr: 0x44000000n }] };
    expect(check(bss).diagnostics.find((d) => d.code === "bss-overlap")?.severity).toBe("info");
    expect(fixAll(bss).moves).toEqual([]);
  });

  it("a blob with no room anywhere is reported, not dropped", () => {
    const l = xen(1n * MiB);
    const huge = {
      ...l,
      modules: [
        ...l.modules,
        { id: "m3", addr: 0x48000000n, initrd: blob("big.cpio", cpioBlob(64), 1950n * MiB) },
      ],
    };
    const r = fixAll(huge);
    expect(r.unfixed.map((u) => u.name)).toEqual(["big.cpio"]);
    expect(r.unfixed[0]!.reason).toMatch(/give the machine more memory with -m/);
    expect(r.layout.modules).toHaveLength(3);
  });
});

describe("pack", () => {
  it("packs the Xen example low and tight, each move explained", () => {
    const r = pack(xen());
    // Raw xen at 0x40080000 (1 MiB); Image 2 MiB-aligned above it, needing 40 MiB; the rootfs after.
    expect(r.layout.modules.map((m) => m.addr)).toEqual([0x40200000n, 0x40200000n + 40n * MiB]);
    expect(r.moves.map((m) => m.message)).toEqual([
      expect.stringMatching(
        /^Image moved 0x42000000 → 0x40200000: the lowest free place at 2 MiB alignment, past QEMU's boot stub, the -kernel xen/,
      ),
      "rootfs.cpio moved 0x47000000 → 0x42a00000: QEMU's DTB",
    ]);
    expect(r.span).toEqual({ start: 0x40200000n, end: 0x42a00000n + 24n * MiB });
    expect(userProblems(r.layout)).toEqual([]);
  });

  it("by size: the largest first", () => {
    const r = pack(xen(), { order: "size" });
    expect(r.moves.map((m) => m.name)).toEqual(["Image", "rootfs.cpio"]);
    const small = pack(xen(50n * MiB), { order: "size" });
    expect(small.moves[0]!.name).toBe("rootfs.cpio");
  });

  it("locked blobs stay, the others pack around them", () => {
    const r = pack(xen(1n * MiB), { locked: ["m1"] });
    expect(r.layout.modules[0]!.addr).toBe(0x42000000n);
    expect(r.layout.modules[1]!.addr).toBe(0x40180000n); // right after the 1 MiB xen at 0x40080000
    expect(userProblems(r.layout)).toEqual([]);
  });

  it("a blob with no room after the previous one takes a gap lower down, and says so", () => {
    // 64 MiB at 0x40000000: xen at 0x40080000, QEMU's DTB at 0x42000000. 20 MiB then 25 MiB (past
    // the DTB) leave 6 MiB at the top: the 8 MiB one goes back into the gap below the DTB.
    const l: Layout = {
      ...xen(1n * MiB),
      machine: { ...xen().machine, ram: 64n * MiB },
      modules: [
        { id: "b", addr: 0x40400000n, initrd: blob("b.cpio", cpioBlob(64), 20n * MiB) },
        { id: "c", addr: 0x40600000n, initrd: blob("c.cpio", cpioBlob(64), 25n * MiB) },
        { id: "d", addr: 0x40800000n, initrd: blob("d.cpio", cpioBlob(64), 8n * MiB) },
      ],
    };
    const r = pack(l);
    expect(r.unplaced).toEqual([]);
    expect(r.layout.modules.map((m) => m.addr)).toEqual([0x40180000n, 0x42100000n, 0x40180000n + 20n * MiB]);
    expect(r.moves.find((m) => m.id === "d")!.reason).toMatch(/^out of order: no room after c\.cpio/);
    expect(userProblems(r.layout)).toEqual([]);
  });

  it("an ELF or uImage loader stays: QEMU loads it at its header's addresses, whatever addr= says", () => {
    const elf = elfKernel(183, 64, [{ paddr: 0x41000000n, filesz: 0x1000, memsz: 0x1000 }]);
    const l = { ...xen(1n * MiB), loaders: [{ id: "l1", addr: 0x50000000n, file: blob("fw.elf", elf) }] };
    const r = pack(l);
    expect(r.layout.loaders[0]!.addr).toBe(0x50000000n);
    expect(r.unplaced).toEqual([
      {
        id: "l1",
        name: "fw.elf",
        reason: expect.stringMatching(/^QEMU loads this ELF at the addresses in its own header/),
      },
    ]);
    // Its segment is a region the others pack around.
    expect(userProblems(r.layout)).toEqual([]);
    // And no quick fix offers to move it: addr= does not move an ELF.
    const stub = elfKernel(183, 64, [{ paddr: 0x40000000n, filesz: 0x1000, memsz: 0x1000 }]);
    const over = { ...l, loaders: [{ id: "l1", addr: 0x50000000n, file: blob("stub.elf", stub) }] };
    const d = check(over).diagnostics.find((x) => x.code === "overlap" && x.regions[0]!.startsWith("l1"))!;
    expect(d.regions).toEqual(["l1#0", "bootloader"]);
    expect(d.fix).toBeUndefined();
  });

  it("a user minimum alignment is kept", () => {
    const r = pack(xen(1n * MiB), { minAlign: 2n * MiB });
    for (const m of r.layout.modules) expect(m.addr % (2n * MiB)).toBe(0n);
  });

  it("below4G keeps every blob under the 4 GiB line even when RAM crosses it", () => {
    const l = { ...xen(1n * MiB), machine: { ...xen().machine, ram: 8192n * MiB } };
    const r = pack(l, { below4G: true, from: 0xff000000n });
    expect(r.unplaced.map((u) => u.name)).toEqual(["Image"]);
    expect(r.layout.modules[1]!.addr + 1n * MiB).toBeLessThanOrEqual(1n << 32n);
  });

  it("random layouts of 5–50 blobs with real headers: zero errors after packing, every blob aligned", () => {
    fc.assert(
      fc.property(arbLayoutSpec(), (spec) => {
        const l = buildLayout(spec);
        const r = pack(l);
        expect(r.unplaced).toEqual([]);
        expect(userProblems(r.layout)).toEqual([]);
        expect(check(r.layout).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(aligned(r.layout)).toBe(true);
        // Order kept: memory order of blobs that had an address is unchanged.
        const addrs = new Map([...r.layout.modules, ...r.layout.loaders].map((b) => [b.id, b.addr]));
        const before = [...l.modules, ...l.loaders]
          .filter((b) => b.addr !== 0n)
          .sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0));
        for (let i = 1; i < before.length; i++)
          expect(addrs.get(before[i - 1]!.id)! < addrs.get(before[i]!.id)!).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it("beats ImageBuilder's 2 MiB packing, which ignores QEMU's DTB and the kernel's BSS", () => {
    // uboot-script-gen: each file 2 MiB-aligned, back to back from MEMORY_START + 2 MiB, by file size.
    const l = xen();
    let at = 0x40000000n + 2n * MiB;
    const ib = {
      ...l,
      modules: l.modules.map((m) => {
        const addr = at;
        at = ((addr + moduleFile(m)!.size! + 2n * MiB - 1n) / (2n * MiB)) * (2n * MiB);
        return { ...m, addr };
      }),
    };
    // Image (30 MiB file, 40 MiB image_size) at 0x40200000 and the rootfs right after the file at
    // 0x42000000: inside Image's BSS. (ImageBuilder's xen would also sit at 0x40200000.)
    expect(check(ib).diagnostics.map((d) => d.code)).toContain("bss-overlap");
    expect(userProblems(pack(l).layout)).toEqual([]);
  });
});

describe("changeArch: move the layout with the RAM base", () => {
  it("aarch64 → riscv64: every blob keeps its offset from RAM's base, the ARM cpu and -M props go", () => {
    const r = changeArch(xen(1n * MiB), "riscv64", { qemu: "7.2" });
    expect(r.layout.machine).toMatchObject({ arch: "riscv64", props: [] });
    expect(r.layout.machine.cpu).toBeUndefined();
    expect(r.layout.modules.map((m) => m.addr)).toEqual([0x82000000n, 0x87000000n]);
    expect(r.notes).toHaveLength(2);
    expect(r.remaining).toEqual([]);
    expect(userProblems(r.layout)).toEqual([]);
  });

  it("random layouts moved between ARM and RISC-V: nothing a move cures is left", () => {
    const pairs = [
      ["aarch64", "riscv64"],
      ["riscv64", "aarch64"],
      ["arm", "riscv32"],
    ] as const;
    for (const [from, to] of pairs)
      fc.assert(
        fc.property(arbLayoutSpec({ archs: [from], min: 5, max: 30 }), (spec) => {
          // The kernel of one arch does not boot on the other: the blobs alone move.
          const { kernel: _k, initrd: _i, ...blobsOnly } = spec;
          const r = changeArch(buildLayout(blobsOnly), to);
          expect(r.layout.machine.arch).toBe(to);
          const unfixed = new Set(r.unfixed.map((u) => u.id));
          expect(userProblems(r.layout).filter((d) => d.fix && !unfixed.has(d.fix.region))).toEqual([]);
        }),
        { numRuns: 20 },
      );
  });

  it("repacks what collides on the new arch (RISC-V's OpenSBI at RAM's base)", () => {
    const l = xen(1n * MiB);
    const low = { ...l, modules: [l.modules[0]!, { ...l.modules[1]!, addr: 0x40000000n }] };
    const r = changeArch(low, "riscv64", { qemu: "7.2" });
    expect(userProblems(r.layout)).toEqual([]);
    expect(r.moves.find((m) => m.id === "m2")!.reason).toMatch(/^RAM's base moved by 0x40000000, then /);
  });
});

describe("layout files", () => {
  const l: Layout = {
    ...xen(1n * MiB),
    machine: { ...xen().machine, bios: { kind: "file", file: { path: "fw.bin" } } },
    initrd: { path: "initrd" },
    dtb: { path: "board.dtb" },
    loaders: [{ id: "l1", addr: 0x60000000n, file: { path: "blob.bin" } }],
  };

  it("lists every file option once, in command-line order", () => {
    expect(layoutFiles(l).map((s) => `${s.role} ${s.blob.path}`)).toEqual([
      "-bios fw.bin",
      "-kernel xen",
      "-initrd initrd",
      "-dtb board.dtb",
      "guest-loader #1 kernel= Image",
      "guest-loader #2 initrd= rootfs.cpio",
      "loader #1 file= blob.bin",
    ]);
  });

  it("withLayoutFiles replaces each file and nothing else", () => {
    const out = withLayoutFiles(l, (s) => ({ ...s.blob, path: `x/${s.blob.path}` }));
    expect(layoutFiles(out).map((s) => s.blob.path)).toEqual(layoutFiles(l).map((s) => `x/${s.blob.path}`));
    const same = withLayoutFiles(
      l,
      layoutFiles(l).map((s) => s.blob),
    );
    expect(same).toEqual(l);
    expect(out.modules.map((m) => m.addr)).toEqual(l.modules.map((m) => m.addr));
  });

  it("withLayoutFiles puts file i where layoutFiles lists it: both-file stanzas, loaders, domains", () => {
    const file = (path: string) => ({ id: path, addr: 0x50000000n, file: { path } });
    const many: Layout = {
      ...l,
      modules: [
        ...l.modules,
        { id: "m3", addr: 0x49000000n, kernel: { path: "k3" }, initrd: { path: "r3" } },
        { id: "m4", addr: 0x4a000000n },
      ],
      loaders: [...l.loaders, { id: "l2", addr: 0x61000000n, file: { path: "blob2.bin" } }],
      domains: [
        { name: "domU1", memory: 64n * MiB, cpus: 1, vpl011: false, kernel: file("u1k"), dtb: file("u1d") },
        {
          name: "domU2",
          memory: 64n * MiB,
          cpus: 1,
          vpl011: false,
          kernel: file("u2k"),
          ramdisk: file("u2r"),
        },
      ],
    };
    const out = withLayoutFiles(many, (f) => ({ ...f.blob, path: `${f.role}|${f.blob.path}` }));
    expect(layoutFiles(out).map((f) => f.blob.path)).toEqual(
      layoutFiles(many).map((f) => `${f.role}|${f.blob.path}`),
    );
    expect(out.modules[3]).toEqual(many.modules[3]);
  });
});

describe("snapping (drops and drags in the app)", () => {
  it("snaps to the nearest aligned address with an offset", () => {
    expect(snapToAlignment(0x42100001n, 2n * MiB)).toBe(0x42200000n);
    expect(snapToAlignment(0x420fffffn, 2n * MiB)).toBe(0x42000000n);
    expect(snapToAlignment(0x42000000n, 2n * MiB, 0x80000n)).toBe(0x42080000n);
  });
});

describe("adding files", () => {
  const l: Layout = {
    ...xen(1n * MiB),
    initrd: { path: "boot/initrd.img" },
    modules: [xen().modules[0]!, { id: "m2", addr: 0x47000000n, initrd: { path: "rootfs.cpio" } }],
  };

  it("a file named like a placeholder fills it, keeping the slot's path; the others become blobs", () => {
    const r = addFiles(
      l,
      [
        blob("initrd.img", cpioBlob(64)),
        blob("rootfs.cpio", cpioBlob(64)),
        blob("dom1", arm64Image(4096, 0n, 0n), 3n * MiB),
      ],
      {
        at: 0x500f3456n,
      },
    );
    expect(r.filled.map((f) => f.slot.role)).toEqual(["-initrd", "guest-loader #2 initrd="]);
    expect(r.layout.initrd).toMatchObject({ path: "boot/initrd.img", size: 64n });
    // An arm64 Image dropped at 0x500f3456 snaps to the nearest 2 MiB boundary.
    expect(r.added).toMatchObject([{ id: "m3", addr: 0x50000000n, kernel: { path: "dom1" } }]);
  });

  it("dropped onto a placeholder: it fills it whatever its name; several files go to free places", () => {
    expect(
      addFiles(l, [blob("other.cpio", cpioBlob(64))], { onto: "m2" }).layout.modules[1]!.initrd,
    ).toMatchObject({
      path: "rootfs.cpio",
      size: 64n,
    });
    const r = addFiles(xen(1n * MiB), [blob("a", cpioBlob(64), 1n * MiB), blob("b", cpioBlob(64), 1n * MiB)]);
    expect(r.added.map((m) => m.addr)).toEqual([0x40180000n, 0x40280000n]);
    expect(userProblems(r.layout)).toEqual([]);
  });
});

describe("-M text", () => {
  it("round-trips ,, as QEMU's QemuOpts does", () => {
    const text = "virt,virtualization=on,dumpdtb=a,,b.dtb";
    const p = parseMachineOption(text);
    expect(p).toEqual({
      type: "virt",
      props: [
        ["virtualization", "on"],
        ["dumpdtb", "a,b.dtb"],
      ],
      issues: [],
    });
    expect(formatMachineOption({ type: p.type!, props: p.props })).toBe(text);
    expect(formatMachineProps(p.props)).toBe("virtualization=on,dumpdtb=a,,b.dtb");
  });

  it("properties alone: bare flags and type= are reported, the last value of a key wins", () => {
    const p = parseMachineOption("nohighmem,gic-version=2,type=virt,gic-version=3", { withType: false });
    expect(p.props).toEqual([
      ["highmem", "off"],
      ["gic-version", "3"],
    ]);
    expect(p.issues.map((i) => i.code)).toEqual(["flag-property", "type-in-props"]);
  });
});

describe("image plan", () => {
  const src = (b: LayoutBlob) => ({ size: b.size!, read: async () => new Uint8Array() });

  it("spans the user's blobs and names QEMU's generated regions inside", () => {
    const l = xen();
    const plan = planMemoryImage(l, placements(l), src, { format: "raw" });
    expect(plan.ok && plan.range).toEqual({ start: 0x42000000n, end: 0x47000000n + 24n * MiB });
    expect(plan.ok && plan.generated.map((g) => g.name)).toEqual(["dtb"]);
    expect(plan.ok && plan.notes.map((n) => n.code)).toEqual(["generated"]);
  });

  it("warns of sparse and huge raw images, and of loaders QEMU would parse", () => {
    const l: Layout = {
      ...xen(1n * MiB),
      machine: { ...xen().machine, ram: 8192n * MiB },
      loaders: [{ id: "l1", addr: 0x150000000n, file: blob("far.bin", rawBlob(4096)) }],
    };
    const p = planMemoryImage(l, placements(l), src, { format: "raw" });
    expect(p.ok && p.notes.map((n) => n.code).sort()).toEqual(["generated", "huge", "loader-parsed"]);
    const q = planMemoryImage(l, placements(l), src, {
      format: "raw",
      range: { start: 0x40000000n, end: 0x90000000n },
    });
    expect(q.ok && q.notes.map((n) => n.code)).toContain("sparse");
  });

  it("without blobs or a range there is nothing to plan", () => {
    const l = { ...xen(), modules: [] };
    expect(planMemoryImage(l, placements(l), src, { format: "elf" })).toMatchObject({
      ok: false,
      code: "no-range",
    });
  });
});

describe("DTB merge policy", () => {
  const profile = PROFILES["7.2"];
  const l = xen(1n * MiB);
  // A base as dumped with the guest-loader devices still on the command line: it has m2's node.
  const base = (() => {
    const fdt = decodeFdt(standaloneDtb({ ...l, modules: [l.modules[1]!] }, profile));
    const chosen = findNode(fdt, "/chosen")!;
    expect(chosen.children.map((c) => c.name)).toEqual(["module@0x47000000"]);
    const marked = setProp(fdt, "/chosen", "x-base", stringValue("kept"));
    return encodeFdt(marked, { padTo: 0x100000 });
  })();

  it("replace (default): the base's module nodes give way to the layout's, padded to the base's size", () => {
    const r = mergeIntoBase(base, l, profile);
    expect(r.replaced).toEqual(["module@0x47000000"]);
    expect(r.bytes.length).toBe(0x100000);
    const chosen = findNode(decodeFdt(r.bytes), "/chosen")!;
    expect(chosen.children.map((c) => c.name).sort()).toEqual(["module@0x42000000", "module@0x47000000"]);
    expect(chosen.props.some((p) => p.name === "x-base")).toBe(true);
    const reg = chosen.children
      .find((c) => c.name === "module@0x47000000")!
      .props.find((p) => p.name === "reg")!;
    expect(reg.value).toEqual(cellsValue(2, 0x47000000n, 1n * MiB));
  });

  it("merge: the base's nodes at other addresses stay, those at the layout's are replaced", () => {
    const other = { ...l, modules: [{ ...l.modules[1]!, addr: 0x50000000n }] };
    const r = mergeIntoBase(base, other, profile, { existingModules: "merge" });
    expect(r.replaced).toEqual([]);
    const names = findNode(decodeFdt(r.bytes), "/chosen")!.children.map((c) => c.name);
    expect(names.sort()).toEqual(["module@0x47000000", "module@0x50000000"]);
    expect(mergeIntoBase(base, l, profile, { existingModules: "merge" }).replaced).toEqual([
      "module@0x47000000",
    ]);
  });

  it("refuse: libfdt's rule, module-exists; pad none: as small as it gets", () => {
    expect(() => mergeIntoBase(base, l, profile, { existingModules: "refuse" })).toThrow(
      /already has a node/,
    );
    expect(mergeIntoBase(base, l, profile, { pad: "none" }).bytes.length).toBeLessThan(0x100000);
  });
});
