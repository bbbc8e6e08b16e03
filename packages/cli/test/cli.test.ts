import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "k.bin"), new Uint8Array(4096));
writeFileSync(join(dir, "r.bin"), new Uint8Array(8192));

const layout = (extra: object = {}) =>
  JSON.stringify({
    format: "guestmap-layout",
    version: 1,
    machine: { arch: "aarch64", ram: "2G", cpu: "cortex-a57" },
    kernel: { path: "k.bin" },
    modules: [
      { id: "k", addr: "0x42000000", kernel: { path: "k.bin" } },
      { id: "r", addr: "0x47000000", initrd: { path: "r.bin" } },
    ],
    ...extra,
  });

describe("guestmap CLI", () => {
  it("--help lists the commands", async () => {
    const r = await runCli(["--help"], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/guestmap placements/);
    expect(r.stdout).toMatch(/guestmap check/);
  });

  it("an unknown command is bad input (2) with a one-line error", async () => {
    const r = await runCli(["plaements"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown command 'plaements'/);
  });

  it("a --qemu version older than 7.2 is refused, naming the oldest modelled", async () => {
    writeFileSync(join(dir, "ok.json"), layout());
    const r = await runCli(["placements", "--qemu", "6.1", "ok.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/QEMU 6\.1 is older than 7\.2/);
    const bad = await runCli(["placements", "--qemu", "ten", "ok.json"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/'ten' is not a QEMU version/);
  });

  it("--qemu takes any version from 7.2 up and says which it models", async () => {
    writeFileSync(join(dir, "ok.json"), layout());
    for (const v of ["7.2", "8.1.3", "10.0.2", "10.1", "11.0"]) {
      const r = await runCli(["placements", "--qemu", v, "ok.json"], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`QEMU profile ${v} (from --qemu)`);
    }
  });

  it("reads a layout file, resolving blobs against its folder, and prints JSON regions", async () => {
    writeFileSync(join(dir, "ok.json"), layout());
    const r = await runCli(["placements", "--json", "--qemu", "7.2", join(dir, "ok.json")], "/");
    expect(r.code).toBe(0);
    const regions = JSON.parse(r.stdout).regions;
    expect(regions).toContainEqual({
      name: "k.bin",
      role: "module-kernel",
      addr: "0x42000000",
      size: "0x1000",
    });
    expect(regions).toContainEqual({ name: "dtb", role: "dtb", addr: "0x48000000", size: "0x100000" });
  });

  it("a missing file is bad input naming the option and the path", async () => {
    const r = await runCli(["check", "--", "qemu-system-aarch64", "-M", "virt", "-kernel", "nope.bin"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-kernel nope\.bin: cannot read .*nope\.bin \(no such file\)/);
  });

  it("a bad layout names the field and what was expected", async () => {
    writeFileSync(join(dir, "bad.json"), layout({ modules: [{ addr: "0x4g", initrd: { path: "r.bin" } }] }));
    const r = await runCli(["check", "bad.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/modules\[0\]\.addr: expected an address/);
  });

  it("check exits 1 on errors and 0 on a clean layout", async () => {
    writeFileSync(join(dir, "ok.json"), layout());
    expect((await runCli(["check", "--qemu", "7.2", "ok.json"], dir)).code).toBe(0);
    writeFileSync(
      join(dir, "clash.json"),
      layout({ modules: [{ id: "r", addr: "0x48000000", initrd: { path: "r.bin" } }] }),
    );
    const r = await runCli(["check", "--json", "--qemu", "7.2", "clash.json"], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics[0]).toMatchObject({
      severity: "error",
      code: "overlap",
      regions: ["r", "dtb"],
      start: "0x48000000",
      end: "0x48002000",
    });
  });

  it("names the profile it chose in human output", async () => {
    writeFileSync(join(dir, "ok.json"), layout());
    const r = await runCli(["placements", "--qemu", "8.2", "ok.json"], dir);
    expect(r.stdout).toMatch(/^QEMU profile 8\.2 \(from --qemu\)/);
  });
});

describe("guestmap export: unwritable outputs are bad input, not crashes", () => {
  const argv = [
    "--",
    "qemu-system-aarch64",
    "-M",
    "virt",
    "-cpu",
    "cortex-a57",
    "-m",
    "2G",
    "-device",
    "guest-loader,addr=0x42000000,kernel=k.bin",
  ];
  it.each([
    [
      "a missing folder",
      ["--dtb", "/nonexistent-guestmap-dir/x.dtb"],
      /cannot write --dtb \/nonexistent-guestmap-dir\/x\.dtb: its folder does not exist/,
    ],
    ["a folder", ["--dtb", "."], /cannot write \.: it is a folder; give a file name/],
    [
      "a missing folder for the script",
      ["--cmdline", "/nonexistent-guestmap-dir/run.sh"],
      /its folder does not exist/,
    ],
  ])("%s", async (_label, opts, re) => {
    const r = await runCli(["export", ...opts, ...argv], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("guestmap CLI: messages", () => {
  it("a bad layout lists its fields on one line without stray separators", async () => {
    writeFileSync(join(dir, "bad2.json"), layout({ machine: { arch: "aarch64", ram: "lots" } }));
    const r = await runCli(["check", "bad2.json"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^guestmap check: bad2\.json is not a valid guestmap layout: machine\.ram: expected a RAM size/,
    );
    expect(r.stderr).not.toContain(":;");
  });

  it("an unknown option is named as such wherever it stands", async () => {
    writeFileSync(join(dir, "ok.json"), layout());
    for (const args of [
      ["check", "--bogus", "ok.json"],
      ["check", "ok.json", "--bogus"],
    ]) {
      const r = await runCli(args, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/unknown option '--bogus'/);
    }
  });

  it("import notes the environment assignments it leaves out", async () => {
    writeFileSync(
      join(dir, "pasted.sh"),
      "QEMU_AUDIO_DRV=none qemu-system-aarch64 -M virt -m 1G \\\n  -kernel k.bin\n",
    );
    const r = await runCli(["import", "--from", "pasted.sh"], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/QEMU_AUDIO_DRV=none sets the environment.*leaves it out/);
    expect(JSON.parse(r.stdout).kernel).toEqual({ path: "k.bin" });
  });
});
