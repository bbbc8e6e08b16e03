import { describe, expect, it } from "vitest";
import { dragTo } from "./drag-math";

const start = { id: "m1", addr: 0x42000000n, pointer: 0x42100000n, align: 0x200000n, offset: 0n };

describe("dragTo", () => {
  it("moves by the pointer's travel and snaps to the alignment", () => {
    expect(dragTo(start, 0x42100000n + 0x2f0000n, false)).toBe(0x42200000n);
    expect(dragTo(start, 0x42100000n + 0x2f0000n, true)).toBe(0x422f0000n);
  });
  it("never goes below zero", () => {
    expect(dragTo(start, 0n, true)).toBe(0n);
  });
});
