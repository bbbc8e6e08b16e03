import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  addChunkDiff,
  blobReads,
  check,
  compareWithQemu,
  decodeFdt,
  FIXED_DTB_NAME,
  findNode,
  fixedDtbRun,
  GiB,
  type Layout,
  NO_DIFF,
  planVerification,
  profileFor,
  type QemuObservation,
  verifyReportFromJson,
  verifyReportToJson,
} from "../../src/index.js";
import { xenMachine } from "../fixtures/layouts.js";

const blob = (path: string, size: bigint) => ({ path, size });

const xen: Layout = {
  machine: xenMachine(2n * GiB),
  kernel: blob("xen", 0x118a08n),
  append: "dom0_mem=1G",
  modules: [
    { id: "m1", addr: 0x42000000n, kernel: blob("Image", 0x100000n), bootargs: "root=/dev/sda2 ro" },
    { id: "m2", addr: 0x47000000n, initrd: blob("rootfs.cpio", 24n << 20n) },
  ],
  loaders: [],
  extraArgs: [
    ["-serial", "mon:stdio"],
    ["-drive", "file=/etc/shadow"],
  ],
};

describe("addChunkDiff", () => {
  it("counts differing bytes and keeps first/last offsets across chunks", () => {
    let d = addChunkDiff(NO_DIFF, Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3));
    expect(d).toEqual({ compared: 3n, differing: 0n });
    d = addChunkDiff(d, Uint8Array.of(0, 0, 0, 0), Uint8Array.of(0, 9, 0, 9));
    d = addChunkDiff(d, Uint8Array.of(5), Uint8Array.of(5));
    expect(d).toEqual({ compared: 8n, differing: 2n, firstDiff: 4n, lastDiff: 6n });
  });
  it("refuses chunks of different lengths", () => {
    expect(() => addChunkDiff(NO_DIFF, new Uint8Array(2), new Uint8Array(3))).toThrow(RangeError);
  });
});

describe("planVerification", () => {
  it("renames files, drops extra options, turns ARM DTB randomness off", () => {
    const p = planVerification(xen, { program: "qemu-system-aarch64" });
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    expect(p.files.map((f) => [f.name, f.path])).toEqual([
      ["f1", "xen"],
      ["f2", "Image"],
      ["f3", "rootfs.cpio"],
    ]);
    expect(p.dropped).toEqual(xen.extraArgs);
    expect(p.added).toEqual(["-M dtb-randomness=off (the same DTB bytes on every run)"]);
    expect(p.args).toEqual([
      "-M",
      "virt,virtualization=on,dtb-randomness=off",
      "-m",
      "2G",
      "-cpu",
      "cortex-a57",
      "-kernel",
      "f1",
      "-append",
      "dom0_mem=1G",
      "-device",
      "guest-loader,addr=0x42000000,kernel=f2,bootargs=root=/dev/sda2 ro",
      "-device",
      "guest-loader,addr=0x47000000,initrd=f3",
    ]);
  });

  it("one file used twice is one plan file", () => {
    const l = {
      ...xen,
      modules: [...xen.modules, { id: "m3", addr: 0x50000000n, kernel: blob("Image", 0x100000n) }],
    };
    const p = planVerification(l);
    expect(p.ok && p.files.length).toBe(3);
  });

  it.each([
    ["dumpdtb", "/tmp/x", "verify-machine-prop"],
    ["memory-backend", "m", "verify-machine-prop"],
    ["kernel", "/etc/passwd", "verify-machine-prop"],
    ["gic-version", "3,dumpdtb=/tmp/x", "verify-bad-value"],
  ])("refuses -M %s=%s (%s)", (k, v, code) => {
    const p = planVerification({ ...xen, machine: { ...xen.machine, props: [[k, v]] } });
    expect(p.ok).toBe(false);
    expect(!p.ok && p.issues.map((i) => [i.code, i.where])).toEqual([[code, `machine.props.${k}`]]);
  });

  it("refuses a placeholder, a cpu value with a path, a machine without an FDT", () => {
    const p = planVerification({
      ...xen,
      machine: { ...xen.machine, type: "q35", cpu: "max -drive file=/x" },
      modules: [{ id: "m1", addr: 0x42000000n, kernel: { path: "Image" } }],
    });
    expect(!p.ok && p.issues.map((i) => i.code)).toEqual([
      "verify-machine-type",
      "verify-bad-value",
      "verify-no-file",
    ]);
    expect(!p.ok && p.issues[2]!.message).toMatch(/Image is a placeholder.*add the file/);
  });
});

