/**
 * Raw memory image: a 1 GiB span holding 2 × 256 MiB blobs of random bytes, written by
 * `guestmap export --image` (end to end, as users run it) against what people script instead —
 * `truncate -s 1G` + `dd conv=notrunc seek=` per blob (bs=1M) — alternating over rounds, each
 * writing a fresh file on the same file system. Targets: ≤ 1.2× dd's wall time; peak RSS
 * ≤ 150 MiB at any span (also measured at a 4 GiB span with the same blobs). The outputs must be
 * byte-identical (checked once here; the image writer's conformance is QEMU's pmemsave).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  alternate,
  cliMain,
  mib,
  ms,
  repoRoot,
  reportRow,
  rounds,
  summary,
  timed,
  timedShell,
} from "./harness.js";

const MiB = 1 << 20;
// On the repository's file system, not tmpfs: /tmp may be memory, which would flatter both.
const dir = mkdtempSync(join(repoRoot, ".bench-image-"));
try {
  const blob = () => {
    const b = new Uint8Array(256 * MiB);
    // crypto.getRandomValues fills at most 64 KiB per call.
    for (let o = 0; o < b.length; o += 65536) crypto.getRandomValues(b.subarray(o, o + 65536));
    return b;
  };
  writeFileSync(join(dir, "a.bin"), blob());
  writeFileSync(join(dir, "b.bin"), blob());
  // The blobs at 0x41000000 and 0x71000000: a 1 GiB span; with -m 8G and the second blob at
  // 0x131000000, a 4 GiB span.
  const argv = (second: string, ram: string) => [
    cliMain,
    "export",
    "--qemu",
    "10.0",
    "--image",
    join(dir, "out.bin"),
    "--",
    "qemu-system-aarch64",
    ...["-M", "virt", "-cpu", "cortex-a57", "-m", ram],
    ...["-device", "guest-loader,addr=0x41000000,initrd=a.bin"],
    ...["-device", `guest-loader,addr=${second},initrd=b.bin`],
  ];
  const dd = [
    "truncate -s 1G dd.bin",
    "dd if=a.bin of=dd.bin bs=1M conv=notrunc status=none",
    "dd if=b.bin of=dd.bin bs=1M seek=768 conv=notrunc status=none",
  ].join(" && ");
  // Before each run: remove that side's previous output and let the kernel write back every
  // dirty page, so no run pays for the write-back of the one before it.
  // The floor for any Node program: the same copy with nothing but node's start-up, synchronous
  // 1 MiB reads and writes at explicit positions into a truncated file, as dd does. guestmap cannot
  // beat it by more than copying faster than dd; it measures how much of the gap is Node itself.
  const floor = [
    "const fs = require('fs'); const out = fs.openSync('floor.bin', 'w'); fs.ftruncateSync(out, 1 << 30);",
    "const buf = Buffer.allocUnsafe(1 << 20);",
    "for (const [f, at] of [['a.bin', 0], ['b.bin', 768 << 20]]) { const fd = fs.openSync(f, 'r');",
    "for (let pos = 0, n; (n = fs.readSync(fd, buf, 0, buf.length, pos)) > 0; pos += n) fs.writeSync(out, buf, 0, n, at + pos);",
    "fs.closeSync(fd); } fs.closeSync(out);",
  ].join(" ");
  const clean = (variant?: string) => {
    // Each variant's own output only, so the last round's outputs are there to compare.
    if (variant !== "dd" && variant !== "node") rmSync(join(dir, "out.bin"), { force: true });
    if (variant !== "guestmap" && variant !== "node") rmSync(join(dir, "dd.bin"), { force: true });
    if (variant !== "guestmap" && variant !== "dd") rmSync(join(dir, "floor.bin"), { force: true });
    spawnSync("sync");
  };
  const n = rounds(7);
  const runs = alternate(
    n,
    {
      guestmap: () => timed(process.execPath, argv("0x71000000", "2G"), { cwd: dir }),
      dd: () => timedShell(dd, { cwd: dir }),
      node: () => timed(process.execPath, ["-e", floor], { cwd: dir }),
    },
    clean,
  );
  const identical = readFileSync(join(dir, "out.bin")).equals(readFileSync(join(dir, "dd.bin")));
  const floorSame = readFileSync(join(dir, "floor.bin")).equals(readFileSync(join(dir, "dd.bin")));
  clean();
  const wide = summary(
    alternate(
      Math.max(1, n >> 1),
      { g: () => timed(process.execPath, argv("0x131000000", "8G"), { cwd: dir }) },
      clean,
    ).g,
  );
  clean();
  const g = summary(runs.guestmap);
  const d = summary(runs.dd);
  const f = summary(runs.node);
  console.log(
    `${n} rounds. guestmap ${ms(g.wallMs)} wall, ${ms(g.cpuMs)} CPU, ${mib(g.maxRssMiB)}; truncate + dd ${ms(d.wallMs)} wall, ${ms(d.cpuMs)} CPU, ${mib(d.maxRssMiB)}; 4 GiB span: ${ms(wide.wallMs)}, ${mib(wide.maxRssMiB)}`,
  );
  const ratio = g.wallMs / d.wallMs;
  reportRow({
    what: "raw image, 1 GiB span, 2 × 256 MiB: `guestmap export --image`",
    anchor: "`truncate` + `dd conv=notrunc seek=` (bs=1M)",
    guestmap: `${ms(g.wallMs)} (CPU ${ms(g.cpuMs)})${identical ? ", identical" : ", OUTPUT DIFFERS"}`,
    anchorValue: `${ms(d.wallMs)} (CPU ${ms(d.cpuMs)})`,
    ratio,
    target: "≤ 1.2× dd",
    met: ratio <= 1.2 && identical,
  });
  reportRow({
    what: "raw image, the same copy by a bare Node script (sync 1 MiB reads and writes): Node's floor",
    anchor: "`truncate` + `dd conv=notrunc seek=` (bs=1M)",
    guestmap: `${ms(f.wallMs)} (CPU ${ms(f.cpuMs)})${floorSame ? ", identical" : ", OUTPUT DIFFERS"}`,
    anchorValue: `${ms(d.wallMs)} (CPU ${ms(d.cpuMs)})`,
    ratio: f.wallMs / d.wallMs,
    target: "—",
  });
  const peak = Math.max(g.maxRssMiB, wide.maxRssMiB);
  reportRow({
    what: "raw image peak RSS, 1 GiB and 4 GiB spans",
    anchor: "—",
    guestmap: `${mib(g.maxRssMiB)} / ${mib(wide.maxRssMiB)}`,
    target: "≤ 150 MiB at any span",
    met: peak <= 150,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
