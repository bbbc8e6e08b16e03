/**
 * Which `-M` types guestmap models: `virt`, and on ARM its versioned names (`virt-7.2`, which
 * libvirt always writes). A versioned type keeps that release's compatibility properties, none of
 * which moves RAM, the boot stub, the kernel, the initrd or the DTB (the conformance suite checks
 * every versioned type against plain `virt` on each QEMU it runs). Anything else would get virt's
 * placements, which would be guesses: it is refused, never shown.
 */
import type { Arch } from "../model/types.js";

/** Oldest versioned ARM virt type (QEMU 2.6); newer ones follow each release. */
const OLDEST_VERSIONED = [2, 6] as const;

/** Whether `type` is `virt` or, on ARM, `virt-MAJOR.MINOR` from 2.6 on. */
export function isVirtType(arch: Arch, type: string): boolean {
  if (type === "virt") return true;
  const m = /^virt-([0-9]+)\.([0-9]+)$/.exec(type);
  if (!m || (arch !== "aarch64" && arch !== "arm")) return false;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  return major > OLDEST_VERSIONED[0] || (major === OLDEST_VERSIONED[0] && minor >= OLDEST_VERSIONED[1]);
}

/**
 * The release of a versioned virt type (`virt-9.0` → `9.0`), or undefined for plain `virt` and
 * anything else.
 */
export function virtTypeRelease(type: string): string | undefined {
  return /^virt-([0-9]+\.[0-9]+)$/.exec(type)?.[1];
}

/**
 * Whether a QEMU of `release` lacks the versioned type `type` because the type is newer: each
 * release adds its own `virt-X.Y` (hw/arm/virt.c DEFINE_VIRT_MACHINE), so `virt-9.0` exists from
 * QEMU 9.0 on and QEMU 7.2 refuses it (measured: 7.2.22 refuses virt-7.3 and virt-9.0, 10.0.2
 * refuses virt-10.1 and virt-11.0, each with "unsupported machine type").
 */
export function virtTypeNewerThan(type: string, release: string): boolean {
  const r = virtTypeRelease(type);
  if (r === undefined) return false;
  const [a, b] = r.split(".").map(Number) as [number, number];
  const [c, d] = release.split(".").map(Number) as [number, number];
  return a > c || (a === c && b > d);
}

/**
 * Why guestmap cannot model `-M type` on this arch, or undefined when it can. The text says what
 * and how to fix it. `-M none` with guest-loader devices is modelled exactly: QEMU refuses it
 * ("Cannot modify FDT fields if the machine has none"), which the no-fdt-machine rule reports.
 */
export function unmodelledMachine(arch: Arch, type: string, hasGuestLoader = false): string | undefined {
  if (isVirtType(arch, type)) return undefined;
  if (type === "none" && hasGuestLoader) return undefined;
  if (/^virt-[0-9]+\.[0-9]+$/.test(type) && arch.startsWith("riscv"))
    return `-M ${type}: qemu-system-${arch} has no versioned virt types (QEMU: "unsupported machine type"); use -M virt`;
  if (/^virt-/.test(type))
    return `-M ${type}: QEMU has no such machine (its versioned virt types run from virt-2.6 to the release's own); use -M virt or an existing virt-X.Y`;
  return `-M ${type} is not a machine guestmap models: it knows only QEMU's virt machine (and its versioned names such as virt-7.2), and ${type}'s RAM, boot code and DTB are placed differently, so guestmap would only be guessing. Use -M virt, or check ${type} with QEMU itself (info roms after -S)`;
}
