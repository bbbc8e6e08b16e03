/** The layout the app benches load (bench/app.bench.ts). */

/**
 * A layout as people build them: kernels and initrds of mixed sizes every 4 MiB from 0x50000000,
 * every tenth blob overlapping its neighbour (a collision the map draws), on a 4 GiB machine.
 */
export function benchLayout(n: number): string {
  const modules = Array.from({ length: n }, (_, i) => {
    const at = 0x50000000 + i * 0x400000 - (i % 10 === 9 ? 0x200000 : 0);
    const size = 0x10000 + (((i * 0x9e3779b1) >>> 0) % 0x300000);
    const file = { path: `blob${i + 1}.${i % 3 === 0 ? "Image" : "cpio"}`, size: `0x${size.toString(16)}` };
    return {
      id: `m${i + 1}`,
      addr: `0x${at.toString(16)}`,
      ...(i % 3 === 0 ? { kernel: file } : { initrd: file }),
    };
  });
  return JSON.stringify({
    format: "guestmap-layout",
    version: 1,
    machine: {
      arch: "aarch64",
      type: "virt",
      props: { virtualization: "on" },
      ram: "0x100000000",
      cpu: "cortex-a57",
      bios: "default",
    },
    modules,
    loaders: [],
    extraArgs: [],
  });
}
