/**
 * `outside-ram` and `ram-too-large`: QEMU loads a blob wherever it is told — on MMIO, in a hole,
 * across RAM's end — and says nothing; the hypervisor then reads garbage.
 */
import type { Diagnostic } from "../diagnostics.js";
import { flashRange } from "../qemu/flash.js";
import { maxRam, RV32_RAM_LIMIT } from "../qemu/machine.js";
import type { Region } from "../qemu/region.js";
import { formatSize, hex } from "../util/bigint.js";
import { describeRegion, isUserRegion, type RuleContext } from "./context.js";

export function ramRule({ layout, placement }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const limit = maxRam(layout.machine);
  if (layout.machine.ram > limit) {
    out.push({
      severity: "error",
      code: "ram-too-large",
      qemu: "refuses",
      message: `-m ${formatSize(layout.machine.ram)} is more than ${layout.machine.arch} virt accepts here (${formatSize(limit)}): QEMU refuses to start. Lower -m${layout.machine.arch === "aarch64" || layout.machine.arch === "arm" ? " or drop highmem=off" : ""}.`,
      regions: [],
    });
  }
  if (layout.machine.arch === "riscv32" && layout.machine.ram > RV32_RAM_LIMIT)
    out.push({
      severity: "warning",
      code: "ram-too-large",
      qemu: "starts",
      message: `-m ${formatSize(layout.machine.ram)} is more than riscv32 virt takes: QEMU starts with ${formatSize(RV32_RAM_LIMIT)} ("Limiting RAM size to 10 GiB"), and the layout is judged against that. Lower -m to 10G.`,
      regions: [],
    });
  const flash = flashRange(layout.machine.arch);
  for (const r of placement.regions) {
    if (r.size === 0n || r.role === "loader-data" || r.mem === "flash") continue;
    // QEMU's own loads: it checks where they start, not where they end.
    if (!isUserRegion(r)) {
      if (r.mem !== "ram") continue;
      const endOwn = r.addr + r.size;
      const range = placement.ram.find((x) => r.addr >= x.start && r.addr < x.end);
      if (range && endOwn > range.end)
        out.push({
          severity: "warning",
          code: "outside-ram",
          qemu: "starts",
          message: `${describeRegion(r)} runs past the end of RAM at ${hex(range.end)}: QEMU checks only where it starts and loads it anyway, so its last ${hex(endOwn - range.end)} bytes are lost. Give the machine more memory with -m, or make the kernel/initrd smaller.`,
          regions: [r.id],
          start: range.end,
          end: endOwn,
        });
      continue;
    }
    const end = r.addr + r.size;
    // Past 2^64 the address-overflow rule speaks; a RAM range there means nothing.
    if (end > 1n << 64n) continue;
    const inside = placement.ram.some((range) => r.addr >= range.start && end <= range.end);
    if (inside) continue;
    if (flash && r.addr >= flash.start && end <= flash.end) {
      out.push(inFlash(r));
      continue;
    }
    const ram = placement.ram.map((x) => `[${hex(x.start)}, ${hex(x.end)})`).join(", ");
    const overlapping = placement.ram.find((range) => r.addr < range.end && end > range.start);
    const start = overlapping && r.addr >= overlapping.start ? overlapping.end : r.addr;
    const stop = overlapping && r.addr < overlapping.start ? overlapping.start : end;
    out.push({
      severity: "error",
      code: "outside-ram",
      qemu: "starts",
      message: `${describeRegion(r)} is ${overlapping ? "partly" : "entirely"} outside RAM ${ram}: QEMU loads it anyway without a word (onto device registers or nothing), and the hypervisor reads garbage there. Move it inside RAM${overlapping ? "" : ` (RAM starts at ${hex(placement.ram[0]!.start)})`} or give the machine more memory with -m.`,
      regions: [r.id],
      start,
      end: stop,
    });
  }
  return out;
}

/**
 * A blob wholly in ARM virt's flash: QEMU loads it and the guest reads it back (measured with
 * pmemsave on 7.2 and 10.0.2), so it is not garbage — but it is not RAM either.
 */
function inFlash(r: Region): Diagnostic {
  const module = r.role === "module-kernel" || r.role === "module-initrd";
  return {
    severity: module ? "warning" : "info",
    code: "in-flash",
    qemu: "starts",
    message: module
      ? `${describeRegion(r)} is in virt's flash (0x0–0x8000000), not RAM. QEMU loads it and announces it in /chosen, but Xen and Linux expect boot modules in RAM: Xen hands module memory to the heap after boot and Linux cannot free it. Move ${r.name} (${r.id}) into RAM (from ${hex(0x4000_0000n)}).`
      : `${describeRegion(r)} is in virt's flash (0x0–0x8000000): QEMU loads it and the guest can read it there (firmware, a U-Boot script), but writes to it are flash commands and no kernel takes boot modules from it. Copy it to RAM before use (e.g. U-Boot's cp), or load it into RAM directly.`,
    regions: [r.id],
    start: r.addr,
    end: r.addr + r.size,
  };
}
