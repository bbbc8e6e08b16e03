import { check } from "@guestmap/core";
import { describe, expect, it } from "vitest";
import { newcCpio } from "../samples/demo-blob";
import { SAMPLES } from "../samples/samples";
import { guessKind, nextFreeAligned, placeNewBlobs } from "./blob-rules";
import { applyEdit } from "./edits";

const big = SAMPLES.find((s) => s.id === "xen-aarch64-big-rootfs")!.layout;

describe("blob rules", () => {
  it("the quick fix moves the big rootfs clear of everything", () => {
    const r = check(big);
    const slot = nextFreeAligned(big, r.placement, "m2")!;
    expect(slot % 0x1000n).toBe(0n);
    const fixed = applyEdit(big, { type: "moveBlob", id: "m2", addr: slot });
    expect(check(fixed).diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  });
  it("guesses a cpio as an initrd and an arm64 Image as a kernel", () => {
    const c = newcCpio({ path: "r.cpio", size: 4096n });
    expect(guessKind({ path: "r", size: 4096n, head: c.head })).toBe("initrd");
    expect(guessKind(big.modules[0]!.kernel!)).toBe("kernel");
  });
  it("places a dropped file at the pointer, snapped, and the next ones in free slots", () => {
    const c = newcCpio({ path: "r.cpio", size: 0x3000n });
    const ref = { path: "r.cpio", size: 0x3000n, head: c.head };
    const mods = placeNewBlobs(big, [ref, ref], 0x50000123n);
    expect(mods.map((m) => m.addr)).toEqual([0x50000000n, 0x50003000n]);
    expect(mods.map((m) => m.id)).toEqual(["m3", "m4"]);
  });
});
