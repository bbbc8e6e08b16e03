import { check, sniffHeader } from "@guestmap/core";
import { describe, expect, it } from "vitest";
import { newcCpio } from "./demo-blob";
import { SAMPLES } from "./samples";

const byId = (id: string) => SAMPLES.find((s) => s.id === id)!;
const codes = (id: string) => check(byId(id).layout).diagnostics.map((d) => `${d.severity}:${d.code}`);

describe("samples", () => {
  it("the Xen example has no errors or warnings", () => {
    expect(codes("xen-aarch64").filter((c) => !c.startsWith("info"))).toEqual([]);
  });
  it("the 24 MiB rootfs overlaps QEMU's DTB at 0x48000000", () => {
    const d = check(byId("xen-aarch64-big-rootfs").layout).diagnostics.find((x) => x.code === "overlap");
    expect(d?.start).toBe(0x48000000n);
    expect(d?.regions).toContain("dtb");
  });
  it("RISC-V 64 with OpenSBI has no errors or warnings", () => {
    expect(codes("riscv64-opensbi").filter((c) => !c.startsWith("info"))).toEqual([]);
  });
  it("the BSS sample reports bss-overlap only", () => {
    expect(codes("bss-overlap").filter((c) => !c.startsWith("info"))).toEqual(["warning:bss-overlap"]);
  });
  it("demo headers sniff as what they claim", () => {
    const s = byId("xen-aarch64");
    expect(s.blobs.map((b) => sniffHeader(b.head).format)).toEqual(["arm64-image", "arm64-image", "cpio"]);
    expect(sniffHeader(byId("riscv64-opensbi").blobs[1]!.head).format).toBe("riscv-image");
  });
  it("a newc cpio is exactly its size and ends with the trailer", () => {
    const c = newcCpio({ path: "r", size: 0x10000n });
    expect(c.head.length + (0x10000 - c.head.length - c.tail!.length) + c.tail!.length).toBe(0x10000);
    expect(new TextDecoder().decode(c.tail!.subarray(110, 120))).toBe("TRAILER!!!");
  });
});
