/**
 * Diagnostics are data: a typed code, a severity, a message that says what QEMU will do and how to
 * fix it, the regions involved and the exact byte range concerned.
 */

export type Severity = "error" | "warning" | "info";

/**
 * The one problem shape of the core: every list of problems it returns — diagnostics, import and
 * export issues, verify, ImageBuilder and U-Boot issues, image notes, `-M` text issues, layout file
 * issues — extends this, so a panel, the CLI's text and `--json` render them alike. Codes are
 * lower-case kebab (`nul-character`); the FDT codec's errors keep libfdt's FDT_ERR_* names.
 */
export interface Problem<C extends string = string> {
  /** Stable: switch on this, not on the message. */
  readonly code: C;
  readonly severity: Severity;
  /** What is wrong, where, and how to fix it. */
  readonly message: string;
  /**
   * Where, as the input names it: a layout field (`modules[1].bootargs`), an argument, a config
   * line. Diagnostics say where with `regions` and `start`/`end` instead.
   */
  readonly where?: string;
}

/**
 * Every diagnostic code, with what it means:
 * - `overlap`: two loaded regions intersect (QEMU's own placements included).
 * - `outside-ram`: a blob is not entirely inside the machine's RAM.
 * - `addr-zero`: a guest-loader stanza without an address (QEMU rejects 0).
 * - `duplicate-addr`: two guest-loader stanzas at one address (QEMU aborts with FDT_ERR_EXISTS).
 * - `bootargs-on-initrd`: `bootargs=` on an initrd stanza (QEMU rejects it).
 * - `kernel-and-initrd`: both `kernel=` and `initrd=` in one stanza (QEMU rejects it).
 * - `no-file`: a stanza with neither `kernel=` nor `initrd=` (QEMU rejects it).
 * - `bss-overlap`: a kernel's run-time footprint (image_size) reaches another region.
 * - `misaligned`: a blob's address breaks the alignment its kind needs.
 * - `no-fdt-machine`: guest-loader on a machine without an FDT.
 * - `empty-file`: a zero-byte blob.
 * - `too-large`: a blob QEMU cannot load (larger than RAM, or ≥ 2 GiB for guest-loader's int size).
 * - `address-overflow`: a blob's end passes 2^64 (or the arch's physical address space).
 * - `too-many-modules`: more modules than Xen's boot-module table holds.
 * - `size-unknown`: a placeholder blob whose size is not known yet.
 * - `kernel-too-large`, `initrd-no-space`, `dtb-no-space`, `firmware-missing`: QEMU refuses to
 *   place its own blobs.
 * - `ram-too-large`: `-m` beyond what the machine accepts (rv32: QEMU lowers it to 10 GiB).
 * - `needs-kernel`: `-append` or `-initrd` without `-kernel`, which QEMU refuses.
 * - `kernel-incompatible`: ARM: an ELF -kernel for the other state than the cpu's, which QEMU refuses.
 * - `dtb-drops-modules`: ARM with `-dtb`: QEMU loads guest-loader blobs but writes no /chosen nodes.
 * - `no-dtb`: ARM: an ELF/non-Linux kernel leaves QEMU's DTB out of RAM (or at 0x0).
 * - `initrd-ignored`: ARM: `-initrd` with a kernel QEMU does not boot as Linux is not loaded.
 * - `machine-prop`: a `-M virt` property this QEMU does not have (it refuses to start).
 * - `machine-type-unknown`: ARM: a versioned `-M virt-X.Y` newer than this QEMU (it refuses to start).
 * - `kernel-unpack`: a compressed `-kernel` (gzip uImage, gzip, EFI zboot) QEMU cannot unpack:
 *   it loads the file raw (warning) or refuses to start (error), as the format and version decide.
 * - `cpu-mismatch`: ARM: a 64-bit arm64 Image with a 32-bit cpu (QEMU starts; the kernel never runs).
 * - `same-name-files`: two different files under one path (QEMU loads the same file for both).
 * - `file-format`: a module that is no kernel/ramdisk (a PNG…), or an ELF that guest-loader loads raw.
 * - `loader-sets-pc`: a loader file with `cpu-num=` sets that cpu's PC (cpu 0: QEMU's boot code is skipped).
 * - `loader-cpu-missing`: a `-device loader` `cpu-num=` beyond `-smp` (QEMU refuses).
 * - `loader-data-len`: a `data=` stanza whose `data-len` is not 1…8 (QEMU refuses).
 * - `loader-data-be`: `data-be=on` with data-len < 8 writes the value's top bytes (QEMU's quirk).
 * - `loader-data-lost`: `data=` bytes that never reach the guest (under a ROM blob, or in flash).
 * - `in-flash`: a blob in ARM virt's flash (0x0–0x8000000): loaded and readable, but not RAM.
 * - `loader-mrom`: a blob over RISC-V's MROM, which QEMU writes without a check.
 * - `dtb-module-stale`: a `-dtb`'s /chosen module whose reg does not match what is loaded there.
 * - `fixed-dtb-refused`: the fixed-DTB export turns a silent overlap into one QEMU refuses.
 * - `chosen-cells`, `unit-address-format`: lints about the DTB QEMU writes (info).
 * - `domain-config`: a Xen dom0less domain Xen refuses to build (no memory or vcpus, memory not
 *   in whole KiB, a clashing node name) or that needs more RAM than the machine has.
 * - `not-checked`: an option or property outside guestmap's model (info), or one QEMU has removed
 *   (an error from the release that removed it): listed so a clean check never vouches for it.
 * - `unsafe-option`: an extra argument that makes QEMU run a program, touch host files, listen
 *   on the network or change its privileges (`-incoming exec:`, `-netdev …,script=`, `-plugin`,
 *   `-drive file=`, `-qmp unix:…`, …): harmless only if the user wrote it.
 * - `argument-too-long`: an argument longer than Linux passes to a program (MAX_ARG_STRLEN).
 * - `file-name-encoding`: a file name holding U+FFFD, what a browser or terminal shows for bytes
 *   that are not UTF-8: the command line would name a file that does not exist.
 */
