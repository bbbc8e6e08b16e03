/**
 * Cold start of the CLI as installed (`bin/guestmap.cjs`, which runs the bundle):
 * `guestmap check -- <the README's Xen example>` against `node -e 0`, alternating over rounds in
 * the same run. CPU is user + system time of the whole process tree from the kernel's rusage
 * (/usr/bin/time): node itself and any `qemu-system-aarch64 --version` it runs. Target (issue 13):
 * ≤ 1.5 × node's CPU. The first run fills the QEMU version cache and the launcher's V8 code
 * cache (bin/load-bundle.cjs), as a user's first run does; the medians are of the runs after it.
 * The first run of a new install is measured too, alternating with the others: its code cache
 * empty (a fresh GUESTMAP_CACHE holding only the QEMU version), so it compiles every chunk and
 * stores the bytecode at exit.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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
// The bench's own caches, not the user's: the warm one filled by the first run below.
const warmCache = join(dir, "cache");
let fresh = 0;
/** An empty code cache that knows the QEMU version (made before each first-run sample, untimed). */
function freshCache(): string {
  const c = join(dir, `fresh${++fresh}`);
  mkdirSync(c);
  const versions = join(warmCache, "qemu-versions.json");
  if (existsSync(versions)) copyFileSync(versions, join(c, "qemu-versions.json"));
  return c;
}
let nextFresh = "";
/**
 * One run of `bash -c 'CMD; times'`: CPU of bash's finished children (the command's whole tree)
 * from the second line of `times`, wall time measured here. `status` is CMD's exit status.
 */
function timedTimes(cmd: string, expectStatus: number, cache = warmCache): Sample {
  const t0 = performance.now();
  const r = spawnSync("bash", ["-c", `${cmd} >/dev/null 2>&1; s=$?; times; exit $s`], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, GUESTMAP_CACHE: cache },
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
  first: () => timedTimes(`${node} ${launcher} check -- ${XEN.map(q).join(" ")}`, 1, nextFresh),
};

try {
  variants.guestmap(); // fills the QEMU version and code caches, and the page cache
  const n = rounds(21);
  const r = alternate(n, variants, (v) => {
    if (v === "first") nextFresh = freshCache();
  });
  const anchor = summary(r.node);
  const ours = summary(r.guestmap);
  const first = summary(r.first);
  const ratio = ours.cpuMs / anchor.cpuMs;
  const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  console.log(
    `${n} alternating rounds, load average ${load}; wall: node -e 0 ${ms(anchor.wallMs)}, guestmap check ${ms(ours.wallMs)}, first run ${ms(first.wallMs)}`,
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
  reportRow({
    what: "the same, first run of a new install (V8 code cache empty: compiled, then stored)",
    anchor: "node -e 0",
    guestmap: ms(first.cpuMs),
    anchorValue: ms(anchor.cpuMs),
    ratio: first.cpuMs / anchor.cpuMs,
    target: "—",
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
