/**
 * Cold start of the packed CLI: `guestmap check -- <the README's Xen example>` against `node -e 0`,
 * alternating A/B over several rounds in the same run. CPU is user + system time of the whole
 * process tree as the kernel counts it (bash's `times`, children line): node itself and the
 * `qemu-system-aarch64 --version` the command runs to pick QEMU's profile. Target (issue 13):
 * guestmap's median ≤ 1.5 × node's.
 *
 *   npm run bench cold-start
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { arm64Image, cpioBlob } from "../packages/core/test/fixtures/kernels.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ROUNDS = Number(process.env.GUESTMAP_BENCH_ROUNDS ?? 21);
const TARGET = 1.5;

const bundle = join(root, "packages/cli/dist/bundle/guestmap.js");
if (!existsSync(bundle)) {
  const r = spawnSync(process.execPath, [join(root, "scripts/bundle-cli.mjs")], { stdio: "inherit" });
  if (r.status !== 0) process.exit(1);
}
const launcher = join(root, "packages/cli/bin/guestmap.js");

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
const commands = {
  "node -e 0": `${node} -e 0`,
  "guestmap check": `${node} ${q(launcher)} check -- ${XEN.map(q).join(" ")}`,
};

/** CPU (user + sys, ms) and wall time of one run, from bash's `times` for its finished children. */
function measure(cmd: string, expectStatus: number): { cpu: number; wall: number } {
  const t0 = performance.now();
  const r = spawnSync("bash", ["-c", `${cmd} >/dev/null 2>&1; s=$?; times; exit $s`], {
    cwd: dir,
    encoding: "utf8",
  });
  const wall = performance.now() - t0;
  if (r.status !== expectStatus) throw new Error(`${cmd}: exit ${r.status}, expected ${expectStatus}`);
  const children = r.stdout.trim().split("\n")[1] ?? "";
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`cannot read bash's times: ${r.stdout}`);
  return { cpu: (secs[0]! + secs[1]!) * 1000, wall };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

try {
  // The check finds the collision with QEMU's DTB: exit 1 is the command working.
  const expect = { "node -e 0": 0, "guestmap check": 1 } as const;
  const cpu: Record<string, number[]> = { "node -e 0": [], "guestmap check": [] };
  const wall: Record<string, number[]> = { "node -e 0": [], "guestmap check": [] };
  for (const [name, cmd] of Object.entries(commands)) measure(cmd, expect[name as keyof typeof expect]); // warm the page cache
  for (let i = 0; i < ROUNDS; i++) {
    const order =
      i % 2 ? (["guestmap check", "node -e 0"] as const) : (["node -e 0", "guestmap check"] as const);
    for (const name of order) {
      const m = measure(commands[name], expect[name]);
      cpu[name]!.push(m.cpu);
      wall[name]!.push(m.wall);
    }
  }
  const anchor = median(cpu["node -e 0"]!);
  const ours = median(cpu["guestmap check"]!);
  const ratio = ours / anchor;
  console.log(`cold start, ${ROUNDS} alternating rounds, medians (CPU = user+sys of the process tree):`);
  console.log(
    `  node -e 0                          CPU ${anchor.toFixed(0).padStart(4)} ms   wall ${median(wall["node -e 0"]!).toFixed(0).padStart(4)} ms`,
  );
  console.log(
    `  guestmap check -- <Xen example>    CPU ${ours.toFixed(0).padStart(4)} ms   wall ${median(wall["guestmap check"]!).toFixed(0).padStart(4)} ms   ${ratio.toFixed(2)}× node's CPU (target ≤ ${TARGET}×)`,
  );
  if (ratio > TARGET) {
    console.log(`MISSED: cold start is ${ratio.toFixed(2)}× node -e 0 (target ≤ ${TARGET}×)`);
    process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
