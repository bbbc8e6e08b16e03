/**
 * @guestmap/core as a library outside the repository: `npm pack` of packages/core, installed into
 * an empty project, imported by a plain Node ESM script (the README's example, run as written)
 * and type-checked from TypeScript against the shipped .d.ts. The script's collision with QEMU's
 * DTB must be where QEMU 7.2 puts it (`info roms`).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeXenExampleFiles, XEN_EXAMPLE_ARGS } from "../test/fixtures/xen-example.js";
import { infoRoms, qemuInstalls } from "./qemu.js";
import { haveTool } from "./tools.js";

const here = dirname(fileURLToPath(import.meta.url));
const coreDir = join(here, "..");
const root = join(coreDir, "..", "..");
const work = mkdtempSync(join(tmpdir(), "guestmap-corepack-"));
const project = join(work, "project");
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The README's example, verbatim: the code block under "Check a QEMU command line". */
function readmeExample(): string {
  const text = readFileSync(join(coreDir, "README.md"), "utf8");
  const block = /## Check a QEMU command line[\s\S]*?```js\n([\s\S]*?)```/.exec(text);
  if (!block) throw new Error("packages/core/README.md lost its example");
  return block[1]!;
}

const QEMU_ARGS = XEN_EXAMPLE_ARGS;

const q72 = qemuInstalls().find((q) => q.version.startsWith("7.2."));

describe.skipIf(!haveTool("npm"))("npm pack of @guestmap/core, used as a library", () => {
  beforeAll(() => {
    mkdirSync(project, { recursive: true });
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({ name: "user", private: true, type: "module" }),
    );
    writeXenExampleFiles(project);

    const pack = spawnSync("npm", ["pack", "--pack-destination", work], { cwd: coreDir, encoding: "utf8" });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = readdirSync(work).find((f) => /^guestmap-core-.*\.tgz$/.test(f));
    expect(tarball, pack.stdout).toBeDefined();
    // zod, crc-32 and fflate come from npm's cache (filled by the repository's `npm ci`), else the registry.
    const install = spawnSync(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock", join(work, tarball!)],
      { cwd: project, encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false" } },
    );
    expect(install.status, install.stderr).toBe(0);
  });

  it("ships dist/ with types, no tests, and resolves no further than its own dependencies", () => {
    const pkg = join(project, "node_modules", "@guestmap", "core");
    expect(readdirSync(pkg).sort()).toEqual(["LICENSE", "README.md", "dist", "package.json", "src"]);
    expect(readdirSync(join(pkg, "dist"))).toContain("index.d.ts");
    const installed = readdirSync(join(project, "node_modules")).filter((n) => !n.startsWith("."));
    // Exactly the core's own dependencies, none of theirs: each is a leaf package.
    const deps = Object.keys(JSON.parse(readFileSync(join(coreDir, "package.json"), "utf8")).dependencies);
    expect(installed.sort()).toEqual(["@guestmap", ...deps].sort());
  });

  it.skipIf(!q72)("runs the README's example from a plain ESM script; QEMU 7.2 agrees on the DTB", () => {
    writeFileSync(join(project, "example.mjs"), readmeExample());
    const r = spawnSync(process.execPath, ["example.mjs"], { cwd: project, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const dtb = infoRoms(q72!.binary("aarch64"), QEMU_ARGS, project).find((x) => x.name === "dtb");
    expect(dtb).toBeDefined();
    const at = dtb!.addr.toString(16);
    expect(r.stdout).toMatch(new RegExp(`^dtb dtb 0x${at} 0x100000$`, "m"));
    expect(r.stdout).toContain(
      `error: overlap: guest-loader initrd rootfs.cpio (m2) at [0x47000000, 0x48036640) (17000000 bytes) overlaps QEMU's DTB at [0x${at}, `,
    );
  });

  it("type-checks a TypeScript consumer against the shipped .d.ts (and catches a wrong use)", () => {
    const ts = `import { check, type Diagnostic, hex, importCommandArgv } from "@guestmap/core";
const { layout } = importCommandArgv(["qemu-system-riscv64", "-M", "virt", "-m", "1G"]);
const ds: readonly Diagnostic[] = check(layout).diagnostics;
const first: bigint | undefined = check(layout).placement.regions[0]?.addr;
console.log(ds.length, first === undefined ? "-" : hex(first));
`;
    writeFileSync(join(project, "good.ts"), ts);
    writeFileSync(
      join(project, "bad.ts"),
      `${ts}const n: number = check(layout).placement.regions[0]!.addr;\n`,
    );
    const compilerOptions = {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noEmit: true,
      types: [],
    };
    const tsc = (file: string) => {
      writeFileSync(
        join(project, `tsconfig.${file}.json`),
        JSON.stringify({ compilerOptions, files: [file] }),
      );
      return spawnSync(join(root, "node_modules", ".bin", "tsc"), ["-p", `tsconfig.${file}.json`], {
        cwd: project,
        encoding: "utf8",
      });
    };
    const good = tsc("good.ts");
    expect(good.status, good.stdout).toBe(0);
    const bad = tsc("bad.ts");
    expect(bad.status).not.toBe(0);
    expect(bad.stdout).toMatch(/bad\.ts.*error TS2322: Type 'bigint' is not assignable to type 'number'/);
  });
});
