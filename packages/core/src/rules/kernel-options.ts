/**
 * `needs-kernel`: QEMU refuses `-append` and `-initrd` without `-kernel` before it builds the
 * machine (softmmu/vl.c: "-append only allowed with -kernel option", same for -initrd), on every
 * version from 7.2 up (measured on 7.2.22 and 10.0.2).
 */
import type { Diagnostic } from "../diagnostics.js";
import type { RuleContext } from "./context.js";

export function kernelOptionsRule({ layout }: RuleContext): Diagnostic[] {
  if (layout.kernel) return [];
  const out: Diagnostic[] = [];
  // QEMU tests the first character: an empty -append passes.
  if (layout.append !== undefined && layout.append !== "")
    out.push({
      severity: "error",
      code: "needs-kernel",
      qemu: "refuses",
      message: `-append "${layout.append}" without -kernel: QEMU refuses to start ("-append only allowed with -kernel option"). Add the -kernel it is for, or drop -append (a hypervisor's command line goes in its guest-loader bootargs).`,
      regions: [],
    });
  if (layout.initrd)
    out.push({
      severity: "error",
      code: "needs-kernel",
      qemu: "refuses",
      message: `-initrd ${layout.initrd.path} without -kernel: QEMU refuses to start ("-initrd only allowed with -kernel option"). Add the -kernel it is for, or load the file with -device guest-loader,initrd=…`,
      regions: [],
    });
  return out;
}
