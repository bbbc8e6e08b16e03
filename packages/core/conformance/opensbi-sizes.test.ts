/**
 * The app's table of OpenSBI sizes (used where the file cannot be read) against the firmware each
 * installed QEMU really loads, found where QEMU looks for it (`-L help`).
 */
import { describe, expect, it } from "vitest";
import { openSbiSizeFor } from "../src/index.js";
import { qemuInstalls, qemuLabel } from "./qemu.js";

for (const q of qemuInstalls()) {
  describe(`OpenSBI sizes of ${qemuLabel(q)}`, () => {
    for (const arch of ["riscv64", "riscv32"] as const)
      it(`${arch}: the table's size is the installed file's`, () => {
        expect(openSbiSizeFor(q.version)[arch]).toBe(q.firmwareSize(arch));
      });
  });
}
