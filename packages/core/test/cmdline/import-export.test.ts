import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exportArgv, exportFixedDtbArgv } from "../../src/cmdline/export.js";
import { importArgv, importShellCommand } from "../../src/cmdline/import.js";
import { ARCHES, type Layout } from "../../src/model/types.js";

const base = ["qemu-system-aarch64", "-M", "virt,virtualization=on,gic-version=3", "-m", "2G", "-cpu", "max"];

describe("importArgv", () => {
  it("reads the machine, boot options, guest-loader stanzas, loaders and keeps the rest verbatim", () => {
    const r = importArgv([
      "/usr/bin/qemu-system-riscv64",
      "-machine",
      "type=virt",
      "--m",
      "512",
      "-bios",
      "none",
      "-kernel",
      "Image",
      "-append",
      "console=ttyS0",
      "-device",
      "guest-loader,addr=0x90000000,kernel=xen,,1,bootargs=a,,b=c",
      "-device",
      "guest-loader,initrd=rd,addr=0x91000000",
      "-device",
      "loader,file=blob.bin,addr=0x92000000,force-raw=on",
      "-device",
      "loader,data=0x1234,data-len=4,addr=0x93000000",
      "-device",
      "virtio-rng-device",
      "-nographic",
      "disk.img",
    ]);
    expect(r.diagnostics).toEqual([]);
    const l = r.layout;
    expect(l.machine).toEqual({
      arch: "riscv64",
      type: "virt",
      props: [],
      ram: 512n << 20n,
      bios: { kind: "none" },
    });
    expect(l.kernel).toEqual({ path: "Image" });
    expect(l.append).toBe("console=ttyS0");
    expect(l.modules).toEqual([
      { id: "m1", addr: 0x90000000n, kernel: { path: "xen,1" }, bootargs: "a,b=c" },
      { id: "m2", addr: 0x91000000n, initrd: { path: "rd" } },
    ]);
    expect(l.loaders).toEqual([{ id: "l1", addr: 0x92000000n, file: { path: "blob.bin" }, forceRaw: true }]);
    expect(l.loaderData).toEqual([{ id: "d1", addr: 0x93000000n, data: 0x1234n, len: 4 }]);
    expect(l.extraArgs).toEqual([["-device", "virtio-rng-device"], ["-nographic"], ["disk.img"]]);
  });

  it("merges repeated -M like QEMU and reads the JSON -device form", () => {
    const r = importArgv([
      ...base,
      "-M",
      "virtualization=off",
      "-device",
      '{"driver":"guest-loader","addr":18446744073709551615,"kernel":"k","bootargs":"a,b"}',
    ]);
    expect(r.layout.machine.props).toEqual([
      ["virtualization", "off"],
      ["gic-version", "3"],
    ]);
    expect(r.layout.modules[0]).toEqual({
      id: "m1",
      addr: 0xffffffffffffffffn,
      kernel: { path: "k" },
      bootargs: "a,b",
    });
  });

  it("reads every -device loader form of QEMU's generic-loader docs, and -bios keywords", () => {
    const r = importArgv([
      ...base,
      "-bios",
      "default",
      "-device",
      "loader,file=xen.elf,cpu-num=0",
      "-device",
      "loader,addr=0x50000000,data=0x1,data-len=4,data-be=on,cpu-num=1",
      "-device",
      '{"driver":"loader","addr":1342177280,"data":18446744073709551615,"data-len":8}',
      "-device",
      "loader,addr=0x40000000,cpu-num=0",
    ]);
    expect(r.diagnostics).toEqual([]);
    expect(r.layout.machine.bios).toEqual({ kind: "default", explicit: true });
    expect(r.layout.loaders).toEqual([
      { id: "l1", addr: 0n, file: { path: "xen.elf" }, cpuNum: 0, addrGiven: false },
    ]);
    expect(r.layout.loaderData).toEqual([
      { id: "d1", addr: 0x50000000n, data: 1n, len: 4, bigEndian: true, cpuNum: 1 },
      { id: "d2", addr: 0x50000000n, data: 0xffffffffffffffffn, len: 8 },
    ]);
    expect(r.layout.loaderPcs).toEqual([{ id: "p1", addr: 0x40000000n, cpuNum: 0 }]);
    expect(r.layout.extraArgs).toEqual([]);
  });

  it.each([
    ["loader,file=a,data=1,data-len=4", "Specifying a file is not supported when loading memory values"],
    ["loader,addr=0x1000", "cpu_num must be specified when setting a program counter"],
    ["loader,cpu-num=0", "please include valid arguments"],
  ])("a loader QEMU refuses (%s) is an error with QEMU's words, kept verbatim", (stanza, said) => {
    const r = importArgv([...base, "-device", stanza]);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([["loader-form", "error"]]);
    expect(r.diagnostics[0]!.message).toContain(said);
    expect(r.layout.extraArgs).toEqual([["-device", stanza]]);
  });

  it("names argument, position and a suggestion for a misspelt property", () => {
    const r = importArgv([...base, "-device", "guest-loader,adr=0x48000000,kernel=k"]);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0]!;
    expect(d).toMatchObject({ code: "unknown-property", severity: "error", argIndex: 8, offset: 13 });
    expect(d.message).toContain("did you mean 'addr'?");
    expect(d.message).toContain("Property 'guest-loader.adr' not found");
  });

  it("gives QEMU's message and the value's position for a bad addr", () => {
    const r = importArgv([...base, "-device", "guest-loader,kernel=k,addr=64M"]);
    expect(r.diagnostics[0]).toMatchObject({ code: "bad-integer", argIndex: 8, offset: 27 });
    expect(r.diagnostics[0]!.message).toContain("Parameter 'addr' expects integer");
    expect(r.layout.modules).toHaveLength(1);
  });

  it("explains an unescaped comma in bootargs", () => {
    const r = importArgv([...base, "-device", "guest-loader,addr=1,kernel=k,bootargs=a,b"]);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["flag-property", "unknown-property"]);
    expect(r.diagnostics[1]!.message).toContain("',,'");
  });

  it("reports unknown programs, -opt=value, a missing value and a missing machine without throwing", () => {
    const r = importArgv(["qemu-system-x86_64", "-m=1G", "-kernel"]);
    expect(r.diagnostics.map((d) => d.code)).toEqual([
      "unknown-program",
      "invalid-option",
      "missing-argument",
      "no-machine",
    ]);
    expect(importArgv([]).diagnostics[0]!.code).toBe("unknown-program");
  });

  it("refuses a command substitution in the QEMU command, and returns no layout", () => {
    const r = importShellCommand("qemu-system-aarch64 -M virt -append $(touch /tmp/pwned)");
    expect(r.diagnostics[0]).toMatchObject({ code: "command-substitution", severity: "error", offset: 36 });
    expect(r.layout.append).toBeUndefined();
  });

  it("turns shell syntax errors into an issue", () => {
    const r = importShellCommand("qemu-system-aarch64 -append 'never closed");
    expect(r.diagnostics[0]).toMatchObject({ code: "shell-syntax", severity: "error", offset: 28 });
  });

  it("never throws on arbitrary argv", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string(), fc.constantFrom("-device", "-M", "-m", "guest-loader,", "loader,", "{")),
        ),
        (args) => {
          importArgv(["qemu-system-arm", ...args]);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

const text = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom(",", "'", '"', " ", "$", "`", ";", "\n", "=", "\\", "ü", "✓", "{"),
      fc.string({ unit: "grapheme", maxLength: 1 }),
    ),
  })
  .map((s) => s.replace(/\0/g, ""));
