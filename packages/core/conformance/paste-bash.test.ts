/**
 * What guestmap reads from a pasted script is what the shell hands QEMU: each script here is run
 * by the real bash (a Makefile by the real make) with a stand-in named qemu-system-* first on PATH
 * that records its argv, and guestmap's reading of the same text (with the same variables given)
 * must be that argv exactly. Nothing here needs QEMU itself.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readPastedCommand } from "../src/index.js";
import { haveTool } from "./tools.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-paste-bash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const arch of ["aarch64", "arm", "riscv64"]) {
  const shim = join(dir, `qemu-system-${arch}`);
  writeFileSync(shim, `#!/bin/sh\nprintf '%s\\0' "$0" "$@" > '${dir}/argv'\n`);
  chmodSync(shim, 0o755);
}

interface Case {
  readonly name: string;
  readonly text: string;
  /** Variables the user gives (to bash as its environment, to guestmap as --var). */
  readonly vars?: Record<string, string>;
  readonly make?: boolean;
}

const CASES: Case[] = [
  {
    name: "variables, defaults, quotes and word splitting",
    text: `K=Image; M="-M virt,virtualization=on"; A='console=ttyAMA0 root=/dev/vda'
qemu-system-aarch64 $M -m \${MEM:-1G} -kernel "$K" -append "$A" \\
  -device guest-loader,addr=0x48000000,kernel=$K,bootargs="$A x" -smp \${CPUS-2}`,
  },
  {
    name: 'exec env nice timeout wrappers and an empty "$@"',
    text: `#!/bin/sh
exec env -u DISPLAY LANG=C nice -n 3 timeout --foreground -k 5 60 qemu-system-arm -M virt -kernel zImage "$@"`,
  },
  {
    name: "export, += and a redirection",
    text: `export FLAGS="-M virt"
FLAGS+=" -smp 2"
qemu-system-riscv64 $FLAGS -bios none -kernel 'my kernel.bin' -append "a\\"b \\$c" 2>/dev/null`,
  },
  {
    name: "other commands around, a conditional, a cd && chain",
    text: `set -e
if [ -n "\${X:-}" ]; then echo hi; fi
cd . && qemu-system-aarch64 -M virt -m 512 -append "$'q' it's" </dev/null`,
  },
  {
    name: "a variable the user gives, and the command behind $QEMU_CMD",
    text: `export QEMU_CMD="qemu-system-aarch64 -M virt -m 1G"
$QEMU_CMD -kernel Image -initrd "$ROOTFS" -append "root=/dev/ram0"`,
    vars: { ROOTFS: "out/rootfs image.cpio" },
  },
  {
    name: "a Makefile's run target",
    make: true,
    text: `QEMU ?= qemu-system-riscv64
MEM := 1G
KERNEL = $(BUILD)/Image
BUILD = out

all:
\techo building

run: all
\t@$(QEMU) -M virt -m $(MEM) \\
\t  -kernel $(KERNEL) -append 'console=ttyS0 $$HOME'
`,
  },
];

function runShell(c: Case): string[] {
  const file = join(dir, c.make ? "Makefile" : "script.sh");
  writeFileSync(file, c.text);
  rmSync(join(dir, "argv"), { force: true });
  const r = spawnSync(c.make ? "make" : "bash", c.make ? ["-s", "-f", file, "run"] : [file], {
    cwd: dir,
    env: { PATH: `${dir}:${process.env.PATH}`, HOME: "/home/me", ...c.vars },
    encoding: "utf8",
  });
  const parts = readFileSync(join(dir, "argv"), "utf8").split("\0");
  parts.pop();
  expect(parts.length, r.stderr).toBeGreaterThan(0);
  // The stand-in sees its own path as $0; QEMU's program name is what the script wrote.
  return parts.slice(1);
}

describe.skipIf(!haveTool("bash") || !haveTool("make"))(
  "guestmap reads the argv the shell hands QEMU",
  () => {
    it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      const shell = runShell(c);
      const ours = readPastedCommand(c.text, { vars: c.vars });
      expect(ours.issues.filter((i) => i.severity === "error")).toEqual([]);
      expect(ours.argv.slice(1)).toEqual(shell);
      expect(ours.argv[0]).toMatch(/qemu-system-/);
    });
  },
);
