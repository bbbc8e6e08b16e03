import { describe, expect, it } from "vitest";
import { check, emptyLayout, GiB, type Layout, type LayoutBlob } from "../src/index.js";
import { arm64Image, cpioBlob, elfKernel, rawBlob } from "./fixtures/kernels.js";

const blob = (path: string, bytes: Uint8Array, sha256?: string): LayoutBlob => ({
  path,
  size: BigInt(bytes.length),
  head: bytes.subarray(0, 4096),
  ...(sha256 && { sha256 }),
});
const base = (over: Partial<Layout> = {}): Layout => ({
  ...emptyLayout("aarch64"),
  machine: { ...emptyLayout("aarch64").machine, ram: 2n * GiB, cpu: "cortex-a57" },
  kernel: blob("xen", arm64Image(0x100000, 0n, 0x200000n)),
  ...over,
});
const codes = (l: Layout) => check(l).diagnostics.map((d) => `${d.severity}:${d.code}`);

describe("file-name-encoding", () => {
  it("warns on a name holding U+FFFD (bytes that were not UTF-8), wherever the file is named", () => {
    // What Chromium's File.name and Node's argv give for a file called `rootfs<0xff>.cpio`.
    const l = base({
      kernel: blob("xen\uFFFD", arm64Image(0x100000, 0n, 0x200000n)),
      modules: [
        { id: "m1", addr: 0x48000000n, initrd: blob("rootfs\uFFFD.cpio", cpioBlob(0x1000)) },
        { id: "m2", addr: 0x49000000n, initrd: blob("ok.cpio", cpioBlob(0x1000)) },
      ],
    });
    const d = check(l).diagnostics.filter((x) => x.code === "file-name-encoding");
    expect(d.map((x) => [x.severity, x.regions])).toEqual([
      ["warning", []],
      ["warning", ["m1"]],
    ]);
    expect(d[1]!.message).toBe(
      "guest-loader #1 initrd= rootfs\uFFFD.cpio (m1): the file's name has bytes that are not UTF-8, shown as U+FFFD; the command line and script name it with U+FFFD, so QEMU looks for a file that does not exist. Rename the file to a UTF-8 name and drop or choose it again.",
    );
    expect(codes(base())).not.toContain("warning:file-name-encoding");
  });
  it("finds it in every file option: -bios, -dtb, -device loader, a dom0less domain's files", () => {
    const bad = "x\uFFFD.bin";
    const dm = (id: string, path: string) => ({ id, addr: 0x60000000n, file: { path, size: 0x1000n } });
    const cases: [Partial<Layout>, string[]][] = [
      [{ machine: { ...base().machine, bios: { kind: "file", file: { path: bad, size: 0x1000n } } } }, []],
      [{ dtb: { path: bad, size: 0x1000n } }, []],
      [{ loaders: [{ id: "l1", addr: 0x50000000n, file: { path: bad, size: 0x1000n } }] }, ["l1"]],
      [
        {
          domains: [
            {
              name: "d1",
              memory: 64n << 20n,
              cpus: 1,
              vpl011: false,
              kernel: dm("d1.k", "k"),
              dtb: dm("d1.d", bad),
            },
          ],
        },
        ["d1.d"],
      ],
      [
        {
          domains: [
            {
              name: "d1",
              memory: 64n << 20n,
              cpus: 1,
              vpl011: false,
              kernel: dm("d1.k", "k"),
              ramdisk: dm("d1.r", bad),
            },
          ],
        },
        ["d1.r"],
      ],
    ];
    for (const [over, regions] of cases) {
      const d = check(base(over)).diagnostics.filter((x) => x.code === "file-name-encoding");
      expect(d.map((x) => x.regions)).toEqual([regions]);
    }
  });
});

describe("same-name-files", () => {
  const a = "a".repeat(64);
  const b = "b".repeat(64);
  it("warns when two blobs name one path but are different files (by digest, or by size)", () => {
    const cpio = cpioBlob(0x1000);
    const l = base({
      modules: [
        { id: "m1", addr: 0x48000000n, initrd: blob("rootfs.cpio", cpio, a) },
        { id: "m2", addr: 0x49000000n, initrd: blob("rootfs.cpio", cpio, b) },
      ],
    });
    const d = check(l).diagnostics.find((x) => x.code === "same-name-files");
    expect(d?.severity).toBe("warning");
    expect(d?.regions).toEqual(["m1", "m2"]);
    expect(d?.message).toContain("rootfs.cpio");
    const sizes = base({
      modules: [
        { id: "m1", addr: 0x48000000n, initrd: blob("r", cpioBlob(0x1000)) },
        { id: "m2", addr: 0x49000000n, initrd: blob("r", cpioBlob(0x2000)) },
      ],
    });
    expect(codes(sizes)).toContain("warning:same-name-files");
  });
  it("names the first stanza and the first that differs, and lists every stanza naming the path", () => {
    const cpio = cpioBlob(0x1000);
    const l = base({
      modules: [
        { id: "m1", addr: 0x48000000n, initrd: blob("r", cpio) },
        { id: "m2", addr: 0x49000000n, initrd: blob("r", cpio) },
        { id: "m3", addr: 0x4a000000n, initrd: blob("r", cpioBlob(0x2000)) },
        { id: "m4", addr: 0x4b000000n, initrd: blob("q", cpio) },
        { id: "m5", addr: 0x4c000000n, initrd: blob("r", cpioBlob(0x3000)) },
      ],
      initrd: blob("r", cpio),
    });
    const d = check(l).diagnostics.filter((x) => x.code === "same-name-files");
    expect(d.map((x) => x.regions)).toEqual([["m1", "m2", "m3", "m5", "initrd"]]);
    expect(d[0]!.message).toMatch(/^guest-loader initrd m1 and guest-loader initrd m3 both name r, but/);
  });
  it("is quiet for one file loaded twice, or when nothing tells them apart", () => {
    const cpio = cpioBlob(0x1000);
    const l = base({
      modules: [
        { id: "m1", addr: 0x48000000n, initrd: blob("r", cpio, a) },
        { id: "m2", addr: 0x49000000n, initrd: blob("r", cpio, a) },
        { id: "m3", addr: 0x4a000000n, initrd: { path: "p" } },
        { id: "m4", addr: 0x4b000000n, initrd: { path: "p" } },
      ],
    });
    expect(codes(l)).not.toContain("warning:same-name-files");
  });
});

