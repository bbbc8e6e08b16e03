/** A verification report as text for a terminal: one line per region and blob, differences first. */
import { hex, type VerifyReport } from "@guestmap/core";

function span(r: { addr: bigint; size: bigint } | undefined): string {
  return r ? `[${hex(r.addr)}, ${hex(r.addr + r.size)})` : "—";
}

export function reportText(report: VerifyReport, where: string): string {
  const lines: string[] = [];
  lines.push(
    `QEMU ${report.qemuVersion} (${where}), guestmap profile ${report.profile}: ${report.agrees ? "agrees with the prediction" : "DIFFERS from the prediction"}`,
  );
  for (const d of report.differences) lines.push(`  differs: ${d}`);
  if (report.refusal.qemu) lines.push(`  QEMU refused to start: ${report.refusal.message ?? ""}`);
  else if (report.refusal.predicted)
    lines.push(`  guestmap predicted a refusal (${report.refusal.codes.join(", ")})`);
  for (const r of report.regions)
    lines.push(
      `  ${r.equal ? "same" : "DIFF"}  ${(r.domain !== undefined ? `${r.name} (${r.domain})` : r.name).padEnd(24)} predicted ${span(r.predicted)}  QEMU ${span(r.qemu)}`,
    );
  if (report.chosen)
    lines.push(`  /chosen: ${report.chosen.equal ? "same as QEMU's" : "DIFFERS from QEMU's"}`);
  for (const b of report.blobs)
    lines.push(
      `  blob ${b.name} (${b.domain !== undefined ? `dom0less ${b.domain}, ` : ""}${b.id}) at ${hex(b.addr)}: ${b.summary}${!b.intact && b.read ? (b.predicted ? " — as guestmap predicted (overlap)" : " — NOT predicted") : ""}`,
    );
  return `${lines.join("\n")}\n`;
}