describe("compareWithQemu", () => {
  const plan = planVerification(xen);
  if (!plan.ok) throw new Error("plan");
  const predicted = check(plan.layout, { qemu: "7.2" });
  const roms = predicted.placement.regions.map((r) => ({ name: r.name, addr: r.addr, size: r.size }));
  const names = Object.fromEntries(plan.files.map((f) => [f.name, f.path]));
  const intact = blobReads(predicted).map((b) => ({
    id: b.id,
    read: true,
    diff: { compared: b.size, differing: 0n },
  }));
  const obs: QemuObservation = { version: "7.2.22", roms, blobs: intact };

  it("reads back each guest-loader blob in RAM", () => {
    expect(blobReads(predicted).map((b) => [b.id, b.file, b.inRam])).toEqual([
      ["m1", "f2", true],
      ["m2", "f3", true],
    ]);
  });

  it("agrees when QEMU's roms are the prediction; display names replace plan names", () => {
    const r = compareWithQemu(plan.layout, predicted, obs, names);
    expect(r.agrees).toBe(true);
    expect(r.regions.map((x) => x.name)).toEqual(["bootloader", "xen", "Image", "rootfs.cpio", "dtb"]);
    expect(r.blobs.map((b) => b.summary)).toEqual(["bytes intact", "bytes intact"]);
  });

  it("in address order: a region QEMU put elsewhere, one it did not load and one it added are each a difference", () => {
    const moved = roms
      .map((x) => (x.name === "dtb" ? { ...x, addr: 0x48200000n } : x))
      .filter((x) => x.name !== "f2");
    const r = compareWithQemu(
      plan.layout,
      predicted,
      { ...obs, roms: [...moved, { name: "extra", addr: 0x1000n, size: 4n }] },
      names,
    );
    expect(r.agrees).toBe(false);
    expect(r.differences).toEqual([
      "extra: QEMU loaded it at [0x1000, 0x1004), guestmap did not predict it",
      "Image: predicted at [0x42000000, 0x42100000), QEMU did not load it",
      "dtb: predicted at [0x48000000, 0x48100000), QEMU put it at [0x48200000, 0x48300000)",
    ]);
  });

  it("an overwrite guestmap predicted agrees and names the writer; an unpredicted one differs", () => {
    const over = {
      id: "m2",
      read: true,
      diff: { compared: 24n << 20n, differing: 185283n, firstDiff: 0x1000000n, lastDiff: 0x10fffffn },
    };
    const r = compareWithQemu(plan.layout, predicted, { ...obs, blobs: [intact[0]!, over] }, names);
    expect(r.blobs[1]).toMatchObject({
      intact: false,
      predicted: true,
      overwritten: 185283n,
      summary: "185,283 bytes overwritten by QEMU's DTB (first at offset 0x1000000, 0x48000000)",
    });
    expect(r.agrees).toBe(true);
    const hit = {
      id: "m1",
      read: true,
      diff: { compared: 0x100000n, differing: 3n, firstDiff: 0x10n, lastDiff: 0x12n },
    };
    const r2 = compareWithQemu(plan.layout, predicted, { ...obs, blobs: [hit, intact[1]!] }, names);
    expect(r2.agrees).toBe(false);
    expect(r2.differences).toEqual([
      "Image: 3 bytes overwritten (first at offset 0x10, 0x42000010); guestmap predicted its bytes intact",
    ]);
  });

  it("QEMU refusing a layout guestmap expected to start is a difference quoting QEMU", () => {
    const r = compareWithQemu(plan.layout, predicted, {
      version: "7.2.22",
      refused: { status: 1, message: "boom" },
      roms: [],
      blobs: [],
    });
    expect(r.refusal).toMatchObject({ qemu: true, predicted: false, equal: false });
    expect(r.differences).toEqual(["QEMU refused to start (boom), guestmap predicted it would start"]);
  });

  it("round-trips through JSON with addresses as 0x strings", () => {
    const r = compareWithQemu(plan.layout, predicted, obs, names);
    const json = JSON.parse(JSON.stringify(verifyReportToJson(r)));
    expect(json.regions[0].predicted.addr).toBe("0x40000000");
    expect(verifyReportFromJson(json)).toEqual(r);
    expect(() => verifyReportFromJson({ format: "x" })).toThrow(/not a guestmap-verify document/);
  });
});

describe("blobReads of -device loader blobs", () => {
  const elf = new Uint8Array(64);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  const base: Layout = { ...xen, modules: [], extraArgs: [] };
  it("reads a raw loader back, and not an ELF's segments or Intel HEX records", () => {
    const layout: Layout = {
      ...base,
      loaders: [
        { id: "l1", addr: 0x50000000n, file: { path: "raw.bin", size: 0x1000n, head: new Uint8Array(16) } },
        {
          id: "l2",
          addr: 0x51000000n,
          file: { path: "fw.hex", size: 0x40n, head: new TextEncoder().encode(":10000000") },
        },
      ],
    };
    expect(blobReads(check(layout, { qemu: "7.2" })).map((b) => b.id)).toEqual(["l1"]);
    const withElf: Layout = {
      ...base,
      loaders: [{ id: "l1", addr: 0n, file: { path: "k.elf", size: 64n, head: elf } }],
    };
    expect(blobReads(check(withElf, { qemu: "7.2" })).filter((b) => b.file === "k.elf")).toEqual([]);
  });
});