describe("file-format", () => {
  it("names an ELF module's machine and says guest-loader loads it raw", () => {
    const elf = elfKernel(183, 64, [{ paddr: 0x40200000n, filesz: 0x100, memsz: 0x100 }]);
    const l = base({ modules: [{ id: "m1", addr: 0x48000000n, kernel: blob("xen-syms", elf) }] });
    const d = check(l).diagnostics.find((x) => x.code === "file-format");
    expect(d?.message).toContain("ELF64 file for AArch64");
    expect(d?.message).toContain("raw bytes");
    expect(d?.message).not.toContain("machine 183");
  });
  it("warns when a PNG is an initrd; a cpio or raw data is not flagged", () => {
    const png = new Uint8Array(64);
    png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const l = base({
      modules: [
        { id: "m1", addr: 0x48000000n, initrd: blob("photo.png", png) },
        { id: "m2", addr: 0x49000000n, initrd: blob("rootfs.cpio", cpioBlob(0x1000)) },
        { id: "m3", addr: 0x4a000000n, initrd: blob("disk.img", rawBlob(0x1000)) },
      ],
    });
    const ds = check(l).diagnostics.filter((x) => x.code === "file-format");
    expect(ds.map((d) => [d.severity, d.regions[0]])).toEqual([["warning", "m1"]]);
    expect(ds[0]!.message).toContain("a PNG image");
  });
});

describe("cpu-mismatch", () => {
  it("warns when a 64-bit arm64 Image meets a 32-bit cpu (default cortex-a15, or qemu-system-arm)", () => {
    const noCpu = base();
    expect(codes({ ...noCpu, machine: { ...noCpu.machine, cpu: undefined } })).toContain(
      "warning:cpu-mismatch",
    );
    expect(codes({ ...noCpu, machine: { ...noCpu.machine, arch: "arm" } })).toContain("warning:cpu-mismatch");
    expect(codes(noCpu)).not.toContain("warning:cpu-mismatch");
  });
});

describe("machine-prop", () => {
  it("virtualization=on is an ARM property: an error on riscv64, fine on aarch64; bogus is an error anywhere", () => {
    const rv: Layout = {
      ...emptyLayout("riscv64"),
      machine: { ...emptyLayout("riscv64").machine, props: [["virtualization", "on"]] },
    };
    expect(codes(rv)).toContain("error:machine-prop");
    const arm = base({ machine: { ...base().machine, props: [["virtualization", "on"]] } });
    expect(codes(arm)).not.toContain("error:machine-prop");
    const bogus = base({ machine: { ...base().machine, props: [["bogus", "1"]] } });
    expect(codes(bogus)).toContain("error:machine-prop");
  });
});

describe("machine-type-unknown", () => {
  const typed = (type: string, qemu: "7.2" | "9.0" | "10.0.2") =>
    check({ ...base(), machine: { ...base().machine, type }, qemu }).diagnostics.filter(
      (d) => d.code === "machine-type-unknown",
    );
  it("refuses a versioned virt type newer than the QEMU modelled, with that QEMU's words", () => {
    // Measured: QEMU 7.2.22 exits 1 with "unsupported machine type" for virt-9.0 and virt-7.3.
    expect(typed("virt-9.0", "7.2")[0]!.message).toContain('("unsupported machine type")');
    expect(typed("virt-7.3", "7.2")).toHaveLength(1);
    // 10.0.2: `unsupported machine type: "virt-10.1"` (the type is named from 9.1).
    expect(typed("virt-10.1", "10.0.2")[0]!.message).toContain('("unsupported machine type: "virt-10.1"")');
    expect(typed("virt-11.0", "10.0.2")[0]!.qemu).toBe("refuses");
  });
  it("accepts the QEMU's own and older types, and plain virt", () => {
    expect(typed("virt-7.2", "7.2")).toEqual([]);
    expect(typed("virt-2.6", "10.0.2")).toEqual([]);
    expect(typed("virt-9.0", "9.0")).toEqual([]);
    expect(typed("virt", "7.2")).toEqual([]);
  });
});
