/**
 * Cold start of the CLI as installed (`bin/guestmap.cjs`, which runs the bundle):
 * `guestmap check -- <the README's Xen example>` against `node -e 0`, alternating over rounds in
 * the same run. CPU is user + system time of the whole process tree from the kernel's rusage
 * (/usr/bin/time): node itself and any `qemu-system-aarch64 --version` it runs. Target (issue 13):
 * ≤ 1.5 × node's CPU. The first run fills the QEMU version cache, as a user's first run does; the
 * medians are of the runs after it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeXenExampleFiles, XEN_EXAMPLE_ARGS } from "../packages/core/test/fixtures/xen-example.js";
import {
  alternate,
  cliMain,
  ensureCliBundle,
  ms,
  reportRow,
  rounds,
  type Sample,
  summary,
} from "./harness.js";

const TARGET = 1.5;

ensureCliBundle();

const dir = mkdtempSync(join(tmpdir(), "guestmap-cold-"));
writeXenExampleFiles(dir);

const q = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
const XEN = ["qemu-system-aarch64", ...XEN_EXAMPLE_ARGS];
const node = q(process.execPath);
const launcher = q(cliMain);
/**
 * One run of `bash -c 'CMD; times'`: CPU of bash's finished children (the command's whole tree)
 * from the second line of `times`, wall time measured here. `status` is CMD's exit status.
 */
function timedTimes(cmd: string, expectStatus: number): Sample {
  const t0 = performance.now();
  const r = spawnSync("bash", ["-c", `${cmd} >/dev/null 2>&1; s=$?; times; exit $s`], {
    cwd: dir,
    encoding: "utf8",
  });
  const wallMs = performance.now() - t0;
  if (r.status !== expectStatus) throw new Error(`${cmd}: exit ${r.status}, expected ${expectStatus}`);
  const children = r.stdout.trim().split("\n")[1] ?? "";
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`cannot read bash's times: ${r.stdout}`);
  return { wallMs, cpuMs: (secs[0]! + secs[1]!) * 1000, maxRssMiB: 0, status: r.status };
}

// `check` exits 1 here: it finds the rootfs on QEMU's DTB.
const variants = {
  node: () => timedTimes(`${node} -e 0`, 0),
  guestmap: () => timedTimes(`${node} ${launcher} check -- ${XEN.map(q).join(" ")}`, 1),
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
