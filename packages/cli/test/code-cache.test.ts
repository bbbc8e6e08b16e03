/**
 * The launcher's V8 code cache (bin/load-bundle.cjs), on the bundle as users run it: the first run
 * stores an entry per file it loaded, later runs use them and print the same, a damaged entry is
 * rejected by V8 and stored again, a folder others may write to is never used, and entries of
 * files no longer in the bundle go when a run stores new ones.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeXenExampleFiles, XEN_EXAMPLE_ARGS } from "../../core/test/fixtures/xen-example.js";

const repo = resolve(__dirname, "../../..");
const launcher = join(repo, "packages/cli/bin/guestmap.cjs");
const work = mkdtempSync(join(tmpdir(), "guestmap-codecache-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(() => {
  if (!existsSync(join(repo, "packages/cli/dist/bundle/guestmap.cjs"))) {
    const r = spawnSync(process.execPath, [join(repo, "scripts/bundle-cli.mjs")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  }
  writeXenExampleFiles(work);
}, 60_000);

/** `guestmap check --qemu 10.0 -- <the Xen example>` with its own cache folder. */
function check(cache: string) {
  const r = spawnSync(
    process.execPath,
    [launcher, "check", "--qemu", "10.0", "--", "qemu-system-aarch64", ...XEN_EXAMPLE_ARGS],
    { cwd: work, encoding: "utf8", env: { ...process.env, GUESTMAP_CACHE: cache } },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The folder of this bundle's entries, and each entry's bytes. */
function entries(cache: string): { dir: string; files: Map<string, Buffer> } {
  const v8 = join(cache, "v8");
  const [nodeDir] = readdirSync(v8);
  const [bundleDir] = readdirSync(join(v8, nodeDir!));
  const dir = join(v8, nodeDir!, bundleDir!);
  return { dir, files: new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))])) };
}

describe("V8 code cache of the bundle", () => {
  let cache = "";
  let first: ReturnType<typeof check>;

  it("the first run stores an entry per bundle file it loaded, in a private folder", () => {
    cache = join(work, "cache");
    first = check(cache);
    expect(first.status, first.stderr).toBe(1); // rootfs.cpio on QEMU's DTB
    expect(first.stdout).toContain("overlaps QEMU's DTB");
    const { dir, files } = entries(cache);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const names = [...files.keys()];
    expect(names.some((n) => n.startsWith("guestmap.cjs-"))).toBe(true);
    expect(names.some((n) => n.startsWith("chunks+check-"))).toBe(true);
    // `check` never loads the image writer or zod's layout parser.
    expect(names.some((n) => n.startsWith("chunks+export-") || n.startsWith("chunks+layout-file-"))).toBe(
      false,
    );
  });

  it("later runs print the same and leave the entries as they are (V8 accepted them)", () => {
    const before = entries(cache).files;
    const again = check(cache);
    expect(again).toEqual(first);
    const after = entries(cache).files;
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [name, bytes] of before) expect(after.get(name)!.equals(bytes), name).toBe(true);
  });

  it("a damaged entry is rejected: the same output, and the entry is stored again", () => {
    const { dir, files } = entries(cache);
    for (const [name, bytes] of files) writeFileSync(join(dir, name), Buffer.alloc(bytes.length, 0x5a));
    expect(check(cache)).toEqual(first);
    const after = entries(cache).files;
    for (const [name, bytes] of after)
      expect(bytes.equals(Buffer.alloc(bytes.length, 0x5a)), name).toBe(false);
  });

  it("a folder a group or others may write to is neither read nor written", () => {
    const { dir, files } = entries(cache);
    for (const [name, bytes] of files) writeFileSync(join(dir, name), Buffer.alloc(bytes.length, 0x5a));
    chmodSync(dir, 0o770);
    try {
      expect(check(cache)).toEqual(first);
      for (const [name, bytes] of entries(cache).files)
        expect(bytes.equals(Buffer.alloc(bytes.length, 0x5a)), name).toBe(true);
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it("code loaded lazily from a cached file runs: a layout's SHA-256 sums (node:crypto)", () => {
    const sum = createHash("sha256")
      .update(readFileSync(join(work, "xen")))
      .digest("hex");
    const layout = (sha256: string) => ({
      format: "guestmap-layout",
      version: 1,
      machine: { arch: "aarch64", type: "virt", props: {}, ram: "0x80000000", bios: "default" },
      modules: [{ id: "m1", addr: "0x42000000", initrd: { path: "xen", sha256 } }],
      loaders: [],
      extraArgs: [],
    });
    writeFileSync(join(work, "good.json"), JSON.stringify(layout(sum)));
    writeFileSync(
      join(work, "bad.json"),
      JSON.stringify(layout(sum.replace(/^./, (c) => (c === "0" ? "1" : "0")))),
    );
    const run = (file: string) =>
      spawnSync(process.execPath, [launcher, "check", "--qemu", "10.0", file], {
        cwd: work,
        encoding: "utf8",
        env: { ...process.env, GUESTMAP_CACHE: cache },
      });
    // Twice each: the second run of each has every file it loads from the cache.
    for (let i = 0; i < 2; i++) {
      const good = run("good.json");
      expect(good.status, good.stderr).toBe(0);
      const bad = run("bad.json");
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain(`the layout says SHA-256 `);
      expect(bad.stderr).not.toContain("internal error");
    }
  });

  it("a run that stores entries removes those of files no longer in the bundle", () => {
    const other = join(work, "cache2");
    check(other);
    const { dir } = entries(other);
    writeFileSync(join(dir, "chunks+gone-AAAAAAAA.cjs-1-2-3"), "old", { mode: 0o600 });
    // A file not stored yet: an entry is written, and the stale one goes.
    rmSync(join(dir, readdirSync(dir).find((n) => n.startsWith("chunks+check-"))!));
    expect(check(other)).toEqual(first);
    const names = readdirSync(dir);
    expect(names).not.toContain("chunks+gone-AAAAAAAA.cjs-1-2-3");
    expect(names.some((n) => n.startsWith("chunks+check-"))).toBe(true);
  });
});
