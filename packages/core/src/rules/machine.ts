/**
 * The machine itself: `-M` properties QEMU does not know (it refuses to start), and a 64-bit
 * arm64 Image booted by a 32-bit cpu (QEMU starts; the kernel never runs). (`-append`/`-initrd`
 * without `-kernel`: kernel-options.ts.)
 */
import type { Diagnostic } from "../diagnostics.js";
import { sniffHeader } from "../headers/sniff.js";
import { moduleFile } from "../model/types.js";
import { AARCH64_CPUS, defaultCpu } from "../qemu/machine.js";
import { virtMachineProps, virtTypeName } from "../qemu/machine-props.js";
import { virtTypeNewerThan } from "../qemu/machine-types.js";
import type { RuleContext } from "./context.js";

export function machineRule({ layout, placement }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { arch, type } = layout.machine;
  const release = placement.profile.release;
  if ((arch === "aarch64" || arch === "arm") && virtTypeNewerThan(type, release)) {
    const said = placement.profile.machineTypeErrorNamed
      ? `unsupported machine type: "${type}"`
      : "unsupported machine type";
    out.push({
      severity: "error",
      code: "machine-type-unknown",
      qemu: "refuses",
      message: `-M ${type}: QEMU ${placement.profile.version} has no such machine type (each release adds its own virt-X.Y; the newest here is virt-${release}) and refuses to start ("${said}"). Use -M virt or virt-${release}, or check with the QEMU that has ${type} (--qemu ${type.slice(5)} or newer).`,
      regions: [],
    });
  }
  if (type === "virt") {
    const known = virtMachineProps(arch, release);
    for (const [key] of layout.machine.props) {
      // QEMU finds machine properties with `_` and `-` alike (gic_version=3 is gic-version=3).
      if (known.has(key) || known.has(key.replace(/_/g, "-"))) continue;
      const riscvOnly = arch.startsWith("arm") || arch === "aarch64" ? false : key === "virtualization";
      out.push({
        severity: "error",
        code: "machine-prop",
        qemu: "refuses",
        message: `-M virt,${key}=…: QEMU ${release} on ${arch} has no such machine property and refuses to start ("Property '${virtTypeName(arch, release)}.${key.replace(/_/g, "-")}' not found"). ${riscvOnly ? "virtualization= is an ARM virt property (EL2 for Xen); on RISC-V the hypervisor extension is a cpu property (-cpu rv64,h=true): remove it from -M." : `Remove it, or check the spelling against \`qemu-system-${arch} -M virt,help\`.`}`,
        regions: [],
      });
    }
  }
  if (arch === "aarch64" || arch === "arm") {
    const cpu = (layout.machine.cpu ?? defaultCpu(arch)).split(",")[0]!;
    if (arch === "arm" || !AARCH64_CPUS.has(cpu)) {
      const kernels = [
        ...(layout.kernel ? [{ id: "kernel", file: layout.kernel }] : []),
        ...layout.modules.filter((m) => m.kernel).map((m) => ({ id: m.id, file: moduleFile(m)! })),
      ].filter((k) => sniffHeader(k.file.head).format === "arm64-image");
      for (const k of kernels)
        out.push({
          severity: "warning",
          code: "cpu-mismatch",
          qemu: "starts",
          message: `${k.file.path} is a 64-bit arm64 Image, but the cpu is ${cpu}${layout.machine.cpu ? "" : " (QEMU's default on ARM virt)"}, a 32-bit cpu${arch === "arm" ? " (qemu-system-arm has no 64-bit cpus)" : ""}: QEMU starts and the kernel never runs. Use qemu-system-aarch64 with -cpu cortex-a57 (or max).`,
          regions: [k.id],
        });
    }
  }
  return out;
}
