/**
 * standaloneDtb writes the module nodes straight from the layout (no tree of 100k nodes); the
 * tree it stands for is `standaloneFdt`'s, whose /chosen the conformance suite holds to QEMU's
 * `-machine dumpdtb`. Both must give the same bytes, or the same error, for layouts as users
 * make them: collisions, stanzas QEMU refuses, sizes not known, bootargs on initrds, -dtb on ARM.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  emptyLayout,
  encodeFdt,
  type Layout,
  PROFILES,
  standaloneDtb,
  standaloneFdt,
} from "../../src/index.js";

function outcome(build: () => Uint8Array): unknown {
  try {
    // Hex: vitest compares long strings far faster than typed arrays, and prints a short diff.
    return Buffer.from(build()).toString("hex");
  } catch (e) {
    const err = e as Error & { code?: string; moduleId?: string };
    return { name: err.name, code: err.code, message: err.message, moduleId: err.moduleId };
  }
}

const MiB = 1n << 20n;
const blob = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      path: fc.constantFrom("Image", "rootfs.cpio", "xen"),
      size: fc.oneof(
        { weight: 12, arbitrary: fc.bigInt({ min: 1n, max: 64n * MiB }) },
        { weight: 1, arbitrary: fc.constantFrom(0n, 1n << 64n) },
      ),
    }),
  },
  // A placeholder whose size is not known yet.
  { weight: 1, arbitrary: fc.record({ path: fc.constantFrom("Image", "rootfs.cpio") }) },
);
const addr = fc.oneof(
  // A small pool of addresses: collisions happen, as when a user copies a stanza.
  {
    weight: 12,
    arbitrary: fc.constantFrom(
      0x42000000n,
      0x48000000n,
      0x80200000n,
      0x1_0000_0000n,
      0x47000000n,
      0x4a000000n,
      0x90000000n,
      0x50001000n,
      0x5a000000n,
      0x1_4000_0000n,
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(0n, 1n << 64n) },
);
const bootargs = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("console=hvc0 root=/dev/ram", "") },
  { weight: 1, arbitrary: fc.constant("nul\0inside") },
);
const module = fc.oneof(
  { weight: 5, arbitrary: fc.record({ addr, kernel: blob, bootargs }, { requiredKeys: ["addr", "kernel"] }) },
  { weight: 5, arbitrary: fc.record({ addr, initrd: blob }) },
  // What QEMU refuses: both files, neither, bootargs on an initrd.
  {
    weight: 1,
    arbitrary: fc.record({ addr, kernel: blob, initrd: blob, bootargs }, { requiredKeys: ["addr"] }),
  },
);
const layoutArb = fc
  .record({
    arch: fc.constantFrom("aarch64", "arm", "riscv64", "riscv32") as fc.Arbitrary<Layout["machine"]["arch"]>,
    kernel: fc.option(fc.constant({ path: "Image", size: 30n * MiB }), { nil: undefined, freq: 8 }),
    initrd: fc.option(blob, { nil: undefined }),
    append: fc.option(fc.constantFrom("console=ttyAMA0", ""), { nil: undefined }),
    dtb: fc.option(fc.constant({ path: "virt.dtb", size: 0x100000n }), { nil: undefined }),
    modules: fc.array(module, { maxLength: 8 }),
  })
  .map(
    ({ arch, kernel, initrd, append, dtb, modules }): Layout => ({
      ...emptyLayout(arch),
      machine: { ...emptyLayout(arch).machine, ram: 8n << 30n },
      ...(kernel && { kernel }),
      ...(initrd && { initrd }),
      ...(append !== undefined && { append }),
      ...(dtb && { dtb }),
      modules: modules.map((m, i) => ({ id: `m${i + 1}`, ...m })),
    }),
  );

describe("standaloneDtb written straight from the layout", () => {
  it("gives the tree's bytes, or its error", () => {
    let written = 0;
    fc.assert(
      fc.property(
        layoutArb,
        fc.constantFrom(...Object.values(PROFILES)),
        // Padding as QEMU pads (its 1 MiB, scaled down), and too little to hold the tree.
        fc.option(fc.constantFrom(0x4000, 0x4000, 0x4000, 64), { nil: undefined }),
        (layout, profile, padTo) => {
          const opts = padTo === undefined ? {} : { padTo };
          const tree = outcome(() => encodeFdt(standaloneFdt(layout, profile), opts));
          expect(outcome(() => standaloneDtb(layout, profile, opts))).toEqual(tree);
          if (typeof tree === "string" && layout.modules.length > 1) written++;
        },
      ),
      { numRuns: 1500 },
    );
    // Not only errors: many layouts with several module nodes were written.
    expect(written).toBeGreaterThan(100);
  }, 60_000);
});
