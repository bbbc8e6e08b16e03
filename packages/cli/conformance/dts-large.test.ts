/**
 * `guestmap dts` on large trees, judged by dtc byte for byte: the 7.9 MB / 40k-node tree of the
 * DTB → DTS bench (bench/dts.bench.ts) run as users run it (a node process writing to a file), and
 * a smaller tree full of phandle references (dtc adds `phandle` properties) and value types dtc
 * must guess, in-process. dtc compiles the trees from DTS source, so the blobs are dtc's own.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { dtcToDtb, dtcToDts } from "../../core/conformance/fdt-tools.js";
import { haveTool } from "../../core/conformance/tools.js";
import { largeTreeDts } from "../../core/test/fdt/large-tree.js";
import { run as dtsRun } from "../src/commands/dts.js";
import { captureIo } from "../test/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-dts-large-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NODE_CLI = [
  "--conditions=source",
  "--import",
  pathToFileURL(resolve(__dirname, "../../../node_modules/tsx/dist/loader.mjs")).href,
  resolve(__dirname, "../src/main.ts"),
];

function compile(dts: string): Uint8Array {
  const r = dtcToDtb(dts);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return new Uint8Array(r.stdout);
}

describe.skipIf(!haveTool("dtc"))("guestmap dts on large trees vs dtc", () => {
  it("the bench's 7.9 MB, 40k-node tree: the CLI's stdout is dtc's, byte for byte", () => {
    const dtb = compile(largeTreeDts({ references: false }));
    expect(dtb.length).toBeGreaterThan(7_800_000);
    const file = join(dir, "big.dtb");
    writeFileSync(file, dtb);
    const want = dtcToDts(dtb);
    expect(want.status).toBe(0);
    const r = spawnSync(process.execPath, [...NODE_CLI, "dts", file], { maxBuffer: 64 << 20 });
    expect(r.stderr.toString()).toBe("");
    expect(r.status).toBe(0);
    expect(Buffer.compare(r.stdout, want.stdout)).toBe(0);
    expect(want.stdout.toString("latin1").match(/ \{\n/g)?.length).toBeGreaterThan(40_000);
  });

  it("a tree of phandle references, escapes and guessed types: dtc's text", async () => {
    const dtb = compile(largeTreeDts({ buses: 3, devicesPerBus: 200, seed: 7 }));
    writeFileSync(join(dir, "refs.dtb"), dtb);
    const want = dtcToDts(dtb).stdout.toString("latin1");
    expect(want).toContain("phandle = <0x");
    expect(want).toMatch(/label = "port \d+\\n\\0alt\\a";/);
    const c = captureIo(dir);
    expect(await dtsRun(["refs.dtb"], c.io)).toBe(0);
    expect(c.o.out).toBe(want);
  });
});
