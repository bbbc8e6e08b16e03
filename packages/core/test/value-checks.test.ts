import { describe, expect, it } from "vitest";
import {
  exportArgv,
  fileSizeProblem,
  machinePropsProblem,
  nulProblem,
  ramProblem,
  u64Problem,
} from "../src/index.js";
import { emptyLayout } from "../src/model/types.js";

describe("values QEMU's command line cannot carry (the app's fields and the exporter)", () => {
  it("refuses addresses past 64 bits, accepts the last one", () => {
    expect(u64Problem(0xffffffffffffffffn)).toBeUndefined();
    expect(u64Problem(1n << 64n)).toMatch(/0x10000000000000000 is outside .*64-bit/);
    expect(u64Problem(-1n)).toMatch(/^-1 is outside/);
  });
  it("refuses RAM QEMU would round or read as its default, and says what to type", () => {
    expect(ramProblem(2n << 30n)).toBeUndefined();
    expect(ramProblem(0n)).toMatch(/such as 8192$/);
    expect(ramProblem(1n)).toMatch(/such as 8192$/);
    expect(ramProblem(8193n)).toMatch(/such as 16384$/);
    expect(ramProblem(1n << 70n)).toMatch(/64-bit/);
  });
  it("refuses an empty placeholder size", () => {
    expect(fileSizeProblem(0n)).toMatch(/0 bytes/);
    expect(fileSizeProblem(0x28n)).toBeUndefined();
  });
  it("refuses a NUL, which no argv element can carry; newlines and quotes are fine", () => {
    expect(nulProblem("root=/dev/vda\0 ro")).toMatch(/position 13/);
    expect(nulProblem("a\nb 'c' \"d\"")).toBeUndefined();
  });
  it("-M properties: a name for every property, and type kept out; a bare flag is read as QEMU does", () => {
    expect(machinePropsProblem("virtualization=on,highmem=off")).toBeUndefined();
    expect(machinePropsProblem("virtualization,")).toBeUndefined();
    expect(machinePropsProblem("=on")).toMatch(/no name/);
    expect(machinePropsProblem("gic-version=3,type=virt")).toMatch(/machine type/);
  });
  it("the exporter refuses the same values with the same words, naming the field", () => {
    const l = emptyLayout("aarch64");
    const r = exportArgv({
      ...l,
      machine: { ...l.machine, ram: 8193n },
      append: "console=hvc0\0",
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.message)).toEqual([
      `-m 8193: ${ramProblem(8193n)}`,
      `append: ${nulProblem("console=hvc0\0")}`,
    ]);
  });
});
