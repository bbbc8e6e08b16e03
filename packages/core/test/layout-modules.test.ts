/**
 * The layout file's `modules` read without zod (model/layout-modules.ts) against zod's own
 * validation of the same text: the same layout, or the same issues, for entries as users write
 * them — and as they get them wrong.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LayoutFileError, parseLayoutJson } from "../src/index.js";

/** The layout, or the issues it is refused with. */
function outcome(text: string, fastModules: boolean): unknown {
  try {
    return parseLayoutJson(text, "l.json", { fastModules, maxBlobs: 100000 });
  } catch (e) {
    if (!(e instanceof LayoutFileError)) throw e;
    return e.issues;
  }
}

/** Mostly what users write, sometimes what they get wrong: each field goes wrong on its own. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });
const size = mostly(
  fc.oneof(
    fc.constantFrom("0x1000", "4096", "64M", "1GiB", "2k", " 0x10 ", "0X1F", "1_000"),
    fc.nat(1 << 20),
  ),
  fc.oneof(
    fc.constantFrom("0x_", "12q", "", "-1", "0x4z", 2 ** 60, 1.5, -3, null, true),
    fc.constant(Number.MAX_SAFE_INTEGER + 2),
  ),
);
const blob = mostly(
  fc.record(
    {
      path: mostly(fc.constantFrom("rootfs.cpio", "Image", "a b/ü.gz"), fc.constantFrom("", 7, null)),
      size,
      sha256: mostly(fc.constant("a1".repeat(32)), fc.constantFrom("A1".repeat(32), "abc", "0".repeat(63))),
      head: mostly(
        fc.constantFrom("", "AAAA", "AAA=", "AA==", "QUJD", "QUJDRA=="),
        fc.constantFrom("A===", "%%%%", "QUJ", 1),
      ),
      // An unknown key (JSON drops the undefined ones).
      extra: mostly(fc.constant(undefined), fc.constant(1)),
    },
    { requiredKeys: ["path"] },
  ),
  fc.constantFrom("Image", null, [], 7),
);
const entry = mostly(
  fc.record(
    {
      id: mostly(fc.constantFrom("m1", "dom0", "m2", "initrd-7"), fc.constantFrom("", 3)),
      addr: size,
      kernel: blob,
      initrd: blob,
      bootargs: mostly(fc.constantFrom("console=hvc0", ""), fc.constantFrom(1, null)),
      adr: mostly(fc.constant(undefined), fc.constant("0x1000")),
    },
    { requiredKeys: [] },
  ),
  fc.constantFrom(null, "module", 3, [{ addr: "0x1000" }]),
);

describe("layout modules without zod", () => {
  it("gives what zod gives: the same layout, or the same issues", () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 6 }), (modules) => {
        const text = JSON.stringify({
          format: "guestmap-layout",
          version: 1,
          machine: { arch: "aarch64" },
          modules,
        });
        const zod = outcome(text, false);
        expect(outcome(text, true)).toEqual(zod);
        if (!Array.isArray(zod)) accepted++;
      }),
      { numRuns: 3000 },
    );
    // Both sides of the fast reader are exercised: layouts it reads, entries it leaves to zod.
    expect(accepted).toBeGreaterThan(300);
  });

  it("keeps zod's paths and messages for a bad entry deep in a long list", () => {
    const modules = Array.from({ length: 5000 }, (_, i) => ({
      addr: `0x${(0x41000000 + i * 4096).toString(16)}`,
      initrd: { path: `r${i % 100}.cpio`, size: "4096" },
    }));
    modules[4321] = { addr: "0x4z", initrd: { path: "r.cpio", size: "4096" } };
    const text = JSON.stringify({
      format: "guestmap-layout",
      version: 1,
      machine: { arch: "aarch64" },
      modules,
    });
    expect(outcome(text, true)).toEqual([
      {
        code: "bad-field",
        severity: "error",
        where: "modules[4321].addr",
        message: 'expected an address like "0x42000000", "1107296256" or "64M", got "0x4z"',
      },
    ]);
  });
});
