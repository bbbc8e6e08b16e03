/**
 * What the app's persistence costs per edit (src/store/persist.ts): each edit journals the layout
 * to localStorage synchronously (one serializeLayout, on the interaction path), and the coalesced
 * IndexedDB write serialises only the new snapshot. Target: journalling a 300-blob layout takes
 * under 4 ms (a quarter of a 60 Hz frame), 1,024 blobs (the most a link may hold) under 16 ms.
 * Restoring parses every saved undo step: 50 (SAVED_UNDO_STEPS) of 300 blobs under 1 s.
 */
import { type Layout, parseLayoutJson, serializeLayout } from "../packages/core/src/index.js";

const MiB = 1n << 20n;

function layout(n: number): Layout {
  return {
    machine: {
      arch: "aarch64",
      type: "virt",
      props: [],
      ram: 2n << 30n,
      cpu: "cortex-a57",
      bios: { kind: "default" },
    },
    kernel: { path: "xen", size: MiB, sha256: "a".repeat(64) },
    modules: Array.from({ length: n }, (_, i) => ({
      id: `m${i + 1}`,
      addr: 0x50000000n + BigInt(i) * 0x10000n,
      initrd: { path: `part${i + 1}.img`, size: 0x1000n, sha256: i.toString(16).padStart(64, "0") },
    })),
    loaders: [],
    extraArgs: [],
  };
}

function fastest(f: () => void, runs: number): number {
  for (let i = 0; i < 5; i++) f();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

let ok = true;
const targets: Record<number, number> = { 300: 4, 1024: 16 };
for (const n of [30, 300, 1024]) {
  const l = layout(n);
  const t = fastest(() => serializeLayout(l), 30);
  const bytes = serializeLayout(l).length;
  console.log(
    `journal (serializeLayout): ${String(n).padStart(4)} blobs  ${t.toFixed(2)} ms  ${(bytes / 1024).toFixed(1)} KiB`,
  );
  if (targets[n] !== undefined && t > targets[n]!) {
    console.log(`MISSED: ${n} blobs took ${t.toFixed(2)} ms (target < ${targets[n]} ms)`);
    ok = false;
  }
}
const text = serializeLayout(layout(300));
const restore = fastest(() => {
  for (let i = 0; i < 50; i++) parseLayoutJson(text);
}, 3);
console.log(`restore: 50 undo steps of 300 blobs parsed in ${restore.toFixed(0)} ms`);
if (restore > 1000) {
  console.log(`MISSED: restore took ${restore.toFixed(0)} ms (target < 1000 ms)`);
  ok = false;
}
process.exitCode = ok ? 0 : 1;
