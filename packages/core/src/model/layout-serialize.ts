/**
 * A layout as layout-file JSON text (the format layout-file.ts reads back). Apart from the parser:
 * saving needs no validation, and so no zod.
 */
import { base64Encode } from "../util/base64.js";
import { hex } from "../util/bigint.js";
import { LAYOUT_FORMAT, LAYOUT_VERSION } from "./layout-format.js";
import type { DomainModule, Layout, LayoutBlob } from "./types.js";

function blobJson(b: LayoutBlob, withHead: boolean): Record<string, unknown> {
  return {
    path: b.path,
    ...(b.size !== undefined && { size: hex(b.size) }),
    ...(b.sha256 !== undefined && { sha256: b.sha256 }),
    ...(withHead && b.head && { head: base64Encode(b.head) }),
  };
}

/**
 * The layout as pretty JSON text, ready to save. `withHeads` keeps each blob's first bytes (the UI
 * does, so a layout without its files still knows kernel footprints).
 */
export function serializeLayout(layout: Layout, opts: { withHeads?: boolean } = {}): string {
  const h = opts.withHeads ?? false;
  const m = layout.machine;
  const doc = {
    format: LAYOUT_FORMAT,
    version: LAYOUT_VERSION,
    machine: {
      arch: m.arch,
      type: m.type,
      props: Object.fromEntries(m.props),
      ram: hex(m.ram),
      ...(m.cpu !== undefined && { cpu: m.cpu }),
      ...(m.smp !== undefined && { smp: m.smp }),
      bios:
        m.bios.kind === "file"
          ? blobJson(m.bios.file, false)
          : m.bios.kind === "default" && m.bios.explicit
            ? "explicit-default"
            : m.bios.kind,
    },
    ...(layout.qemu !== undefined && { qemu: layout.qemu }),
    ...(layout.kernel && { kernel: blobJson(layout.kernel, h) }),
    ...(layout.append !== undefined && { append: layout.append }),
    ...(layout.initrd && { initrd: blobJson(layout.initrd, h) }),
    ...(layout.dtb && { dtb: blobJson(layout.dtb, h) }),
    modules: layout.modules.map((mod) => ({
      id: mod.id,
      addr: hex(mod.addr),
      ...(mod.kernel && { kernel: blobJson(mod.kernel, h) }),
      ...(mod.initrd && { initrd: blobJson(mod.initrd, h) }),
      ...(mod.bootargs !== undefined && { bootargs: mod.bootargs }),
    })),
    loaders: layout.loaders.map((l) => ({
      id: l.id,
      addr: hex(l.addr),
      file: blobJson(l.file, h),
      ...(l.forceRaw !== undefined && { forceRaw: l.forceRaw }),
      ...(l.cpuNum !== undefined && { cpuNum: l.cpuNum }),
      ...(l.addrGiven === false && { addrGiven: false }),
    })),
    ...(layout.loaderData &&
      layout.loaderData.length > 0 && {
        loaderData: layout.loaderData.map((w) => ({
          id: w.id,
          addr: hex(w.addr),
          data: hex(w.data),
          len: w.len,
          ...(w.bigEndian !== undefined && { bigEndian: w.bigEndian }),
          ...(w.cpuNum !== undefined && { cpuNum: w.cpuNum }),
        })),
      }),
    ...(layout.loaderPcs &&
      layout.loaderPcs.length > 0 && {
        loaderPcs: layout.loaderPcs.map((p) => ({ id: p.id, addr: hex(p.addr), cpuNum: p.cpuNum })),
      }),
    extraArgs: layout.extraArgs,
    ...(layout.domains && {
      domains: layout.domains.map((d) => {
        const mod = (m: DomainModule) => ({ id: m.id, addr: hex(m.addr), file: blobJson(m.file, h) });
        return {
          name: d.name,
          memory: hex(d.memory),
          cpus: d.cpus,
          vpl011: d.vpl011,
          ...(d.bootargs !== undefined && { bootargs: d.bootargs }),
          kernel: mod(d.kernel),
          ...(d.ramdisk && { ramdisk: mod(d.ramdisk) }),
          ...(d.dtb && { dtb: mod(d.dtb) }),
        };
      }),
    }),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
