/**
 * `placements(layout)`: every region QEMU registers at an address for this layout — exactly what
 * the monitor's `info roms` lists with `addr=` — plus the guest-loader and generic-loader blobs.
 */
import { sniffHeader } from "../headers/sniff.js";
import type { Layout, QemuVersion } from "../model/types.js";
import { moduleFile, moduleKind } from "../model/types.js";
import { domainModules } from "../xen/domains.js";
import { isAArch64Cpu, ramRanges } from "./machine.js";
import { placeArm } from "./placement-arm.js";
import { placeLoaders } from "./placement-loader.js";
import { placeRiscv } from "./placement-riscv.js";
import { NEWEST_VERIFIED_VERSION, profileFor, type QemuProfile } from "./profiles.js";
import { compareRegions, loaderSpace, type Placement, type PlacementEnv, type Region } from "./region.js";

export interface PlacementOptions extends PlacementEnv {
  /** Overrides the layout's own `qemu` profile. */
  readonly qemu?: QemuVersion;
}

/** The profile a layout is evaluated with: the option, else the layout's own, else the newest verified. */
export function resolveProfile(layout: Layout, opts: { qemu?: QemuVersion } = {}): QemuProfile {
  return profileFor(opts.qemu ?? layout.qemu ?? NEWEST_VERIFIED_VERSION);
}

export function placements(layout: Layout, opts: PlacementOptions = {}): Placement {
  const profile = resolveProfile(layout, opts);
  const arch = layout.machine.arch;
  const own =
    arch === "aarch64" || arch === "arm" ? placeArm(layout, profile) : placeRiscv(layout, profile, opts);
  const regions: Region[] = [...own.regions];

  for (const mod of layout.modules) {
    const file = moduleFile(mod);
    // QEMU rejects these stanzas before loading anything; the rules report why.
    if (!file || mod.addr === 0n || file.size === undefined) continue;
    if (mod.kernel && mod.initrd) continue;
    const kind = moduleKind(mod);
    const hdr = kind === "kernel" ? sniffHeader(file.head) : undefined;
    const footprint = hdr?.imageSize && hdr.imageSize > file.size ? hdr.imageSize : file.size;
    regions.push({
      id: mod.id,
      name: file.path,
      role: kind === "kernel" ? "module-kernel" : "module-initrd",
      addr: mod.addr,
      size: file.size,
      footprint,
      space: "system",
      mem: "ram",
      file,
    });
  }
  const loaders = placeLoaders(layout);
  regions.push(...loaders.regions);
  // Dom0less domain blobs are loaded as the fixed-DTB form loads every blob: -device loader.
  for (const { kind, module: m, domain } of domainModules(layout)) {
    if (m.file.size === undefined) continue;
    const hdr = kind === "kernel" ? sniffHeader(m.file.head) : undefined;
    const footprint = hdr?.imageSize && hdr.imageSize > m.file.size ? hdr.imageSize : m.file.size;
    regions.push({
      id: m.id,
      name: m.file.path,
      role: kind === "kernel" ? "module-kernel" : kind === "ramdisk" ? "module-initrd" : "loader",
      addr: m.addr,
      size: m.file.size,
      footprint,
      space: loaderSpace(undefined),
      mem: "ram",
      file: m.file,
      domain: domain.name,
    });
  }
  regions.sort(compareRegions);
  // An empty file registers no ROM in QEMU (load_image_targphys loads nothing), except an
  // AArch64 -kernel, which load_aarch64_image reads into a blob ROM of size 0 (7.2.22, 10.0.2).
  const loads = (r: Region) => r.size > 0n || (r.role === "kernel" && isAArch64Cpu(layout.machine));
  return {
    profile,
    regions: regions.filter(loads),
    empty: regions.filter((r) => !loads(r)),
    ram: ramRanges(layout.machine),
    diagnostics: [...own.diagnostics, ...loaders.diagnostics],
    aarch64Cpu: isAArch64Cpu(layout.machine),
  };
}