export type DiagnosticCode =
  | "overlap"
  | "outside-ram"
  | "addr-zero"
  | "duplicate-addr"
  | "bootargs-on-initrd"
  | "kernel-and-initrd"
  | "no-file"
  | "bss-overlap"
  | "misaligned"
  | "no-fdt-machine"
  | "empty-file"
  | "too-large"
  | "address-overflow"
  | "too-many-modules"
  | "size-unknown"
  | "kernel-too-large"
  | "initrd-no-space"
  | "dtb-no-space"
  | "firmware-missing"
  | "ram-too-large"
  | "needs-kernel"
  | "kernel-incompatible"
  | "dtb-drops-modules"
  | "no-dtb"
  | "initrd-ignored"
  | "machine-prop"
  | "machine-type-unknown"
  | "kernel-unpack"
  | "cpu-mismatch"
  | "same-name-files"
  | "file-format"
  | "loader-cpu-missing"
  | "loader-sets-pc"
  | "loader-data-len"
  | "loader-data-be"
  | "loader-data-lost"
  | "in-flash"
  | "loader-mrom"
  | "dtb-module-stale"
  | "fixed-dtb-refused"
  | "chosen-cells"
  | "unit-address-format"
  | "domain-config"
  | "not-checked"
  | "unsafe-option"
  | "argument-too-long"
  | "file-name-encoding";

export interface Diagnostic extends Problem<DiagnosticCode> {
  /** Ids of the regions involved (see `Region.id`), first the one to fix. */
  readonly regions: readonly string[];
  /**
   * What QEMU does with this layout because of this problem: refuses to start, or starts (and
   * loads it anyway, often corrupting memory without a word). Absent where QEMU is not involved.
   */
  readonly qemu?: "refuses" | "starts";
  /**
   * A quick fix, where one move cures it: move this region to this address. `label` says so,
   * naming the file ("Move rootfs.cpio to 0x48100000 …"); see ops/quick-fix.ts.
   */
  readonly fix?: { readonly region: string; readonly addr: bigint; readonly label?: string };
  /** The byte range concerned: [start, end), e.g. the exact intersection of an overlap. */
  readonly start?: bigint;
  readonly end?: bigint;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then by address, then by code: a stable order for output and tests. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => {
    const bySeverity = RANK[a.severity] - RANK[b.severity];
    if (bySeverity !== 0) return bySeverity;
    const sa = a.start ?? -1n;
    const sb = b.start ?? -1n;
    if (sa !== sb) return sa < sb ? -1 : 1;
    // Codes are lower-case ASCII: code-unit order is the collator's order, and the first
    // localeCompare of a process costs ~8 ms of ICU set-up (a third of `guestmap check`'s own time).
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}

/** Whether QEMU would refuse to start because of any of these. */
export function qemuRefuses(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.qemu === "refuses");
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === "error");
}
