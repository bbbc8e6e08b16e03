/**
 * Differential fuzzing of the DTB decoder against dtc and fdtdump on the same mutated QEMU DTBs
 * (a fixed fast-check seed, so every run judges the same inputs). Where guestmap accepts a blob,
 * its DTS is byte-identical to `dtc -f`'s; where the tools disagree on accepting at all, the
 * difference must be one of those documented in docs/dtb-differences.md.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { decodeFdt, FdtError, printDts } from "../src/fdt/index.js";
import { dtbTarget } from "../test/fuzz/targets.js";
import { haveTool } from "./tools.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-dtbdiff-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Codes guestmap refuses that dtc -f reads anyway, each explained in docs/dtb-differences.md. */
const STRICTER = new Set(["BADLAYOUT", "TOODEEP", "ALIGNMENT", "BADVERSION"]);
const CASES = Number(process.env.GUESTMAP_DTB_DIFF_CASES ?? 400);

describe.skipIf(!haveTool("dtc") || !haveTool("fdtdump"))("DTB decoder vs dtc and fdtdump", () => {
  it(`${CASES} mutated QEMU DTBs: same DTS where both read it, only documented disagreements`, () => {
    const tally = new Map<string, number>();
    const inputs = fc.sample(dtbTarget.arbitrary, { numRuns: CASES, seed: 20261130 });
    inputs.forEach((bytes, i) => {
      const f = join(dir, `${i}.dtb`);
      writeFileSync(f, bytes);
      let ours: string;
      let text = "";
      try {
        text = printDts(decodeFdt(bytes));
        ours = "ok";
      } catch (e) {
        if (!(e instanceof FdtError)) throw e;
        ours = e.code;
      }
      const forced = spawnSync("dtc", ["-q", "-f", "-I", "dtb", "-O", "dts", f], { encoding: "latin1" });
      const strict = spawnSync("dtc", ["-q", "-I", "dtb", "-O", "dts", f], { encoding: "latin1" });
      const dump = spawnSync("fdtdump", [f], { encoding: "latin1" });
      const dtcReads = forced.status === 0;
      const key = `guestmap ${ours}, dtc -f ${dtcReads ? "reads" : "refuses"}, dtc ${strict.status === 0 ? "reads" : "refuses"}, fdtdump ${dump.status === 0 ? "reads" : "refuses"}`;
      tally.set(key, (tally.get(key) ?? 0) + 1);
      const why = `case ${i} (${key}): ${forced.stderr.slice(0, 300)}`;
      if (ours === "ok") {
        // Whatever guestmap reads, dtc reads too, and prints the same text (dtc's printer works in
        // bytes: compare as latin1 on both sides).
        expect(dtcReads, why).toBe(true);
        expect(
          Buffer.from(text, "utf8").toString("latin1") === forced.stdout || text === forced.stdout,
          why,
        ).toBe(true);
        // fdtdump refuses header versions above 17 that libfdt's rule (and dtc) accept.
        if (dump.status !== 0) expect(new DataView(bytes.buffer).getUint32(0x14), why).toBeGreaterThan(17);
      } else if (dtcReads) {
        // TRUNCATED of a whole blob (totalsize within the file) is a token or name running past
        // size_dt_struct / size_dt_strings, which dtc's reader ignores and libfdt enforces.
        const whole = bytes.length >= 8 && new DataView(bytes.buffer).getUint32(4) <= bytes.length;
        expect(STRICTER.has(ours) || (ours === "TRUNCATED" && whole), why).toBe(true);
      }
    });
    console.log([...tally].map(([k, n]) => `${String(n).padStart(5)}  ${k}`).join("\n"));
  }, 300_000);
});
