/** `guestmap placements`: every region QEMU loads, and where. */
import { formatSize, hex, type Region } from "@guestmap/core";
import { evaluate } from "../evaluate.js";
import { parseCommon } from "../input.js";
import { EXIT_FINDINGS, EXIT_OK, type Io } from "../io.js";

export function regionJson(r: Region) {
  return { name: r.name, role: r.role, addr: hex(r.addr), size: hex(r.size) };
}

export async function run(args: string[], io: Io): Promise<number> {
  const opts = parseCommon(args);
  const ev = await evaluate(opts, io);
  // Exit 1 when QEMU would refuse this layout: its own placement errors, and the rules' refusals
  // (a ROM overlap in one address space, a stanza guest-loader rejects).
  const refused = ev.diagnostics.filter((d) => d.qemu === "refuses");
  if (opts.json) {
    io.stdout(`${JSON.stringify({ regions: ev.placement.regions.map(regionJson) }, null, 2)}\n`);
  } else {
    const m = ev.input.layout.machine;
    io.stdout(`QEMU profile ${ev.profile.version} (${ev.profile.why})\n`);
    const ram = ev.placement.ram.map((r) => `[${hex(r.start)}, ${hex(r.end)})`).join(" ");
    io.stdout(
      `${m.arch} ${m.type}, cpu ${m.cpu ?? "default"}${ev.placement.aarch64Cpu ? " (AArch64)" : ""}, RAM ${ram} ${formatSize(m.ram)}\n\n`,
    );
    const rows = ev.placement.regions.map((r) => [
      hex(r.addr),
      hex(r.addr + r.size),
      hex(r.size),
      r.role,
      `${r.name}${r.footprint > r.size ? `  (runs to ${hex(r.addr + r.footprint)})` : ""}${r.approximate ? "  (size estimated)" : ""}`,
    ]);
    const head = ["START", "END", "SIZE", "ROLE", "NAME"];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    for (const row of [head, ...rows])
      io.stdout(`${row.map((c, i) => (i < 4 ? c.padEnd(widths[i]!) : c)).join("  ")}\n`);
    for (const d of refused) io.stdout(`\nerror: ${d.code}: ${d.message}\n`);
  }
  return refused.length > 0 ? EXIT_FINDINGS : EXIT_OK;
}
