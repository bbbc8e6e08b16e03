import { describe, expect, it } from "vitest";
import {
  compareVersions,
  NEWEST_VERIFIED_VERSION,
  profileFor,
  QEMU_RELEASES,
  UnknownQemuVersionError,
} from "../../src/index.js";

const MiB = 1n << 20n;

describe("QEMU versions as behaviour", () => {
  it("accepts any version from 7.2 up, as --version prints it or as a release", () => {
    for (const v of ["7.2", "7.2.22", "8.0", "8.1.3", "9.1", "10.0.2", "10.1", "11.0", "12.3.4"])
      expect(profileFor(v).version).toBe(v);
    expect(profileFor("10.0.2").release).toBe("10.0");
  });

  it("refuses versions below 7.2 and non-versions, saying which", () => {
    for (const v of ["7.1", "6.2.0", "2.12"]) {
      expect(() => profileFor(v)).toThrow(UnknownQemuVersionError);
      expect(() => profileFor(v)).toThrow(/older than 7\.2/);
    }
    for (const v of ["", "ten", "10", "10.0.2-rc1", "v10.0"])
      expect(() => profileFor(v)).toThrow(/is not a QEMU version/);
  });

  it("keys each change to the release it landed in", () => {
    const on = (v: string) => profileFor(v);
    // 8.0: ARM initrd cells, RISC-V packed FDT, arm64 EFI zboot.
    expect([on("7.2.22").armInitrdCellsFromAddressCells, on("8.0").armInitrdCellsFromAddressCells]).toEqual([
      false,
      true,
    ]);
    expect([on("7.2").riscvFdtPacked, on("8.0.0").riscvFdtPacked]).toEqual([false, true]);
    expect([on("7.2").arm64Zboot, on("8.0").arm64Zboot]).toEqual([false, true]);
    // 9.0: RISC-V initrd offset; 9.1: u64 cells.
    expect([on("8.2.2").riscvInitrdMaxOffset, on("9.0").riscvInitrdMaxOffset]).toEqual([
      128n * MiB,
      512n * MiB,
    ]);
    expect([on("9.0.2").riscvInitrdU64, on("9.1").riscvInitrdU64]).toEqual([false, true]);
    // 10.0: rv64 FDT at the top of RAM and the no-space error, not 9.2.
    expect([on("9.2.4").rv64FdtNoCap, on("10.0").rv64FdtNoCap]).toEqual([false, true]);
    expect([on("9.2").riscvFdtNoSpaceError, on("10.0.2").riscvFdtNoSpaceError]).toEqual([false, true]);
    // guest-loader's empty-file error: not in 10.0.2 (measured), from 10.2.
    expect([on("10.0.2").guestLoaderEmptyFileError, on("10.2").guestLoaderEmptyFileError]).toEqual([
      false,
      true,
    ]);
  });

  it("orders versions numerically, not as text", () => {
    expect(compareVersions("10.0", "9.2")).toBeGreaterThan(0);
    expect(compareVersions("8.1.10", "8.1.9")).toBeGreaterThan(0);
    expect(compareVersions("7.2", "7.2.0")).toBe(0);
  });

  it("defaults to the newest release CI verifies against a binary", () => {
    expect(NEWEST_VERIFIED_VERSION).toBe("10.0");
    expect(profileFor(NEWEST_VERIFIED_VERSION).verified).toBe(true);
    expect(QEMU_RELEASES.filter((r) => "verifiedWith" in r).map((r) => r.release)).toEqual(["7.2", "10.0"]);
  });
});
