/** `guestmap check`: every diagnostic for a layout. Exit 1 when any is an error. */
import { type Diagnostic, hasErrors, hex } from "@guestmap/core";
import { evaluate } from "../evaluate.js";
import { parseCommon } from "../input.js";
import { EXIT_FINDINGS, EXIT_OK, type Io } from "../io.js";

export function diagnosticJson(d: Diagnostic) {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    regions: d.regions,
    ...(d.qemu !== undefined && { qemu: d.qemu }),
    ...(d.fix && {
      fix: {
        region: d.fix.region,
        addr: hex(d.fix.addr),
        ...(d.fix.label !== undefined && { label: d.fix.label }),
      },
    }),
    ...(d.start !== undefined && { start: hex(d.start) }),
    ...(d.end !== undefined && { end: hex(d.end) }),
  };
}

export async function run(args: string[], io: Io): Promise<number> {
  const opts = parseCommon(args, { json: true, trustArgs: true });
  const ev = await evaluate(opts, io);
  if (opts.json) {
    io.stdout(`${JSON.stringify({ diagnostics: ev.diagnostics.map(diagnosticJson) }, null, 2)}\n`);
  } else {
    io.stdout(`QEMU profile ${ev.profile.version} (${ev.profile.why})\n`);
    for (const d of ev.diagnostics) {
      const range = d.start !== undefined ? ` [${hex(d.start)}, ${hex(d.end ?? d.start)})` : "";
      io.stdout(`${d.severity}: ${d.code}${range}: ${d.message}\n`);
      if (d.fix?.label) io.stdout(`  quick fix: ${d.fix.label} (guestmap fix applies every quick fix)\n`);
    }
    const n = (s: string) => ev.diagnostics.filter((d) => d.severity === s).length;
    io.stdout(`${n("error")} error(s), ${n("warning")} warning(s), ${n("info")} note(s)\n`);
  }
  return hasErrors(ev.diagnostics) ? EXIT_FINDINGS : EXIT_OK;
}