describe("verifying dom0less domains (the fixed-DTB form)", () => {
  // The README's dom0less example: dom0 plus domU1 with its own kernel (the same file) and ramdisk.
  const dom0less: Layout = {
    ...xen,
    domains: [
      {
        name: "domU1",
        memory: 128n << 20n,
        cpus: 1,
        vpl011: true,
        bootargs: "console=ttyAMA0",
        kernel: { id: "domU1.kernel", addr: 0x4a000000n, file: blob("Image", 0x100000n) },
        ramdisk: { id: "domU1.ramdisk", addr: 0x4e000000n, file: blob("domu,evil -x.cpio", 0x80000n) },
      },
    ],
  };

  it("renames the domains' files too, and boots -dtb with every blob a force-raw loader", () => {
    const p = planVerification(dom0less, { program: "qemu-system-aarch64" });
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    expect(p.files.map((f) => [f.name, f.path])).toEqual([
      ["f1", "xen"],
      ["f2", "Image"],
      ["f3", "rootfs.cpio"],
      ["f4", "domu,evil -x.cpio"],
    ]);
    expect(p.layout.domains?.[0]?.ramdisk?.file.path).toBe("f4");
    expect(p.fixedDtb?.dtb).toBe(FIXED_DTB_NAME);
    expect(p.added[1]).toMatch(/^-dtb guestmap\.dtb .*fixed-DTB form/);
    expect(p.args).toEqual([
      ...["-M", "virt,virtualization=on,dtb-randomness=off", "-m", "2G", "-cpu", "cortex-a57"],
      ...["-kernel", "f1", "-append", "dom0_mem=1G", "-dtb", FIXED_DTB_NAME],
      ...["-device", "loader,file=f2,addr=0x42000000,force-raw=on"],
      ...["-device", "loader,file=f3,addr=0x47000000,force-raw=on"],
      ...["-device", "loader,file=f2,addr=0x4a000000,force-raw=on"],
      ...["-device", "loader,file=f4,addr=0x4e000000,force-raw=on"],
    ]);
    // QEMU's own DTB of the same machine: no blobs, no -append or -initrd, nothing from the user.
    expect(p.fixedDtb?.baseArgs).toEqual([
      ...["-M", "virt,virtualization=on,dtb-randomness=off", "-m", "2G", "-cpu", "cortex-a57"],
      ...["-kernel", "f1"],
    ]);
  });

  it("merges /chosen and the domains into QEMU's dumped DTB and predicts the run from it", () => {
    const p = planVerification(dom0less);
    if (!p.ok) throw new Error(JSON.stringify(p.issues));
    // -machine dumpdtb= of QEMU 7.2's virt (fixtures/qemu-dtbs/README.md).
    const base = new Uint8Array(
      readFileSync(new URL("../fixtures/qemu-dtbs/aarch64-virt-xen-7.2.dtb", import.meta.url)),
    );
    const run = fixedDtbRun(p.layout, base, profileFor("7.2"));
    const fdt = decodeFdt(run.dtb);
    // Still QEMU's machine, with the layout's /chosen and domains.
    expect(findNode(fdt, "/pl011@9000000")).toBeDefined();
    expect(findNode(fdt, "/chosen/domU1/module@4e000000")).toBeDefined();
    expect(findNode(fdt, "/chosen/module@0x42000000")).toBeDefined();
    const predicted = check(run.layout, { qemu: "7.2" });
    const roles = predicted.placement.regions.map((r) => [r.name, r.role, r.domain]);
    expect(roles).toEqual([
      ["bootloader", "bootloader", undefined],
      ["f1", "kernel", undefined],
      ["f2", "loader", undefined],
      ["f3", "loader", undefined],
      ["dtb", "dtb", undefined],
      ["f2", "module-kernel", "domU1"],
      ["f4", "module-initrd", "domU1"],
    ]);
    // The dtb's size in RAM is QEMU's for a -dtb file: (size + 10000) × 2.
    expect(predicted.placement.regions.find((r) => r.role === "dtb")!.size).toBe(
      (BigInt(run.dtb.length) + 10000n) * 2n,
    );
    // Every blob's bytes are read back, the domains' too.
    expect(blobReads(predicted).map((r) => r.id)).toEqual(["m1", "m2", "domU1.kernel", "domU1.ramdisk"]);
  });
});
