import { emptyLayout, type Layout } from "@guestmap/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEdit, applyEdits, newModuleId } from "./edits";

const base: Layout = {
  ...emptyLayout("aarch64"),
  modules: [
    { id: "m1", addr: 0x42000000n, kernel: { path: "Image", size: 100n }, bootargs: "x" },
    { id: "m2", addr: 0x47000000n, initrd: { path: "rootfs", size: 10n } },
  ],
};

describe("applyEdit", () => {
  it("moves a blob and leaves the others alone", () => {
    const l = applyEdit(base, { type: "moveBlob", id: "m2", addr: 0x48000000n });
    expect(l.modules[1]!.addr).toBe(0x48000000n);
    expect(l.modules[0]).toBe(base.modules[0]);
  });
  it("returns the same layout for no-op edits", () => {
    expect(applyEdit(base, { type: "moveBlob", id: "m1", addr: 0x42000000n }).modules[0]).toBe(
      base.modules[0],
    );
    expect(applyEdit(base, { type: "moveBlob", id: "nope", addr: 1n })).toBe(base);
    expect(applyEdit(base, { type: "removeBlob", id: "nope" })).toBe(base);
    expect(applyEdit(base, { type: "setKind", id: "m1", kind: "kernel" })).toBe(base);
  });
  it("adds with a fresh id when the id is taken, removes by id", () => {
    const l = applyEdit(base, { type: "addBlob", module: { id: "m1", addr: 1n, initrd: { path: "a" } } });
    expect(l.modules.map((m) => m.id)).toEqual(["m1", "m2", "m3"]);
    expect(applyEdit(l, { type: "removeBlob", id: "m1" }).modules.map((m) => m.id)).toEqual(["m2", "m3"]);
  });
  it("changing kind to initrd drops bootargs; back to kernel has none", () => {
    const l = applyEdit(base, { type: "setKind", id: "m1", kind: "initrd" });
    expect(l.modules[0]).toEqual({ id: "m1", addr: 0x42000000n, initrd: { path: "Image", size: 100n } });
    expect(applyEdit(l, { type: "setKind", id: "m1", kind: "kernel" }).modules[0]!.kernel?.path).toBe(
      "Image",
    );
  });
  it("bootargs, append, kernel and qemu can be set and cleared", () => {
    const l = applyEdits(base, [
      { type: "setBootargs", id: "m1", bootargs: undefined },
      { type: "setAppend", append: "a" },
      { type: "setKernel", kernel: { path: "xen" } },
      { type: "setQemu", qemu: "7.2" },
    ]);
    expect("bootargs" in l.modules[0]!).toBe(false);
    expect([l.append, l.kernel?.path, l.qemu]).toEqual(["a", "xen", "7.2"]);
    const c = applyEdits(l, [
      { type: "setAppend", append: undefined },
      { type: "setKernel", kernel: undefined },
      { type: "setQemu", qemu: undefined },
    ]);
    expect(["append" in c, "kernel" in c, "qemu" in c]).toEqual([false, false, false]);
  });
  it("fills a placeholder's file", () => {
    const p = applyEdit(base, { type: "setBlobFile", id: "m2", file: { path: "rootfs", size: 4096n } });
    expect(p.modules[1]!.initrd?.size).toBe(4096n);
  });
  it("setMachine merges", () => {
    const l = applyEdit(base, { type: "setMachine", machine: { ram: 1n << 31n, cpu: "max" } });
    expect(l.machine).toMatchObject({ arch: "aarch64", ram: 1n << 31n, cpu: "max" });
  });
  it("ids stay unique under any sequence of adds and removes", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant("add"), fc.nat(5))), (ops) => {
        let l = base;
        for (const op of ops)
          l =
            op === "add"
              ? applyEdit(l, {
                  type: "addBlob",
                  module: { id: newModuleId(l), addr: 1n, initrd: { path: "f" } },
                })
              : applyEdit(l, { type: "removeBlob", id: `m${op}` });
        const ids = l.modules.map((m) => m.id);
        return new Set(ids).size === ids.length;
      }),
    );
  });
});

describe("generic loader blobs", () => {
  const withLoader: Layout = {
    ...base,
    loaders: [{ id: "l1", addr: 0x50000000n, file: { path: "stub.bin" } }],
  };
  it("a loader placeholder gets its size with setBlobFile; moveBlob moves it", () => {
    const sized = applyEdit(withLoader, {
      type: "setBlobFile",
      id: "l1",
      file: { path: "stub.bin", size: 0x28n },
    });
    expect(sized.loaders[0]!.file.size).toBe(0x28n);
    expect(sized.modules).toBe(withLoader.modules);
    expect(applyEdit(sized, { type: "moveBlob", id: "l1", addr: 0x50001000n }).loaders[0]!.addr).toBe(
      0x50001000n,
    );
  });
  it("-kernel and -initrd placeholders get a typed size", () => {
    const l = applyEdits(base, [
      { type: "setKernel", kernel: { path: "/boot/xen" } },
      { type: "setKernel", kernel: { path: "/boot/xen", size: 0x118a08n } },
      { type: "setInitrd", initrd: { path: "initrd.img", size: 4096n } },
    ]);
    expect(l.kernel).toEqual({ path: "/boot/xen", size: 0x118a08n });
    expect(l.initrd?.size).toBe(4096n);
  });
  it("a -dtb placeholder gets its file, and can be dropped", () => {
    const l = applyEdit(base, { type: "setDtb", dtb: { path: "/srv/user.dtb", size: 0x800n } });
    expect(l.dtb).toEqual({ path: "/srv/user.dtb", size: 0x800n });
    expect("dtb" in applyEdit(l, { type: "setDtb", dtb: undefined })).toBe(false);
  });
});
