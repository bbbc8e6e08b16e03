/**
 * The CLI's own layout bound: a file the user hands `guestmap` may hold more modules than a share
 * link or the app (MAX_LAYOUT_BLOBS), up to MAX_CLI_LAYOUT_BLOBS; every module naming one file
 * gets that file's size.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_CLI_LAYOUT_BLOBS, MAX_LAYOUT_BLOBS, parseLayoutJson } from "@guestmap/core";
import { afterAll, describe, expect, it } from "vitest";
import { manyModulesLayout } from "../../core/test/fixtures/many-modules.js";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-scale-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const layout = (n: number) => JSON.stringify(manyModulesLayout(n, 3));

describe("large layouts in the CLI", () => {
  it("checks a 5,000-module layout file the app and links refuse", async () => {
    for (let f = 0; f < 3; f++) writeFileSync(join(dir, `r${f}.cpio`), new Uint8Array(4096).fill(f));
    const text = layout(5000);
    expect(() => parseLayoutJson(text)).toThrow(`more than the ${MAX_LAYOUT_BLOBS} guestmap accepts`);
    writeFileSync(join(dir, "big.json"), text);
    expect((await runCli(["check", "big.json"], dir)).code).toBe(0);
    const r = await runCli(["placements", "--json", "big.json"], dir);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { regions: { role: string; size: string }[] };
    const modules = out.regions.filter((p) => p.role === "module-initrd");
    expect(modules).toHaveLength(5000);
    expect(new Set(modules.map((m) => m.size))).toEqual(new Set(["0x1000"]));
  });

  it("refuses more than MAX_CLI_LAYOUT_BLOBS modules with the bound in the message", async () => {
    writeFileSync(join(dir, "huge.json"), layout(MAX_CLI_LAYOUT_BLOBS + 1));
    const r = await runCli(["check", "huge.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`more than the ${MAX_CLI_LAYOUT_BLOBS} guestmap accepts`);
  });
});
