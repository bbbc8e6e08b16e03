/**
 * A realistic boot script — variables, `${VAR:-default}`, word-split flags, `exec env … timeout …
 * nice … taskset`, `"$@"`, a pipe into tee — run by the real bash with the real QEMU, against the
 * same script imported by guestmap and exported again: both must load the same bytes at the same
 * addresses (`info roms`) and write the same /chosen. A small shim named qemu-system-aarch64 first
 * on PATH starts the real binary stopped (-S) with QMP on stdin: it adds flags, never changes the
 * script's own arguments.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  decodeFdt,
  exportArgv,
  type FdtNode,
  findNode,
  formatCommand,
  importShellCommand,
  readPastedCommand,
} from "../src/index.js";
import { arm64Image, cpioBlob } from "../test/fixtures/kernels.js";
import { type QemuInstall, qemuInstalls } from "./qemu.js";
import { haveTool } from "./tools.js";

const root = mkdtempSync(join(tmpdir(), "guestmap-roundtrip-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, "out"));
writeFileSync(join(root, "out/xen"), arm64Image(1 << 20, 0n, 2n << 20n));
writeFileSync(join(root, "out/Image"), arm64Image(20 << 20, 0n, 22n << 20n));
writeFileSync(join(root, "out/rootfs.cpio"), cpioBlob(6 << 20));

const SCRIPT = `#!/bin/bash
# Boot Xen with a dom0 through guest-loader.
set -euo pipefail
BUILD=out
XEN=$BUILD/xen
MEM=\${MEM:-2G}
DOM0_ARGS="root=/dev/ram0 console=hvc0 earlyprintk=xen"
QEMU_FLAGS="-machine virt,virtualization=on -cpu cortex-a57 -smp 2"

exec env LANG=C timeout -k 1 240 nice -n 5 taskset -c 0-1 qemu-system-aarch64 $QEMU_FLAGS -m $MEM \\
    -kernel "$XEN" -append "dom0_mem=1G,max:1G loglvl=all" \\
    -device guest-loader,addr=0x42000000,kernel=$BUILD/Image,bootargs="$DOM0_ARGS" \\
    -device guest-loader,addr=0x47000000,initrd=\${ROOTFS} \\
    -nographic "$@" 2>&1 | tee boot.log
`;
/** The one variable the script does not set, as a user gives it (--var / the app's form). */
const VARS = { ROOTFS: "out/rootfs.cpio" };

const QMP = [
  { execute: "qmp_capabilities" },
  { execute: "human-monitor-command", arguments: { "command-line": "info roms" } },
  { execute: "quit" },
]
  .map((c) => JSON.stringify(c))
  .join("\n");

/** Runs `text` with bash, QEMU being `install`'s binary behind the shim; returns `info roms`. */
function runThroughBash(
  install: QemuInstall,
  name: string,
  text: string,
  env: Record<string, string>,
  roms = true,
): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "qmp.in"), `${QMP}\n`);
  const shim = join(dir, "qemu-system-aarch64");
  // The real binary by its full path: the shim itself is qemu-system-aarch64 on PATH.
  const real = spawnSync("sh", ["-c", 'command -v "$1"', "sh", install.binary("aarch64")], {
    encoding: "utf8",
  }).stdout.trim();
  writeFileSync(
    shim,
    `#!/bin/sh\nprintf '%s\\0' "$@" > '${dir}/argv'\nif [ -n "$DUMP_DTB" ]; then exec '${real}' "$@" -display none -serial none -monitor none -net none -machine dumpdtb="$DUMP_DTB" > /dev/null 2>&1; fi\nexec '${real}' "$@" -S -display none -serial none -monitor none -net none -qmp stdio < '${dir}/qmp.in' > '${dir}/qmp.out' 2> '${dir}/qemu.err'\n`,
  );
  chmodSync(shim, 0o755);
  writeFileSync(join(dir, "boot.sh"), text);
  const r = spawnSync("bash", [join(dir, "boot.sh")], {
    cwd: root,
    env: { ...process.env, ...env, PATH: `${dir}:${process.env.PATH}` },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (!roms) return "";
  const out = readFileSync(join(dir, "qmp.out"), "utf8");
  const reply = out
    .split("\n")
    .filter((l) => l.includes('"return"'))
    .map((l) => JSON.parse(l) as { return: unknown })
    .find((m) => typeof m.return === "string");
  if (!reply)
    throw new Error(`QEMU gave no info roms: ${r.stderr} ${readFileSync(join(dir, "qemu.err"), "utf8")}`);
  return String(reply.return).trim();
}

/** /chosen of the DTB QEMU builds when bash runs `text`, without the per-boot random seeds. */
function chosenThroughBash(
  install: QemuInstall,
  name: string,
  text: string,
  env: Record<string, string>,
): string {
  const file = join(root, `${name}.dtb`);
  runThroughBash(install, name, text, { ...env, DUMP_DTB: file }, false);
  const chosen = findNode(decodeFdt(new Uint8Array(readFileSync(file))).root, "/chosen")!;
  const props = (n: FdtNode) =>
    n.props
      .filter((p) => !/seed$/.test(p.name))
      .map((p) => `${p.name}=${Buffer.from(p.value).toString("hex")}`)
      .join(";");
  return [props(chosen), ...chosen.children.map((c) => `${c.name}{${props(c)}}`)].join("\n");
}

function argvSeen(name: string): string[] {
  const parts = readFileSync(join(root, name, "argv"), "utf8").split("\0");
  parts.pop();
  return parts;
}

describe.skipIf(!haveTool("bash") || !haveTool("taskset"))(
  "a pasted script round-trips to the same QEMU",
  () => {
    for (const install of qemuInstalls())
      it(`QEMU ${install.version}: bash running the script = guestmap import → export`, () => {
        const original = runThroughBash(install, `orig-${install.version}`, SCRIPT, VARS);

        // guestmap reads exactly the argv bash hands to QEMU (the program name aside).
        const pasted = readPastedCommand(SCRIPT, { vars: VARS });
        expect(pasted.argv.slice(1)).toEqual(argvSeen(`orig-${install.version}`));
        expect(pasted.issues.map((i) => i.code)).toContain("wrapper-skipped");

        const imported = importShellCommand(SCRIPT, { vars: VARS });
        expect(imported.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const exported = exportArgv(imported.layout);
        if (!exported.ok) throw new Error(exported.issues.map((i) => i.message).join("; "));
        const script = `#!/bin/sh\nexec ${formatCommand(exported.groups, "multiline")}`;
        const again = runThroughBash(install, `export-${install.version}`, script, {});
        expect(again).toBe(original);
        expect(again).toContain("out/rootfs.cpio");
        const chosen = chosenThroughBash(install, `orig-dtb-${install.version}`, SCRIPT, VARS);
        expect(chosen, chosen).toContain("module@0x42000000");
        expect(chosenThroughBash(install, `export-dtb-${install.version}`, script, {})).toBe(chosen);
        // The export has none of the wrappers, variables or redirections.
        expect(exported.argv.join(" ")).not.toMatch(/timeout|taskset|nice|LANG=|\$|tee/);
      });
  },
);
