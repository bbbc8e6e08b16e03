/**
 * Prediction against QEMU: the pure half of "verify in QEMU". A runner (Node only) starts the real
 * QEMU and hands over what it saw — did it refuse, `info roms`, the DTB it dumped, and per blob
 * how the RAM at reset differs from the file; this compares that with `check()` and says, region
 * by region and blob by blob, where guestmap and QEMU agree.
 */
import type { Diagnostic } from "../diagnostics.js";
import { qemuRefuses } from "../diagnostics.js";
import { DtbError } from "../dtb/errors.js";
import { chosenFdt } from "../dtb/user-dtb.js";
import { decodeFdt } from "../fdt/decode.js";
import { printDts } from "../fdt/dts.js";
import { FdtError } from "../fdt/errors.js";
import { type Fdt, findNode } from "../fdt/tree.js";
import { sniffHeader } from "../headers/sniff.js";
import type { Layout } from "../model/types.js";
import type { Region } from "../qemu/region.js";
import type { CheckResult } from "../rules/check.js";
import { hex } from "../util/bigint.js";
import type { ByteDiff } from "./byte-diff.js";

/** One `info roms` entry with an address (fw_cfg files have none). */
export interface QemuRom {
  readonly name: string;
  readonly addr: bigint;
  readonly size: bigint;
}

/** What the runner saw of one blob's bytes in guest RAM at reset. */
export interface BlobObservation {
  /** The region id (module or loader id). */
  readonly id: string;
  /** False when the blob is not (wholly) in RAM and was not read. */
  readonly read: boolean;
  readonly diff: ByteDiff;
}

/** Everything the runner observed of one QEMU run. */
export interface QemuObservation {
  /** `qemu-system-X --version`, e.g. `7.2.22`. */
  readonly version: string;
  /** Set when QEMU exited before answering: its exit status and stderr. */
  readonly refused?: { readonly status: number | null; readonly message: string };
  readonly roms: readonly QemuRom[];
  /** `-machine dumpdtb=`'s bytes, when QEMU wrote them. */
  readonly dtb?: Uint8Array;
  readonly blobs: readonly BlobObservation[];
}

export interface RegionVerdict {
  /** The predicted region's id; undefined for a region QEMU has and guestmap did not predict. */
  readonly id?: string;
  readonly name: string;
  readonly role?: Region["role"];
  /** The dom0less domain whose blob this is (`domU1`), loaded by the fixed-DTB form. */
  readonly domain?: string;
  readonly predicted?: { readonly addr: bigint; readonly size: bigint };
  readonly qemu?: { readonly addr: bigint; readonly size: bigint };
  readonly equal: boolean;
  /** guestmap's size is an estimate (e.g. RISC-V's packed FDT from QEMU 8.0). */
  readonly approximate?: boolean;
}

export interface BlobVerdict {
  readonly id: string;
  readonly name: string;
  /** The dom0less domain whose blob this is. */
  readonly domain?: string;
  readonly addr: bigint;
  readonly size: bigint;
  readonly read: boolean;
  /** Every byte in RAM equals the file. */
  readonly intact: boolean;
  /** Bytes of RAM that differ from the file. */
  readonly overwritten: bigint;
  readonly firstDiff?: bigint;
  /** Offset of the last differing byte. */
  readonly lastDiff?: bigint;
  /** QEMU's region lying under the first differing byte (who wrote over the blob). */
  readonly by?: { readonly name: string; readonly role?: Region["role"]; readonly label: string };
  /** guestmap reported an overlap for this blob that QEMU does not refuse (so it predicted this). */
  readonly predicted: boolean;
  /** One line for a person: "bytes intact" or "N bytes overwritten by QEMU's DTB …". */
  readonly summary: string;
}

export interface VerifyReport {
  readonly qemuVersion: string;
  /** The guestmap profile the prediction used. */
  readonly profile: string;
  /** Prediction and QEMU agree on everything compared. */
  readonly agrees: boolean;
  readonly refusal: {
    readonly predicted: boolean;
    readonly qemu: boolean;
    /** QEMU's stderr when it refused. */
    readonly message?: string;
    /** The codes of the diagnostics that predicted a refusal. */
    readonly codes: readonly string[];
    readonly equal: boolean;
  };
  readonly regions: readonly RegionVerdict[];
  /** /chosen as DTS (machine-own stdout-path and seeds left out), both sides. */
  readonly chosen?: { readonly predicted: string; readonly qemu: string; readonly equal: boolean };
  readonly blobs: readonly BlobVerdict[];
  /** Every disagreement, one sentence each (empty when `agrees`). */
  readonly differences: readonly string[];
}

/** Properties QEMU's machine adds to /chosen that describe its devices, not the layout. */
const MACHINE_CHOSEN_PROPS = new Set(["stdout-path", "rng-seed", "kaslr-seed"]);

/** QEMU prints the default firmware's full path; the model has its file name. */
function romName(name: string): string {
  return name.includes("/share/qemu/") ? name.slice(name.lastIndexOf("/") + 1) : name;
}

