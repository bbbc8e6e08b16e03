/**
 * Cold start of the CLI as installed (`bin/guestmap.js`, which runs the bundle):
 * `guestmap check -- <the README's Xen example>` against `node -e 0`, alternating over rounds in
 * the same run. CPU is user + system time of the whole process tree from the kernel's rusage
 * (/usr/bin/time): node itself and any `qemu-system-aarch64 --version` it runs. Target (issue 13):
 * ≤ 1.5 × node's CPU. The first run fills the QEMU version cache, as a user's first run does; the
 * medians are of the runs after it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { arm64Image, cpioBlob } from "../packages/core/test/fixtures/kernels.js";
import { alternate, ms, repoRoot, reportRow, rounds, summary, timedShell } from "./harness.js";

const TARGET = 1.5;

if (!existsSync(join(repoRoot, "packages/cli/dist/bundle/guestmap.js"))) {
  const r = spawnSync(process.execPath, [join(repoRoot, "scripts/bundle-cli.mjs")], { stdio: "inherit" });
  if (r.status !== 0) process.exit(1);
}

// Debian 12's xen and Linux 6.1 Image header fields and sizes, and the README's 17,000,000-byte rootfs.
const dir = mkdtempSync(join(tmpdir(), "guestmap-cold-"));
const sized = (name: string, head: Uint8Array, size: number) => {
  writeFileSync(join(dir, name), head);
  truncateSync(join(dir, name), size);
};
sized("xen", arm64Image(4096, 0n, 0x1360c8n), 0xf0008);
sized("Image", arm64Image(4096, 0n, 0x2010000n), 0x1f6dfc0);
sized("rootfs.cpio", cpioBlob(4096), 17_000_000);

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const XEN = [
  "qemu-system-aarch64",
  "-M",
  "virt,virtualization=on",
  "-cpu",
  "cortex-a57",
  "-m",
  "2G",
  "-kernel",
  "xen",
  "-append",
  "dom0_mem=1G,max:1G",
  "-device",
  "guest-loader,addr=0x42000000,kernel=Image,bootargs=root=/dev/sda2 ro console=hvc0",
  "-device",
  "guest-loader,addr=0x47000000,initrd=rootfs.cpio",
];
const node = q(process.execPath);
const launcher = q(join(repoRoot, "packages/cli/bin/guestmap.js"));
// Both as `bash -c 'CMD; check status'`: the same shape (bash forks, waits, tests) on each side.
// `check` exits 1 here: it finds the rootfs on QEMU's DTB.
const variants = {
  node: () => timedShell(`${node} -e 0; [ $? -eq 0 ]`, { cwd: dir }),
  guestmap: () =>
    timedShell(`${node} ${launcher} check -- ${XEN.map(q).join(" ")} >/dev/null; [ $? -eq 1 ]`, { cwd: dir }),
};

try {
  variants.guestmap(); // fills the QEMU version cache and the page cache
  const n = rounds(21);
  const r = alternate(n, variants);
  const anchor = summary(r.node);
  const ours = summary(r.guestmap);
  const ratio = ours.cpuMs / anchor.cpuMs;
  console.log(
    `${n} alternating rounds; wall: node -e 0 ${ms(anchor.wallMs)}, guestmap check ${ms(ours.wallMs)}`,
  );
  reportRow({
    what: "`guestmap check -- <the Xen example>` cold start, CPU of the process tree",
    anchor: "node -e 0",
    guestmap: ms(ours.cpuMs),
    anchorValue: ms(anchor.cpuMs),
    ratio,
    target: `≤ ${TARGET}× node -e 0`,
    met: ratio <= TARGET,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
