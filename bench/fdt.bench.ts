/**
 * FDT codec timings: `npx tsx bench/fdt.bench.ts`. Prints medians; asserts nothing.
 * Inputs: QEMU's aarch64 virt DTB (1 MiB, mostly free space) when qemu-system-aarch64 is
 * installed, and a synthetic tree whose structure block alone is about 1 MiB.
 */
import {
  addSubnode,
  decodeFdt,
  encodeFdt,
  type Fdt,
  type FdtNode,
  printDts,
  setProp,
  stringListValue,
  stringValue,
  u32Value,
  u64Value,
} from "../packages/core/src/fdt/index.js";
import { dumpQemuDtb } from "./qemu-dtb.js";

function qemuDtb(): Uint8Array | undefined {
  return dumpQemuDtb(["-M", "virt", "-cpu", "cortex-a57", "-m", "2G"]);
}

function synthetic(): Fdt {
  const children: FdtNode[] = [];
  for (let i = 0; i < 4000; i++) {
    children.push({
      name: `device@${(0x10000000 + i * 0x1000).toString(16)}`,
      props: [
        { name: "compatible", value: stringListValue(["vendor,some-device", "vendor,generic"]) },
        { name: "reg", value: u64Value(BigInt(0x10000000 + i * 0x1000), 0x1000n) },
        { name: "interrupts", value: u32Value(0, i % 1000, 4) },
        { name: `x-prop-${i % 50}`, value: new Uint8Array(160) },
        { name: "status", value: stringValue("okay") },
      ],
      children: [],
    });
  }
  return { version: 17, bootCpuId: 0, memReserve: [], root: { name: "", props: [], children } };
}

function median(fn: () => unknown, runs = 30): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)]!;
}

function report(label: string, bytes: Uint8Array, padTo?: number): void {
  const fdt = decodeFdt(bytes);
  const opts = padTo === undefined ? {} : { padTo };
  let edited = fdt;
  const line = [
    `decode ${median(() => decodeFdt(bytes)).toFixed(2)} ms`,
    `encode ${median(() => encodeFdt(fdt, opts)).toFixed(2)} ms`,
    `printDts ${median(() => printDts(fdt)).toFixed(2)} ms`,
    `setProp+addSubnode ${median(() => {
      edited = setProp(addSubnode(fdt, "/", `n@${Math.random()}`), "/", "x", u32Value(1));
    }).toFixed(3)} ms`,
  ];
  void edited;
  console.log(`${label} (${bytes.length} bytes): ${line.join(", ")}`);
}

const qemu = qemuDtb();
if (qemu) report("QEMU aarch64 virt DTB", qemu, 0x100000);
else console.log("qemu-system-aarch64 not installed: skipping QEMU's DTB");
report("synthetic dense tree", encodeFdt(synthetic()));
