/**
 * The fixed-DTB export, end to end as a user runs it: `guestmap export --dtb --base-dtb
 * --fixed-dtb --cmdline run.sh`, then `sh run.sh` starts the real QEMU (through a PATH shim that
 * adds `-S` and QMP). QEMU must load every blob where the guest-loader layout put it, boot the
 * merged DTB whose /chosen lists them, and place everything where `guestmap placements` says.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dumpDtb, type QemuInstall, qemuInstalls, qemuLabel } from "../../core/conformance/qemu.js";
import { haveTool } from "../../core/conformance/tools.js";
import { decodeFdt, findNode, printDts } from "../../core/src/index.js";
import { cpioBlob, rawBlob } from "../../core/test/fixtures/kernels.js";
import { runCli } from "../test/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-fixed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MACHINE = ["-M", "virt,virtualization=on", "-cpu", "cortex-a57", "-m", "2G"];
const files = {
  xen: rawBlob(0x9000, 21),
  "Image k": rawBlob(0x30000, 22),
  "root,fs.cpio": cpioBlob(0x50000, 23),
};

/** Runs `sh run.sh` with qemu-system-aarch64 shimmed to `q`'s, stopped at reset and answering QMP on stdio. */
function runScriptStopped(q: QemuInstall, commands: object[]): unknown[] {
  const shimDir = join(dir, "shim");
  mkdirSync(shimDir, { recursive: true });
  const real = spawnSync("sh", ["-c", 'command -v "$1"', "sh", q.binary("aarch64")], {
    encoding: "utf8",
  }).stdout.trim();
  const shim = join(shimDir, "qemu-system-aarch64");
  writeFileSync(
    shim,
    `#!/bin/sh\nexec ${real} "$@" -S -display none -serial none -monitor none -net none -qmp stdio\n`,
  );
  chmodSync(shim, 0o755);
  const script = [{ execute: "qmp_capabilities" }, ...commands, { execute: "quit" }]
    .map((c) => JSON.stringify(c))
    .join("\n");
  const r = spawnSync("sh", ["run.sh"], {
    cwd: dir,
    input: `${script}\n`,
    encoding: "utf8",
    env: { ...process.env, PATH: `${shimDir}:${process.env.PATH}` },
    timeout: 60_000,
  });
  const returns = r.stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as { return?: unknown; error?: unknown })
    .filter((m) => "return" in m || "error" in m)
    .map((m) => m.return);
  if (returns.length < commands.length + 2) throw new Error(`QEMU did not answer: ${r.stderr}`);
  return returns.slice(1, 1 + commands.length);
}

for (const q of haveTool("dtc") ? qemuInstalls() : [])
  describe(`export --fixed-dtb on ${qemuLabel(q)}`, () => {
    it("loads the same blobs and boots a DTB with the same /chosen modules", async () => {
      for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
      writeFileSync(join(dir, "base.dtb"), dumpDtb(q.binary("aarch64"), MACHINE, dir));
      const argv = [
        "qemu-system-aarch64",
        ...MACHINE,
        ...["-kernel", "xen", "-append", "dom0_mem=1G,max:1G"],
        ...["-device", "guest-loader,addr=0x42000000,kernel=Image k,bootargs=root=/dev/sda2 ro,,quiet"],
        ...["-device", "guest-loader,addr=0x47000000,initrd=root,,fs.cpio"],
      ];
      const r = await runCli(
        [
          "export",
          "--qemu",
          q.version,
          "--dtb",
          "merged.dtb",
          "--base-dtb",
          "base.dtb",
          "--fixed-dtb",
          "--cmdline",
          "run.sh",
          "--",
          ...argv,
        ],
        dir,
      );
      expect(r.code, r.stderr).toBe(0);
      const scriptArgv = readFileSync(join(dir, "run.sh"), "utf8");
      expect(scriptArgv).toMatch(/-dtb merged\.dtb/);
      expect(scriptArgv).not.toMatch(/guest-loader/);

      const [roms, k, rd] = runScriptStopped(q, [
        { execute: "human-monitor-command", arguments: { "command-line": "info roms" } },
        { execute: "pmemsave", arguments: { val: 0x42000000, size: 0x30000, filename: join(dir, "k.mem") } },
        { execute: "pmemsave", arguments: { val: 0x47000000, size: 0x50000, filename: join(dir, "r.mem") } },
      ]);
      expect(k).toEqual({});
      expect(rd).toEqual({});
      expect(Buffer.from(readFileSync(join(dir, "k.mem"))).equals(Buffer.from(files["Image k"]))).toBe(true);
      expect(Buffer.from(readFileSync(join(dir, "r.mem"))).equals(Buffer.from(files["root,fs.cpio"]))).toBe(
        true,
      );

      // The DTB QEMU placed: where guestmap says, and with the modules in /chosen.
      const dtbLine = /addr=([0-9a-f]+) size=0x([0-9a-f]+) mem=ram name="dtb"/.exec(String(roms));
      expect(dtbLine).not.toBeNull();
      // bash splits the script's command line, as it will when the user runs it.
      const line = scriptArgv.trim().split("\n").pop()!;
      const words = spawnSync("bash", ["-c", 'eval "set -- $1"; printf "%s\\0" "$@"', "_", line], {
        encoding: "utf8",
      }).stdout.split("\0");
      words.pop();
      expect(words).toContain("loader,file=Image k,addr=0x42000000,force-raw=on");
      const p = await runCli(["placements", "--json", "--qemu", q.version, "--", ...words], dir);
      const ours = JSON.parse(p.stdout).regions.find((x: { role: string }) => x.role === "dtb");
      expect(BigInt(ours.addr)).toBe(BigInt(`0x${dtbLine![1]}`));
      expect(BigInt(ours.size)).toBe(BigInt(`0x${dtbLine![2]}`));
      const [saved] = runScriptStopped(q, [
        {
          execute: "pmemsave",
          arguments: {
            val: Number(BigInt(ours.addr)),
            size: Number(BigInt(ours.size)),
            filename: join(dir, "dtb.mem"),
          },
        },
      ]);
      expect(saved).toEqual({});
      const inRam = decodeFdt(new Uint8Array(readFileSync(join(dir, "dtb.mem"))));
      const chosen = printDts({
        ...inRam,
        root: { name: "", props: [], children: [findNode(inRam, "/chosen")!] },
      });
      // Compare with what QEMU itself builds from the guest-loader command line.
      const qemuOwn = decodeFdt(dumpDtb(q.binary("aarch64"), argv.slice(1), dir));
      const own = printDts({
        ...qemuOwn,
        root: { name: "", props: [], children: [findNode(qemuOwn, "/chosen")!] },
      });
      const modules = (t: string) => t.slice(t.indexOf("module@"));
      expect(modules(chosen)).toBe(modules(own));
      expect(chosen).toContain('bootargs = "dom0_mem=1G,max:1G";');
    });
  });
