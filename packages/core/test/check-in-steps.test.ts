import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Layout } from "../src/model/types.js";
import { check } from "../src/rules/check.js";
import { checkWithoutFixes, withQuickFixesOf } from "../src/rules/check-in-steps.js";
import { arbLayoutSpec, buildLayout } from "./fixtures/layouts.js";

const withoutFix = <T extends { fix?: unknown }>({ fix: _fix, ...d }: T) => d;

/** Both steps together are check(); the first alone is check() without the `fix` fields. */
function agrees(layout: Layout) {
  const full = check(layout);
  const first = checkWithoutFixes(layout);
  expect(first.placement).toEqual(full.placement);
  expect(first.diagnostics).toEqual(full.diagnostics.map(withoutFix));
  expect(first.diagnostics.some((d) => d.fix)).toBe(false);
  expect(withQuickFixesOf(layout, first)).toEqual(full);
}

describe("check in two steps (diagnostics for a frame, quick fixes after)", () => {
  it("is check() on random layouts of every arch, collisions and blobs outside RAM included", () => {
    fc.assert(
      fc.property(arbLayoutSpec({ min: 1, max: 40 }), (spec) => agrees(buildLayout(spec))),
      { numRuns: 150 },
    );
  });

  it("is check() on 500 blobs with a collision every tenth (the app bench's layout), fixes and all", () => {
    const layout = buildLayout({
      arch: "aarch64",
      ramMb: 4096,
      cpu: "cortex-a57",
      blobs: Array.from({ length: 500 }, (_, i) => ({
        slot: i % 3 === 0 ? ("module-kernel" as const) : ("module-initrd" as const),
        file: { kind: "cpio" as const, size: 0x10000 + (((i * 0x9e3779b1) >>> 0) % 0x300000) },
        at: 0x10000000 + i * 0x400000 - (i % 10 === 9 ? 0x200000 : 0),
      })),
    });
    expect(check(layout).diagnostics.filter((d) => d.fix).length).toBeGreaterThan(10);
    agrees(layout);
  });
});

describe("check in two steps, with the extra QEMU arguments trusted or not", () => {
  it("is check() with the same options, on a published command line with a host disk", () => {
    const base = buildLayout({ arch: "aarch64", ramMb: 2048, cpu: "cortex-a57", blobs: [] });
    const layout = {
      ...base,
      extraArgs: [
        ["-drive", "if=none,file=rootfs.ext4,format=raw,id=hd0"],
        ["-device", "virtio-blk-device,drive=hd0"],
      ],
    };
    for (const trustExtraArgs of [false, true]) {
      const full = check(layout, { trustExtraArgs });
      expect(full.diagnostics.some((d) => d.code === "unsafe-option")).toBe(true);
      expect(withQuickFixesOf(layout, checkWithoutFixes(layout, { trustExtraArgs }))).toEqual(full);
    }
  });
});
