/**
 * DTB → DTS on a generated 7.9 MB / 40k-node tree (packages/core/test/fdt/large-tree.ts, compiled
 * by dtc) against `dtc -I dtb -O dts`, both writing to a file: `guestmap dts` end to end as users
 * run it (node start-up and loading the core included), alternating with dtc over rounds. Target:
 * ≤ 0.5× dtc's wall time with identical output (the identity is asserted by
 * packages/cli/conformance/dts-large.test.ts; here it is checked once more on the timed outputs).
 * Also the printer in-process, without start-up, and `node -e 0` for scale.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeFdt, dtbToDts, printDts } from "../packages/core/src/fdt/index.js";
import { largeTreeDts } from "../packages/core/test/fdt/large-tree.js";
import {
  alternate,
  cliMain,
  haveTool,
  inProcess,
  mib,
  ms,
  reportRow,
  rounds,
  skipRow,
  summary,
  timed,
} from "./harness.js";

const WHAT = "DTB → DTS, 7.9 MB / 40k nodes: `guestmap dts` end to end";
const ANCHOR = "`dtc -I dtb -O dts`";
const TARGET = "≤ 0.5× dtc, output identical";

if (!haveTool("dtc")) {
  skipRow(WHAT, ANCHOR, TARGET, "dtc is not installed (Debian: device-tree-compiler)");
  process.exit(process.env.GUESTMAP_REQUIRE_TOOLS === "1" ? 1 : 0);
}

const dir = mkdtempSync(join(tmpdir(), "guestmap-bench-dts-"));
try {
  const src = join(dir, "big.dts");
  const dtb = join(dir, "big.dtb");
  writeFileSync(src, largeTreeDts({ references: false }));
  timed("dtc", ["-q", "-I", "dts", "-O", "dtb", "-o", dtb, src]);
  const bytes = new Uint8Array(readFileSync(dtb));
  const oursOut = join(dir, "ours.dts");
  const dtcOut = join(dir, "dtc.dts");
  const n = rounds(9);
  const runs = alternate(n, {
    guestmap: () => timed(process.execPath, [cliMain, "dts", dtb], { stdout: oursOut }),
    dtc: () => timed("dtc", ["-I", "dtb", "-O", "dts", dtb], { stdout: dtcOut }),
    node: () => timed(process.execPath, ["-e", "0"]),
  });
  const identical = readFileSync(oursOut).equals(readFileSync(dtcOut));
  const g = summary(runs.guestmap);
  const d = summary(runs.dtc);
  const nodeStart = summary(runs.node);
  const nodes = readFileSync(dtcOut, "latin1").match(/ \{\n/g)?.length ?? 0;
  console.log(
    `${(bytes.length / 1e6).toFixed(2)} MB, ${nodes} nodes; ${n} rounds. guestmap ${ms(g.wallMs)} wall, ${ms(g.cpuMs)} CPU, ${mib(g.maxRssMiB)}; dtc ${ms(d.wallMs)} wall, ${ms(d.cpuMs)} CPU, ${mib(d.maxRssMiB)}; node -e 0 ${ms(nodeStart.wallMs)} wall, ${ms(nodeStart.cpuMs)} CPU`,
  );
  const ratio = g.wallMs / d.wallMs;
  reportRow({
    what: WHAT,
    anchor: ANCHOR,
    guestmap: `${ms(g.wallMs)} (CPU ${ms(g.cpuMs)}), ${mib(g.maxRssMiB)}${identical ? ", identical" : ", OUTPUT DIFFERS"}`,
    anchorValue: `${ms(d.wallMs)} (CPU ${ms(d.cpuMs)}), ${mib(d.maxRssMiB)}`,
    ratio,
    target: TARGET,
    met: ratio <= 0.5 && identical,
  });
  const direct = inProcess(() => dtbToDts(bytes), 15);
  const tree = inProcess(() => printDts(decodeFdt(bytes)), 5, 1);
  reportRow({
    what: "DTB → DTS, same tree, in-process `dtbToDts` (no start-up)",
    anchor: ANCHOR,
    guestmap: `${ms(direct)} (decode + printDts: ${ms(tree)})`,
    anchorValue: ms(d.wallMs),
    ratio: direct / d.wallMs,
    target: "—",
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
