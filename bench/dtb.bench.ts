/**
 * /chosen builder timings: `npx tsx bench/dtb.bench.ts` (or `npm run bench dtb`). The UI rebuilds
 * /chosen on every drag frame, so the target is the 30-module standalone tree well inside a frame:
 * median < 1 ms with the placement at hand. Exits 1 when a target is missed.
 */
import {
  applyChosen,
  chosenEdits,
  chosenOverlayDtb,
  decodeFdt,
  emptyLayout,
  GiB,
  importDtb,
  type Layout,
  mergeDtb,
  PROFILES,
  placements,
  printDts,
  standaloneDtb,
  standaloneFdt,
} from "../packages/core/src/index.js";
import { dumpQemuDtb } from "./qemu-dtb.js";

function qemuDtb(): Uint8Array | undefined {
  return dumpQemuDtb(["-M", "virt,dtb-randomness=off", "-cpu", "cortex-a57", "-m", "2G"]);
}

function median(fn: () => unknown, runs = 200): number {
  for (let i = 0; i < 20; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

const layout: Layout = {
  ...emptyLayout("aarch64"),
  machine: { ...emptyLayout("aarch64").machine, ram: 4n * GiB, cpu: "cortex-a57" },
  kernel: { path: "xen", size: 1_000_000n },
  initrd: { path: "initrd", size: 4_000_000n },
  append: "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all",
  modules: Array.from({ length: 30 }, (_, i) => ({
    id: `m${i}`,
    addr: 0x50000000n + BigInt(i) * 0x1000000n,
    ...(i % 2 === 0
      ? { kernel: { path: `k${i}`, size: 20_000_000n }, bootargs: `console=hvc0 root=/dev/vda${i} ro` }
      : { initrd: { path: `r${i}`, size: 8_000_000n } }),
  })),
};
const profile = PROFILES["7.2"];
const placement = placements(layout, { qemu: "7.2" });
const opts = { placement };

const rows: [string, number][] = [
  ["placements (30 modules)", median(() => placements(layout, { qemu: "7.2" }))],
  ["chosenEdits (30 modules)", median(() => chosenEdits(layout, profile, opts))],
  ["standaloneFdt (30 modules)", median(() => standaloneFdt(layout, profile, opts))],
  ["standaloneFdt incl. placements", median(() => standaloneFdt(layout, profile))],
  ["standaloneDtb (build + encode)", median(() => standaloneDtb(layout, profile, opts))],
  ["printDts of the standalone tree", median(() => printDts(standaloneFdt(layout, profile, opts)))],
  ["chosenOverlayDtb", median(() => chosenOverlayDtb(layout, profile, opts))],
  ["importDtb of the standalone DTB", median(() => importDtb(standaloneDtb(layout, profile, opts)))],
];
const base = qemuDtb();
if (base) {
  const baseFdt = decodeFdt(base);
  rows.push(["applyChosen on QEMU's decoded DTB", median(() => applyChosen(baseFdt, layout, profile, opts))]);
  rows.push([
    "mergeDtb (decode + apply + encode 1 MiB)",
    median(() => mergeDtb(base, layout, profile, { ...opts, padTo: "base" }), 50),
  ]);
} else console.log("qemu-system-aarch64 not installed: skipping the merge timings");

for (const [label, ms] of rows) console.log(`${label.padEnd(42)} ${ms.toFixed(3)} ms`);
const frame = rows.find(([l]) => l.startsWith("standaloneFdt (30"))![1];
const target = 1;
console.log(
  `\ntarget: standaloneFdt for 30 modules < ${target} ms per drag frame: ${frame < target ? "met" : "MISSED"}`,
);
process.exitCode = frame < target ? 0 : 1;
