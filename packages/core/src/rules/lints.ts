/** Lints (info) about the /chosen QEMU writes: worth knowing, nothing to fix in the layout. */
import type { Diagnostic } from "../diagnostics.js";
import { moduleNodeName } from "../qemu/guest-loader.js";
import type { RuleContext } from "./context.js";

export function chosenLints({ layout }: RuleContext): Diagnostic[] {
  const mods = layout.modules.filter((m) => m.addr !== 0n);
  if (mods.length === 0) return [];
  const ids = mods.map((m) => m.id);
  return [
    {
      severity: "info",
      code: "chosen-cells",
      message:
        "QEMU writes each module's reg as two 64-bit values (#address-cells = 2, #size-cells = 2) but gives /chosen no #address-cells/#size-cells, and the devicetree spec's default is 2 and 1. Xen and Linux read it as 2/2; a strict DT parser reads the sizes wrong. Add the properties in a base DTB if you use such a parser.",
      regions: ids,
    },
    {
      severity: "info",
      code: "unit-address-format",
      message: `QEMU names module nodes with a 0x in the unit address (${moduleNodeName(mods[0]!.addr)}); dtc warns "unit_address_format" when it compiles such a tree. Harmless to Xen and Linux, which read reg.`,
      regions: ids,
    },
  ];
}
