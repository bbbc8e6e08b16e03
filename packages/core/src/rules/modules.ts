/**
 * The guest-loader stanza checks QEMU makes in realize (in its order), plus the limits it does not
 * check but the hypervisor hits: file size, address overflow, Xen's boot-module table.
 */
import type { Diagnostic } from "../diagnostics.js";
import { moduleFile } from "../model/types.js";
import { moduleNodeName } from "../qemu/guest-loader.js";
import { isVirtType } from "../qemu/machine-types.js";
import { formatSize, hex, U64_MAX } from "../util/bigint.js";
import { domainModules } from "../xen/domains.js";
import type { RuleContext } from "./context.js";

/** Xen on Arm keeps boot modules in a table of MAX_MODULES (32) entries; Xen itself and the DTB take two. */
export const XEN_MAX_MODULES = 32;
export const XEN_RESERVED_MODULES = 2;
/** guest-loader keeps the file size in a C int. */
const INT_MAX = (1n << 31n) - 1n;
const ADDRESS_SPACE_END = U64_MAX + 1n;

export function moduleRule({ layout, placement }: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ram = layout.machine.ram;
  // The first module at each address, by index. Modules listed in rising address order (what
  // generated and packed layouts are) cannot share one: no map of 100k bigint keys for them.
  const byAddr = strictlyRising(layout.modules) ? undefined : new Map<bigint, number>();
  layout.modules.forEach((m, i) => {
    const file = moduleFile(m);
    // Only a module with a finding needs its name: most have none.
    const clean =
      file !== undefined &&
      !(m.kernel && m.initrd) &&
      m.addr !== 0n &&
      !(m.bootargs !== undefined && !m.kernel) &&
      file.size !== undefined &&
      file.size !== 0n &&
      file.size <= ram &&
      file.size <= INT_MAX &&
      m.addr + file.size <= ADDRESS_SPACE_END &&
      !byAddr?.has(m.addr);
    if (clean) {
      byAddr?.set(m.addr, i);
      return;
    }
    const where = `-device guest-loader #${i + 1} (${m.id})`;
    if (m.kernel && m.initrd) {
      out.push({
        severity: "error",
        code: "kernel-and-initrd",
        qemu: "refuses",
        message: `${where} has both kernel=${m.kernel.path} and initrd=${m.initrd.path}: QEMU refuses to start ("Cannot specify a kernel and initrd in same stanza"). Split it into two -device guest-loader stanzas, one per file.`,
        regions: [m.id],
      });
    } else if (!file) {
      out.push({
        severity: "error",
        code: "no-file",
        qemu: "refuses",
        message: `${where} loads no file: QEMU refuses to start ("Need to specify a kernel or initrd image"). Add kernel=FILE or initrd=FILE, or remove the stanza.`,
        regions: [m.id],
      });
    }
    if (m.addr === 0n) {
      out.push({
        severity: "error",
        code: "addr-zero",
        qemu: "refuses",
        message: `${where} has no address (addr=0 is QEMU's "not set"): QEMU refuses to start ("Need to specify the address of guest blob"). Give it addr=0x… inside RAM.`,
        regions: [m.id],
      });
    }
    if (m.bootargs !== undefined && !m.kernel && m.initrd) {
      out.push({
        severity: "error",
        code: "bootargs-on-initrd",
        qemu: "refuses",
        message: `${where} gives bootargs to initrd ${m.initrd.path}: QEMU refuses to start ("Boot args only relevant to kernel blobs"). Move the bootargs to the kernel stanza that uses this initrd.`,
        regions: [m.id],
      });
    }
    if (file?.size === undefined && file) {
      out.push({
        severity: "warning",
        code: "size-unknown",
        message: `${where}: the size of ${file.path} is not known yet, so it cannot be checked or placed. Open or drop the file, or type its size.`,
        regions: [m.id],
      });
    }
    if (file?.size !== undefined) {
      const size = file.size;
      const end = m.addr + size;
      if (size === 0n) {
        out.push({
          severity: placement.profile.guestLoaderEmptyFileError ? "error" : "warning",
          code: "empty-file",
          qemu: placement.profile.guestLoaderEmptyFileError ? "refuses" : "starts",
          message: placement.profile.guestLoaderEmptyFileError
            ? `${where}: ${file.path} is empty: QEMU ${placement.profile.version} refuses to start ("Cannot load specified image"). Point it at the real file.`
            : `${where}: ${file.path} is empty: QEMU ${placement.profile.version} writes a module node of size 0 and the hypervisor finds nothing there. Point it at the real file.`,
          regions: [m.id],
        });
      }
      if (size > ram || size > INT_MAX) {
        out.push({
          severity: "error",
          code: "too-large",
          qemu: "refuses",
          message: `${where}: ${file.path} is ${formatSize(size)}, ${size > ram ? `more than the machine's ${formatSize(ram)} of RAM` : "2 GiB or more (guest-loader holds sizes in a C int)"}: QEMU refuses to start ("Cannot load specified image ${file.path}"). Give the machine more memory with -m, or use a smaller file.`,
          regions: [m.id],
          start: m.addr,
          end: end > U64_MAX ? U64_MAX : end,
        });
      }
      if (end > ADDRESS_SPACE_END) {
        out.push({
          severity: "error",
          code: "address-overflow",
          message: `${where}: ${file.path} at ${hex(m.addr)} + ${formatSize(size)} runs past the end of the 64-bit address space. Move it to a lower address inside RAM.`,
          regions: [m.id],
          start: m.addr,
          end: ADDRESS_SPACE_END,
        });
      }
    }
    if (m.addr !== 0n && file) {
      const at = byAddr?.get(m.addr);
      if (at !== undefined) {
        const first = `#${at + 1} (${layout.modules[at]!.id})`;
        out.push({
          severity: "error",
          code: "duplicate-addr",
          qemu: "refuses",
          message: `${where} and ${first} are both at ${hex(m.addr)}: QEMU aborts ("Failed to create subnode /chosen/${moduleNodeName(m.addr)}: FDT_ERR_EXISTS") because both would be the same /chosen node. Move one of them.`,
          regions: [m.id],
          start: m.addr,
          end: m.addr + (file.size ?? 1n),
        });
      } else {
        byAddr?.set(m.addr, i);
      }
    }
  });
  const limit = XEN_MAX_MODULES - XEN_RESERVED_MODULES;
  // Xen's table holds dom0less domain modules too.
  const domainIds = domainModules(layout).map((d) => d.module.id);
  if (layout.modules.length + domainIds.length > limit) {
    const domains = domainIds.length;
    out.push({
      severity: "warning",
      code: "too-many-modules",
      qemu: "starts",
      message: `${layout.modules.length} guest-loader modules${domains > 0 ? ` and ${domains} dom0less domain modules` : ""}: QEMU loads them all, but Xen records at most ${XEN_MAX_MODULES} boot modules (MAX_MODULES), two of which are Xen itself and the DTB, so modules beyond ${limit} are ignored with "Too many boot modules". Merge initrds or drop modules.`,
      // The stanzas past the table's end: guest-loader ones, then the domains'.
      regions: [
        ...layout.modules.slice(limit).map((m) => m.id),
        ...domainIds.slice(Math.max(0, limit - layout.modules.length)),
      ],
    });
  }
  if (layout.modules.length > 0 && layout.machine.type === "none") {
    out.push({
      severity: "error",
      code: "no-fdt-machine",
      qemu: "refuses",
      message: `guest-loader needs a machine that boots with an FDT, and -M none has none: QEMU refuses to start ("Cannot modify FDT fields if the machine has none"). Use -M virt.`,
      regions: layout.modules.map((m) => m.id),
    });
  } else if (!isVirtType(layout.machine.arch, layout.machine.type)) {
    out.push({
      severity: "warning",
      code: "no-fdt-machine",
      message: `guestmap models QEMU's virt machine; -M ${layout.machine.type} has other RAM, boot code and DTB placements, so the placements and checks shown here are virt's and may not hold. QEMU itself decides whether ${layout.machine.type} has the FDT guest-loader needs.`,
      regions: layout.modules.map((m) => m.id),
    });
  }
  return out;
}

function strictlyRising(modules: readonly { readonly addr: bigint }[]): boolean {
  for (let i = 1; i < modules.length; i++) if (modules[i]!.addr <= modules[i - 1]!.addr) return false;
  return true;
}
