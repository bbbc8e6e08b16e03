/** JSON -device with a repeated key: QEMU refuses it ("duplicate key"); so does the importer. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { importArgv } from "../src/index.js";
import { qemuInstalls } from "./qemu.js";

const DUP = '{"driver":"guest-loader","addr":1207959552,"addr":1207959553,"kernel":"k"}';
const NESTED_OK = '{"driver":"guest-loader","addr":1207959552,"kernel":"k","x":{"addr":1}}';

for (const q of qemuInstalls()) {
  describe(`QEMU ${q.version}`, () => {
    it("refuses a repeated key in -device JSON, and guestmap import does too", () => {
      const r = spawnSync(q.binary("aarch64"), ["-M", "virt", "-S", "-display", "none", "-device", DUP], {
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("JSON parse error, duplicate key");
      const i = importArgv(["qemu-system-aarch64", "-M", "virt", "-device", DUP]);
      expect(i.diagnostics.map((d) => [d.code, d.severity])).toEqual([["bad-json", "error"]]);
    });

    it("a key repeated only in a nested object is not a duplicate (QEMU gets past parsing)", () => {
      const r = spawnSync(
        q.binary("aarch64"),
        ["-M", "virt", "-S", "-display", "none", "-device", NESTED_OK],
        {
          encoding: "utf8",
          timeout: 20_000,
        },
      );
      expect(r.stderr).not.toContain("duplicate key");
      const i = importArgv(["qemu-system-aarch64", "-M", "virt", "-device", NESTED_OK]);
      expect(i.diagnostics.filter((d) => d.message.includes("duplicate key"))).toEqual([]);
    });
  });
}
