import { describe, expect, it } from "vitest";
import { emptyLayout, profileFor, riscvFdtSize, smpCpus } from "../../src/index.js";

describe("smpCpus", () => {
  it("reads -smp as QEMU does", () => {
    expect(smpCpus(undefined)).toBe(1);
    expect(smpCpus("4")).toBe(4);
    expect(smpCpus("4,sockets=2")).toBe(4);
    expect(smpCpus("cpus=6,cores=3")).toBe(6);
    expect(smpCpus("sockets=2,cores=2,threads=2")).toBe(8);
  });
});

describe("riscvFdtSize", () => {
  it("is the 1 MiB allocation before 8.0 and a -dtb file's size when given", () => {
    const l = emptyLayout("riscv64");
    expect(riscvFdtSize(l, profileFor("7.2.22"))).toBe(0x100000n);
    expect(riscvFdtSize({ ...l, dtb: { path: "x.dtb", size: 0x2345n } }, profileFor("10.0.2"))).toBe(0x2345n);
  });
});