const path = text.filter((s) => s.length > 0);
const addr = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });

const layoutArb: fc.Arbitrary<Layout> = fc
  .record({
    arch: fc.constantFrom(...ARCHES),
    ram: fc.bigInt({ min: 1n, max: 1n << 30n }).map((k) => k * 8192n),
    cpu: fc.option(fc.constantFrom("max", "cortex-a57", "rv64"), { nil: undefined }),
    append: fc.option(text, { nil: undefined }),
    kernel: fc.option(path, { nil: undefined }),
    modules: fc.array(
      fc.record({
        addr,
        file: path,
        kind: fc.constantFrom("kernel", "initrd"),
        bootargs: fc.option(text, { nil: undefined }),
      }),
      { maxLength: 4 },
    ),
    loaders: fc.array(
      fc.record({
        addr,
        file: path,
        forceRaw: fc.option(fc.boolean(), { nil: undefined }),
        cpuNum: fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }),
        noAddr: fc.boolean(),
      }),
      { maxLength: 2 },
    ),
    data: fc.array(
      fc.record({
        addr,
        data: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        len: fc.integer({ min: 1, max: 8 }),
        bigEndian: fc.option(fc.constant(true as const), { nil: undefined }),
        cpuNum: fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }),
      }),
      { maxLength: 2 },
    ),
    biosDefault: fc.boolean(),
    pcs: fc.array(
      fc.record({
        addr: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
        cpuNum: fc.integer({ min: 0, max: 7 }),
      }),
      {
        maxLength: 2,
      },
    ),
  })
  .map((r) => ({
    machine: {
      arch: r.arch,
      type: "virt",
      props: [["virtualization", "on"]],
      ram: r.ram,
      ...(r.cpu && { cpu: r.cpu }),
      bios: r.biosDefault ? { kind: "default", explicit: true } : { kind: "default" },
    },
    ...(r.kernel !== undefined && { kernel: { path: r.kernel } }),
    ...(r.append !== undefined && { append: r.append }),
    modules: r.modules.map((m, i) => ({
      id: `m${i + 1}`,
      addr: m.addr,
      [m.kind]: { path: m.file },
      ...(m.kind === "kernel" && m.bootargs !== undefined && { bootargs: m.bootargs }),
    })),
    loaders: r.loaders.map((l, i) => ({
      id: `l${i + 1}`,
      addr: l.noAddr ? 0n : l.addr,
      file: { path: l.file },
      ...(l.forceRaw !== undefined && { forceRaw: l.forceRaw }),
      ...(l.cpuNum !== undefined && { cpuNum: l.cpuNum }),
      ...(l.noAddr && { addrGiven: false as const }),
    })),
    ...(r.pcs.length > 0 && {
      loaderPcs: r.pcs.map((p, i) => ({ id: `p${i + 1}`, addr: p.addr, cpuNum: p.cpuNum })),
    }),
    ...(r.data.length > 0 && {
      loaderData: r.data.map((d, i) => ({
        id: `d${i + 1}`,
        addr: d.addr,
        data: d.data,
        len: d.len,
        ...(d.bigEndian && { bigEndian: d.bigEndian }),
        ...(d.cpuNum !== undefined && { cpuNum: d.cpuNum }),
      })),
    }),
    extraArgs: [["-nographic"], ["-device", "virtio-rng-device"]],
  }));

