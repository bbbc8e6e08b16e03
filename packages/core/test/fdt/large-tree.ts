/**
 * A large, SoC-shaped device tree as DTS source, for dtc to compile: the input of the DTB → DTS
 * bench (7.9 MB, 40k nodes at the defaults) and of the conformance test that holds the fast
 * printer to dtc's output byte for byte. It carries what real trees carry — string lists,
 * phandle references (dtc adds `phandle` properties), reg/interrupt cells, byte strings, empty
 * properties, escapes, `/memreserve/` — plus values dtc's type guess must get right: strings
 * with embedded NULs, cells that look like text, odd-length bytes.
 */

/** A small seeded PRNG (mulberry32): the same tree on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface LargeTreeOptions {
  /** Buses under /soc (default 40). */
  buses?: number;
  /** Devices per bus (default 887): nodes ≈ buses × (devices + devices / 8 + 1). */
  devicesPerBus?: number;
  seed?: number;
  /**
   * Phandle references on every device (interrupt-parent, clocks; default true). dtc's checks
   * look each one up by a linear search over all nodes, which makes `dtc -I dtb` quadratic: the
   * bench's anchor row uses a tree without them, so dtc is timed at its best.
   */
  references?: boolean;
}

const hex = (n: number) => `0x${n.toString(16)}`;
const byteList = (r: () => number, n: number) =>
  Array.from({ length: n }, () =>
    Math.floor(r() * 256)
      .toString(16)
      .padStart(2, "0"),
  ).join(" ");

/** The DTS source (compile with `dtc -I dts -O dtb`). */
export function largeTreeDts(opts: LargeTreeOptions = {}): string {
  const buses = opts.buses ?? 40;
  const perBus = opts.devicesPerBus ?? 887;
  const r = rng(opts.seed ?? 1);
  const refs = opts.references ?? true;
  const out: string[] = [
    "/dts-v1/;\n",
    "/memreserve/ 0x80000000 0x10000;\n/memreserve/ 0x81000000 0x200000;\n",
    "/ {\n",
    '\tcompatible = "vendor,big-soc-board", "vendor,big-soc";\n',
    '\tmodel = "Generated SoC \\"big\\" board";\n',
    "\t#address-cells = <2>;\n\t#size-cells = <2>;\n",
    '\tchosen { bootargs = "console=ttyS0,115200 root=/dev/vda rw\\tquiet"; stdout-path = "/soc/bus@0/serial@0"; };\n',
    '\tmemory@80000000 { device_type = "memory"; reg = <0x0 0x80000000 0x4 0x0>; };\n',
    '\tclk: clock-controller { #clock-cells = <1>; compatible = "fixed-clock"; };\n',
    '\tintc: interrupt-controller@8000000 { compatible = "arm,gic-v3"; #interrupt-cells = <3>; interrupt-controller; reg = <0x0 0x8000000 0x0 0x10000>; };\n',
    "\tcpus {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <0>;\n",
  ];
  for (let c = 0; c < 64; c++) {
    out.push(
      `\t\tcpu@${c.toString(16)} { device_type = "cpu"; compatible = "arm,cortex-a57"; reg = <${hex(c)}>; enable-method = "psci"; };\n`,
    );
  }
  out.push(
    '\t};\n\tsoc {\n\t\tcompatible = "simple-bus";\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n',
  );
  let irq = 32;
  for (let b = 0; b < buses; b++) {
    const busBase = 0x1000000000 + b * 0x10000000;
    out.push(
      `\t\tbus@${busBase.toString(16)} {\n\t\t\tcompatible = "vendor,bus", "simple-bus";\n\t\t\t#address-cells = <2>;\n\t\t\t#size-cells = <2>;\n\t\t\tranges;\n`,
    );
    for (let d = 0; d < perBus; d++) {
      const addr = busBase + d * 0x1000;
      const kind = ["serial", "i2c", "spi", "gpio", "dma", "timer", "ethernet", "mmc"][d % 8]!;
      const label = `d${b}_${d}`;
      const hi = Math.floor(addr / 2 ** 32);
      const lo = addr % 2 ** 32;
      // Labels only where referenced: dtc resolves each reference by a linear search of labels.
      out.push(`\t\t\t${refs && d % 8 === 0 ? `${label}: ` : ""}${kind}@${addr.toString(16)} {\n`);
      out.push(`\t\t\t\tcompatible = "vendor,${kind}-v${d % 5}", "vendor,${kind}";\n`);
      out.push(`\t\t\t\treg = <${hex(hi)} ${hex(lo)} 0x0 0x1000>;\n`);
      if (refs) {
        out.push(`\t\t\t\tinterrupt-parent = <&intc>;\n`);
        out.push(`\t\t\t\tclocks = <&clk ${d % 64}>;\n`);
      } else {
        out.push(`\t\t\t\tclock-frequency = <${(d % 64) * 1000000}>;\n`);
      }
      out.push(`\t\t\t\tinterrupts = <0 ${irq++ % 988} 4>;\n`);
      out.push(`\t\t\t\tstatus = "${r() < 0.8 ? "okay" : "disabled"}";\n`);
      out.push(`\t\t\t\tassigned-clock-rates = <${Math.floor(r() * 2 ** 32)} ${d}>;\n`);
      out.push(`\t\t\t\tvendor,fw-name = "vendor/${kind}-${b}.bin";\n`);
      const x = r();
      if (kind === "ethernet") out.push(`\t\t\t\tlocal-mac-address = [${byteList(r, 6)}];\n`);
      if (x < 0.1) out.push("\t\t\t\tdma-coherent;\n");
      else if (x < 0.2) out.push(`\t\t\t\tcal-data = [${byteList(r, 1 + Math.floor(r() * 48))}];\n`);
      else if (x < 0.25) out.push(`\t\t\t\tlabel = "port ${d}\\n", "alt\\a";\n`);
      else if (x < 0.3) out.push('\t\t\t\tpinctrl-names = "default", "sleep", "idle";\n');
      // Cells that spell printable text without a NUL at the end: cells, not a string.
      else if (x < 0.32) out.push("\t\t\t\ttext-cells = <0x41424344 0x45464748>;\n");
      // A string list whose NULs are more than half the bytes: cells (or bytes), not a string.
      else if (x < 0.33) out.push('\t\t\t\tsparse = "", "", "a";\n');
      if (d % 8 === 0) {
        out.push(`\t\t\t\tconfig { ${refs ? `owner = <&${label}>; ` : ""}max-speed = <${d * 1000}>; };\n`);
      }
      out.push("\t\t\t};\n");
    }
    out.push("\t\t};\n");
  }
  out.push("\t};\n};\n");
  return out.join("");
}
