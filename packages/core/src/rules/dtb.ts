/**
 * What happens to the DTB itself on ARM: cases where QEMU starts but the hypervisor never sees
 * /chosen as laid out — a `-dtb` that drops every guest-loader node, an ELF kernel that leaves no
 * room for the DTB, an initrd QEMU does not load for a non-Linux kernel.
 */
import type { Diagnostic } from "../diagnostics.js";
import { hex } from "../util/bigint.js";
import type { RuleContext } from "./context.js";

export function dtbRule({ layout, placement }: RuleContext): Diagnostic[] {
  const arch = layout.machine.arch;
  if (arch !== "aarch64" && arch !== "arm") return [];
  const out: Diagnostic[] = [];
  if (layout.dtb && layout.modules.length > 0) {
    out.push({
      severity: "error",
      code: "dtb-drops-modules",
      qemu: "starts",
      message: `-dtb ${layout.dtb.path} replaces QEMU's FDT on ARM before the guest-loader devices write to it: QEMU loads the ${layout.modules.length} blob(s) but none of their /chosen/module@… nodes reach the guest, without a word, so the hypervisor finds no modules. Drop -dtb, or export a DTB that has them (guestmap export --dtb OUT.dtb --base-dtb ${layout.dtb.path} --fixed-dtb).`,
      regions: layout.modules.map((m) => m.id),
    });
  }
  const kernel = placement.regions.filter((r) => r.role === "kernel");
  if (kernel.length === 0 || layout.machine.bios.kind === "file") return out;
  const dtb = placement.regions.find((r) => r.role === "dtb");
  const isElf = kernel.some((r) => r.id.startsWith("kernel#"));
  const linux = placement.regions.some((r) => r.role === "bootloader");
  if (!dtb) {
    const low = kernel.reduce((m, r) => (r.addr < m ? r.addr : m), kernel[0]!.addr);
    out.push({
      severity: "error",
      code: "no-dtb",
      qemu: "starts",
      message: `QEMU loads no DTB at all: the ELF -kernel starts at ${hex(low)}, leaving less than the DTB's 1 MiB between the base of RAM and the kernel, and QEMU then drops the DTB without a word. The guest gets no /chosen: no bootargs, no initrd, no guest-loader modules. Link the kernel at least 1 MiB above ${hex(placement.ram[0]?.start ?? 0n)}, or boot a Linux-style Image. Do not make a base DTB from this command line with -machine dumpdtb=: with no DTB to dump, QEMU 7.2 runs the guest instead of exiting and QEMU 10.0 crashes (segfault); drop -kernel for the dump.`,
      regions: ["dtb", ...kernel.map((r) => r.id)],
    });
  } else if (dtb.addr === 0n && !linux) {
    out.push({
      severity: "warning",
      code: "no-dtb",
      qemu: "starts",
      message: `QEMU puts the DTB at 0x0 (flash, not RAM) because the ${isElf ? "ELF" : "non-Linux uImage"} -kernel is not booted as Linux and covers the base of RAM; QEMU passes the kernel no DTB address either. Make sure the kernel finds its DTB another way, or boot a Linux-style Image.`,
      regions: ["dtb"],
      start: 0n,
      end: dtb.size,
    });
  }
  if (layout.initrd && !linux) {
    out.push({
      severity: "warning",
      code: "initrd-ignored",
      qemu: "starts",
      message: `-initrd ${layout.initrd.path} is not loaded: QEMU loads an initrd only for Linux-style kernels, and this ${isElf ? "ELF" : "uImage"} -kernel is not one. Load it with -device guest-loader,addr=…,initrd=${layout.initrd.path} (or -device loader) instead.`,
      regions: [],
    });
  }
  return out;
}
