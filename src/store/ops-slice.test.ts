import { check } from "@guestmap/core";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadRules } from "../lazy/after-map";
import { SAMPLES } from "../samples/samples";
import { undo, useGuestmap } from "./store";

const s = useGuestmap.getState;
const past = () => useGuestmap.temporal.getState().pastStates.length;
const addr = (id: string) => s().layout.modules.find((m) => m.id === id)?.addr;
const errors = () => check(s().layout).diagnostics.filter((d) => d.severity === "error").length;
const rootfs24 = SAMPLES.find((x) => /24 MiB rootfs/.test(x.title))!;

// The app loads them after the map's first paint; the actions below run synchronously once in.
beforeAll(() => loadRules());

beforeEach(() => {
  s().dispatch({ type: "replaceLayout", layout: rootfs24.layout });
  s().noticed(undefined);
  useGuestmap.setState({ pinned: {}, archMove: undefined, propsByArch: {}, cpuByArch: {} });
  useGuestmap.temporal.getState().clear();
});

describe("layout operations in the store", () => {
  it("Auto-pack is one undo step and explains each move; pinned blobs stay", () => {
    expect(errors()).toBe(1);
    s().pinToggled("m1");
    const kernel = addr("m1");
    s().autoPacked("keep");
    expect(past()).toBe(1);
    expect(errors()).toBe(0);
    expect(addr("m1")).toBe(kernel);
    expect(s().notice?.details?.some((d) => /^rootfs\.cpio moved 0x47000000 → 0x[0-9a-f]+: /.test(d))).toBe(
      true,
    );
    // Packing a packed layout changes nothing and adds no undo step.
    s().autoPacked("keep");
    expect(past()).toBe(1);
    undo();
    expect(addr("m2")).toBe(0x47000000n);
  });

  it("Fix all is one undo step", () => {
    s().allFixed();
    expect(errors()).toBe(0);
    expect(past()).toBe(1);
    expect(s().notice?.text).toMatch(/^Fix all: 1 blob moved/);
  });

  it("an arch switch moves the blobs with RAM's base; Keep old addresses switches without moving", () => {
    s().allFixed();
    const before = s().layout;
    s().archSwitched("riscv64");
    expect(s().layout.machine.arch).toBe("riscv64");
    expect(addr("m1")! >= 0x80000000n).toBe(true);
    expect(s().notice?.actions).toEqual(["keep-addresses"]);
    s().archMoveReverted();
    expect(s().layout.machine.arch).toBe("riscv64");
    expect(addr("m1")).toBe(before.modules[0]!.addr);
    expect(addr("m2")).toBe(before.modules[1]!.addr);
    // Back on aarch64 the cpu and -M properties the switch dropped come back.
    s().archSwitched("aarch64", false);
    expect(s().layout.machine.cpu).toBe(before.machine.cpu);
    expect(s().layout.machine.props).toEqual(before.machine.props);
  });
});
