/**
 * The CLI as a user without the repository gets it: `npm pack` of packages/cli, installed with
 * `npm i -g` into an empty prefix, offline (the bundle carries the core and every dependency, so
 * no registry is needed), run from a folder outside the repository with a PATH holding only the
 * prefix and the system. `guestmap check` of the README's Xen example must name the collision
 * with QEMU's DTB where each real QEMU puts it (`info roms`), with the profile of that QEMU.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { infoRoms, qemuInstalls, qemuLabel } from "../../core/conformance/qemu.js";
import { haveTool } from "../../core/conformance/tools.js";
import { writeXenExampleFiles, XEN_EXAMPLE_ARGS } from "../../core/test/fixtures/xen-example.js";

const cliDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const work = mkdtempSync(join(tmpdir(), "guestmap-pack-"));
const prefix = join(work, "prefix");
const userDir = join(work, "user");
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A clean environment: no repository on any path, a private npm cache and home. */
const env = {
  PATH: `${join(prefix, "bin")}:${dirname(process.execPath)}:/usr/bin:/bin`,
  HOME: join(work, "home"),
  npm_config_cache: join(work, "npm-cache"),
  npm_config_update_notifier: "false",
};

/** The README's Xen example: Debian 12's xen and Linux 6.1 Image sizes, a 17,000,000-byte rootfs. */
function writeXenExample(): void {
  mkdirSync(userDir, { recursive: true });
  writeXenExampleFiles(userDir);
}

const QEMU_ARGS = XEN_EXAMPLE_ARGS;

function guestmap(args: string[]) {
  return spawnSync(join(prefix, "bin", "guestmap"), args, { cwd: userDir, env, encoding: "utf8" });
}

describe.skipIf(!haveTool("npm"))("npm pack of the CLI, installed without the repository", () => {
  beforeAll(() => {
    writeXenExample();
    const pack = spawnSync("npm", ["pack", "--pack-destination", work], {
      cwd: cliDir,
      encoding: "utf8",
      env: { ...process.env, npm_config_update_notifier: "false" },
    });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = readdirSync(work).find((f) => /^guestmap-cli-.*\.tgz$/.test(f));
    expect(tarball, pack.stdout).toBeDefined();
    const install = spawnSync(
      "npm",
      [
        "install",
        "--global",
        "--prefix",
        prefix,
        "--offline",
        "--no-audit",
        "--no-fund",
        join(work, tarball!),
      ],
      { cwd: work, env, encoding: "utf8" },
    );
    expect(install.status, install.stderr).toBe(0);
  });

  it("installs the bundle alone: no node_modules, no link back into the repository", () => {
    const pkg = join(prefix, "lib", "node_modules", "@guestmap", "cli");
    expect(readdirSync(pkg).sort()).toEqual(["LICENSE", "app", "bin", "dist", "package.json"]);
    expect(readdirSync(join(pkg, "dist"))).toEqual(["bundle"]);
    expect(readdirSync(join(pkg, "app"))).toContain("index.html");
  });

  it("guestmap --help", () => {
    const r = guestmap(["--help"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^guestmap \d+\.\d+\.\d+ — /);
    expect(r.stdout).toContain("guestmap check      [--json] [--qemu VER]");
  });

  it("keeps V8's code cache in the user's cache folder; a run from it prints the same", () => {
    const args = ["check", "--qemu", "10.0", "--", "qemu-system-aarch64", ...QEMU_ARGS];
    const first = guestmap(args);
    expect(first.status, first.stderr).toBe(1);
    const v8 = join(env.HOME, ".cache", "guestmap", "v8");
    const entries = readdirSync(v8, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(entries.map((e) => e.name)).toContainEqual(expect.stringMatching(/^chunks\+check-/));
    const again = guestmap(args);
    expect({ status: again.status, stdout: again.stdout, stderr: again.stderr }).toEqual({
      status: first.status,
      stdout: first.stdout,
      stderr: first.stderr,
    });
  });

  for (const q of qemuInstalls()) {
    it(`guestmap check -- <the Xen example> finds QEMU's DTB where ${qemuLabel(q)} puts it`, () => {
      const bin = q.binary("aarch64");
      const dtb = infoRoms(bin, QEMU_ARGS, userDir).find((r) => r.name === "dtb");
      expect(dtb).toBeDefined();
      const r = guestmap(["check", "--", bin, ...QEMU_ARGS]);
      expect(r.status, r.stderr).toBe(1);
      const minor = q.version.split(".").slice(0, 2).join(".");
      expect(r.stdout).toContain(`QEMU profile ${minor}`);
      expect(r.stdout).toContain(
        `guest-loader initrd rootfs.cpio (m2) at [0x47000000, 0x${(0x47000000 + 17_000_000).toString(16)})`,
      );
      expect(r.stdout).toContain(`overlaps QEMU's DTB at [0x${dtb!.addr.toString(16)}, `);
      expect(r.stdout).toMatch(/^1 error\(s\), 0 warning\(s\), \d+ note\(s\)$/m);
    });
  }
});
