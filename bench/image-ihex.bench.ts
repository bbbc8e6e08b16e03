/**
 * Intel HEX export of 357 MB (a 121 MiB span: two blobs of random bytes and a gap) by
 * `guestmap export --image-format ihex`, end to end, against `objcopy -I binary -O ihex` on the
 * same raw image (made once, untimed), alternating over rounds. Target: ≤ 1.5× objcopy's wall
 * time. The texts must match record for record (objcopy adds one type 05 start-address record,
 * which guestmap leaves out: QEMU's loader ignores it).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  alternate,
  cliMain,
  haveTool,
  mib,
  ms,
  repoRoot,
  reportRow,
  rounds,
  skipRow,
  summary,
  timed,
} from "./harness.js";

const WHAT = "Intel HEX, 357 MB: `guestmap export --image-format ihex`";
const ANCHOR = "`objcopy -I binary -O ihex` on the raw image";
const TARGET = "≤ 1.5× objcopy";
if (!haveTool("objcopy")) {
  skipRow(WHAT, ANCHOR, TARGET, "objcopy is not installed (Debian: binutils)");
  process.exit(process.env.GUESTMAP_REQUIRE_TOOLS === "1" ? 1 : 0);
}

const MiB = 1 << 20;
const dir = mkdtempSync(join(repoRoot, ".bench-ihex-"));
try {
  const random = (n: number) => {
    const b = new Uint8Array(n);
    for (let o = 0; o < n; o += 65536) crypto.getRandomValues(b.subarray(o, o + 65536));
    return b;
  };
  writeFileSync(join(dir, "a.bin"), random(64 * MiB));
  writeFileSync(join(dir, "b.bin"), random(56 * MiB));
  // a at 0x41000000, b 1 MiB after a's end: 121 MiB of image, 357 MB of text.
  const devices = [
    ...["-device", "guest-loader,addr=0x41000000,initrd=a.bin"],
    ...["-device", "guest-loader,addr=0x45100000,initrd=b.bin"],
  ];
  const argv = (format: string, out: string) => [
    cliMain,
    "export",
    "--qemu",
    "10.0",
    "--image-format",
    format,
    "--image",
    out,
    "--",
    "qemu-system-aarch64",
    ...["-M", "virt", "-cpu", "cortex-a57", "-m", "2G"],
    ...devices,
  ];
  timed(process.execPath, argv("raw", "image.bin"), { cwd: dir });
  const objcopy = [
    "-I",
    "binary",
    "-O",
    "ihex",
    "--change-addresses",
    "0x41000000",
    "image.bin",
    "objcopy.hex",
  ];
  const clean = (variant: string) => {
    rmSync(join(dir, variant === "guestmap" ? "ours.hex" : "objcopy.hex"), { force: true });
    spawnSync("sync");
  };
  const n = rounds(5);
  const runs = alternate(
    n,
    {
      guestmap: () => timed(process.execPath, argv("ihex", "ours.hex"), { cwd: dir }),
      objcopy: () => timed("objcopy", objcopy, { cwd: dir }),
    },
    clean,
  );
  const size = statSync(join(dir, "ours.hex")).size;
  const ours = readFileSync(join(dir, "ours.hex"), "latin1");
  const theirs = readFileSync(join(dir, "objcopy.hex"), "latin1").replace(/:04000005[0-9A-F]{10}\r\n/, "");
  const identical = ours === theirs;
  const g = summary(runs.guestmap);
  const o = summary(runs.objcopy);
  console.log(
    `${(size / 1e6).toFixed(0)} MB of text; ${n} rounds. guestmap ${ms(g.wallMs)} wall, ${ms(g.cpuMs)} CPU, ${mib(g.maxRssMiB)}; objcopy ${ms(o.wallMs)} wall, ${ms(o.cpuMs)} CPU, ${mib(o.maxRssMiB)}`,
  );
  const ratio = g.wallMs / o.wallMs;
  reportRow({
    what: WHAT,
    anchor: ANCHOR,
    guestmap: `${ms(g.wallMs)} (CPU ${ms(g.cpuMs)}), ${mib(g.maxRssMiB)}${identical ? ", same records" : ", RECORDS DIFFER"}`,
    anchorValue: `${ms(o.wallMs)} (CPU ${ms(o.cpuMs)}), ${mib(o.maxRssMiB)}`,
    ratio,
    target: TARGET,
    met: ratio <= 1.5 && identical,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