/** /chosen alone as DTS, the machine's own properties left out, so both sides print alike. */
function chosenDts(fdt: Fdt): string | undefined {
  const chosen = findNode(fdt, "/chosen");
  if (!chosen) return undefined;
  const node = { ...chosen, props: chosen.props.filter((p) => !MACHINE_CHOSEN_PROPS.has(p.name)) };
  return printDts({
    version: 17,
    bootCpuId: 0,
    memReserve: [],
    root: { name: "", props: [], children: [node] },
  });
}

const ROLE_LABEL: Partial<Record<Region["role"], string>> = {
  dtb: "QEMU's DTB",
  bootloader: "QEMU's boot stub",
  firmware: "the firmware",
  kernel: "the -kernel",
  initrd: "the -initrd",
};

/** Pairs predicted regions with `info roms`: exact matches first, then by name in address order. */
function matchRegions(predicted: readonly Region[], roms: readonly QemuRom[]): RegionVerdict[] {
  const left = roms.map((r) => ({ ...r, name: romName(r.name) }));
  const take = (i: number) => left.splice(i, 1)[0]!;
  const out: RegionVerdict[] = [];
  const pending: Region[] = [];
  for (const p of predicted) {
    const i = left.findIndex((r) => r.name === p.name && r.addr === p.addr && r.size === p.size);
    if (i < 0) {
      pending.push(p);
      continue;
    }
    const q = take(i);
    out.push({
      id: p.id,
      name: p.name,
      role: p.role,
      ...(p.domain !== undefined && { domain: p.domain }),
      predicted: { addr: p.addr, size: p.size },
      qemu: { addr: q.addr, size: q.size },
      equal: true,
    });
  }
  for (const p of pending) {
    const i = left.findIndex((r) => r.name === p.name);
    const q = i >= 0 ? take(i) : undefined;
    out.push({
      id: p.id,
      name: p.name,
      role: p.role,
      ...(p.domain !== undefined && { domain: p.domain }),
      predicted: { addr: p.addr, size: p.size },
      ...(q && { qemu: { addr: q.addr, size: q.size } }),
      equal: false,
      ...(p.approximate && { approximate: true }),
    });
  }
  for (const q of left) out.push({ name: q.name, qemu: { addr: q.addr, size: q.size }, equal: false });
  return out.sort((a, b) => {
    const x = (a.qemu ?? a.predicted)!.addr;
    const y = (b.qemu ?? b.predicted)!.addr;
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

function range(r: { addr: bigint; size: bigint }): string {
  return `[${hex(r.addr)}, ${hex(r.addr + r.size)})`;
}

const count = (n: bigint) => n.toLocaleString("en-US");

/**
 * Compares a layout's prediction with what QEMU did.
 *
 * @param layout the layout QEMU ran (the verification plan's, files renamed)
 * @param predicted `check(layout, …)` for the profile of the QEMU that ran
 * @param names display names for the plan's file names (`f1` → `rootfs.cpio`)
 */
export function compareWithQemu(
  layout: Layout,
  predicted: CheckResult,
  observed: QemuObservation,
  names: Readonly<Record<string, string>> = {},
): VerifyReport {
  const display = (n: string) => names[n] ?? n;
  // QEMU's messages and DTB name the plan's files (f1, f2…): give them back their names.
  const renamed = (text: string) => text.replace(/\bf\d+\b/g, (n) => display(n));
  const differences: string[] = [];
  const refusing = predicted.diagnostics.filter((d) => d.qemu === "refuses");
  const refusal = {
    predicted: qemuRefuses(predicted.diagnostics),
    qemu: observed.refused !== undefined,
    ...(observed.refused && { message: renamed(observed.refused.message) }),
    codes: refusing.map((d) => d.code),
    equal: qemuRefuses(predicted.diagnostics) === (observed.refused !== undefined),
  };
  if (!refusal.equal)
    differences.push(
      refusal.qemu
        ? `QEMU refused to start (${renamed(observed.refused!.message.trim())}), guestmap predicted it would start`
        : `guestmap predicted QEMU would refuse (${refusal.codes.join(", ")}), but QEMU started`,
    );

  const regions = refusal.qemu
    ? []
    : matchRegions(predicted.placement.regions, observed.roms).map((r) => ({ ...r, name: display(r.name) }));
  for (const r of regions) {
    if (r.equal) continue;
    const name = r.domain !== undefined ? `${r.name} (dom0less ${r.domain})` : r.name;
    if (!r.qemu) differences.push(`${name}: predicted at ${range(r.predicted!)}, QEMU did not load it`);
    else if (!r.predicted)
      differences.push(`${name}: QEMU loaded it at ${range(r.qemu)}, guestmap did not predict it`);
    else
      differences.push(
        `${name}: predicted at ${range(r.predicted)}, QEMU put it at ${range(r.qemu)}${r.approximate ? " (guestmap's size is an estimate)" : ""}`,
      );
  }

  let chosen: VerifyReport["chosen"];
  if (observed.dtb && !refusal.qemu) {
    let qemuDts: string | undefined;
    try {
      qemuDts = chosenDts(decodeFdt(observed.dtb));
    } catch (e) {
      if (!(e instanceof FdtError)) throw e;
      differences.push(`QEMU's dumped DTB does not decode: ${e.message}`);
    }
    let ours: string | undefined;
    try {
      // With a -dtb (the fixed-DTB form of dom0less domains), that DTB's whole /chosen with
      // QEMU's edits; otherwise QEMU's own /chosen.
      ours = chosenDts(chosenFdt(layout, predicted.placement.profile, { placement: predicted.placement }));
    } catch (e) {
      if (!(e instanceof DtbError || e instanceof FdtError)) throw e;
    }
    if (qemuDts !== undefined && ours !== undefined) {
      chosen = { predicted: renamed(ours), qemu: renamed(qemuDts), equal: ours === qemuDts };
      if (!chosen.equal) differences.push("/chosen differs from QEMU's");
    }
  }

  const overlapsOf = (id: string): Diagnostic[] =>
    predicted.diagnostics.filter(
      (d) => d.code === "overlap" && d.qemu === "starts" && d.regions.includes(id),
    );
  const byId = new Map(predicted.placement.regions.map((r) => [r.id, r]));
  const blobs: BlobVerdict[] = observed.blobs.flatMap((o) => {
    const region = byId.get(o.id);
    if (!region) return [];
    const name = display(region.name);
    const whose = region.domain !== undefined ? `${name} (dom0less ${region.domain})` : name;
    const intact = o.read && o.diff.differing === 0n;
    const predictedHit = overlapsOf(o.id).length > 0;
    let by: BlobVerdict["by"];
    if (o.diff.firstDiff !== undefined) {
      const at = region.addr + o.diff.firstDiff;
      const hit = regions.find(
        (r) => r.id !== o.id && r.qemu && r.qemu.addr <= at && at < r.qemu.addr + r.qemu.size,
      );
      if (hit)
        by = {
          name: hit.name,
          ...(hit.role && { role: hit.role }),
          label: (hit.role && ROLE_LABEL[hit.role]) ?? hit.name,
        };
    }
    const summary = !o.read
      ? "not in RAM: not read"
      : intact
        ? "bytes intact"
        : `${count(o.diff.differing)} bytes overwritten${by ? ` by ${by.label}` : ""} (first at offset ${hex(o.diff.firstDiff!)}, ${hex(region.addr + o.diff.firstDiff!)})`;
    if (o.read && !intact && !predictedHit)
      differences.push(`${whose}: ${summary}; guestmap predicted its bytes intact`);
    return [
      {
        id: o.id,
        name,
        ...(region.domain !== undefined && { domain: region.domain }),
        addr: region.addr,
        size: region.size,
        read: o.read,
        intact,
        overwritten: o.diff.differing,
        ...(o.diff.firstDiff !== undefined && { firstDiff: o.diff.firstDiff }),
        ...(o.diff.lastDiff !== undefined && { lastDiff: o.diff.lastDiff }),
        ...(by && { by }),
        predicted: predictedHit,
        summary,
      },
    ];
  });

  return {
    qemuVersion: observed.version,
    profile: predicted.placement.profile.version,
    agrees: differences.length === 0,
    refusal,
    regions,
    ...(chosen && { chosen }),
    blobs,
    differences,
  };
}

/** A blob range the runner reads back from guest RAM (`pmemsave`) to check its bytes. */
export interface BlobRead {
  readonly id: string;
  /** The plan's file name the blob was loaded from. */
  readonly file: string;
  readonly addr: bigint;
  readonly size: bigint;
  /** False when the range is not wholly in RAM: reading MMIO could have side effects, so skip it. */
  readonly inRam: boolean;
}

/**
 * A `-device loader` region holds the file's bytes as they are only when QEMU loaded it raw: an
 * ELF's segments, a uImage's payload and Intel HEX records are not the file from offset 0.
 */
function rawLoad(r: Region): boolean {
  if (!r.file || r.size !== r.file.size) return false;
  const head = r.file.head ?? new Uint8Array(0);
  return !["elf", "uimage"].includes(sniffHeader(head).format) && head[0] !== 0x3a; // ':' = Intel HEX
}

/** The guest-loader blobs and raw `-device loader` blobs whose bytes a verification checks. */
export function blobReads(predicted: CheckResult): BlobRead[] {
  const ram = predicted.placement.ram;
  return predicted.placement.regions
    .filter(
      (r) =>
        (r.role === "module-kernel" || r.role === "module-initrd" || (r.role === "loader" && rawLoad(r))) &&
        r.file,
    )
    .map((r) => ({
      id: r.id,
      file: r.file!.path,
      addr: r.addr,
      size: r.size,
      inRam: r.size > 0n && ram.some((x) => x.start <= r.addr && r.addr + r.size <= x.end),
    }));
}