describe("export → import round trip", () => {
  it.each(["opts", "json"] as const)(
    "import(export(layout)) equals layout (%s -device syntax)",
    (deviceSyntax) => {
      fc.assert(
        fc.property(layoutArb, (layout) => {
          const e = exportArgv(layout, { deviceSyntax });
          if (!e.ok) throw new Error(JSON.stringify(e.issues));
          const r = importArgv(e.argv);
          expect(r.diagnostics).toEqual([]);
          expect(r.layout).toEqual(layout);
        }),
        { numRuns: 400 },
      );
    },
  );

  it("uses the canonical order", () => {
    const r = importArgv([
      ...base,
      "-device",
      "guest-loader,kernel=k,addr=0x48000000,bootargs=x,,y",
      "-append",
      "a",
      "-S",
    ]);
    const e = exportArgv(r.layout);
    expect(e.ok && e.groups).toEqual([
      ["qemu-system-aarch64"],
      ["-M", "virt,virtualization=on,gic-version=3"],
      ["-m", "2G"],
      ["-cpu", "max"],
      ["-append", "a"],
      ["-device", "guest-loader,addr=0x48000000,kernel=k,bootargs=x,,y"],
      ["-S"],
    ]);
  });

  it("refuses what QEMU cannot carry, naming the field", () => {
    const l = importArgv([...base, "-device", "guest-loader,kernel=k,addr=1"]).layout;
    const bad: Layout = {
      ...l,
      machine: { ...l.machine, ram: 1000n },
      modules: [{ ...l.modules[0]!, bootargs: "a\0b" }],
      extraArgs: [
        ["-kernel", "x"],
        ["-S", "-s"],
      ],
    };
    const e = exportArgv(bad);
    expect(e.ok).toBe(false);
    if (!e.ok)
      expect(e.issues.map((i) => [i.code, i.where])).toEqual([
        ["ram-not-expressible", "machine.ram"],
        ["nul-character", "modules[0].bootargs"],
        ["bad-extra-args", "extraArgs[0]"],
        ["bad-extra-args", "extraArgs[1]"],
      ]);
  });

  it("fixed-DTB form loads each module file raw at its address", () => {
    const l = importArgv([
      ...base,
      "-device",
      "guest-loader,kernel=k,,1,addr=0x48000000",
      "-device",
      "guest-loader,initrd=r,addr=0x49000000",
    ]).layout;
    const e = exportFixedDtbArgv(l, "out.dtb");
    expect(e.ok && e.groups.slice(4)).toEqual([
      ["-dtb", "out.dtb"],
      ["-device", "loader,file=k,,1,addr=0x48000000,force-raw=on"],
      ["-device", "loader,file=r,addr=0x49000000,force-raw=on"],
    ]);
  });
});
