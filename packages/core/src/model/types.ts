/**
 * The layout model: everything guestmap knows about one QEMU boot configuration, as plain data.
 *
 * A layout mirrors a QEMU command line faithfully — including stanzas QEMU would reject (a
 * guest-loader with both `kernel=` and `initrd=`, or with no address) — so that imported command
 * lines can be checked rather than refused. Addresses and sizes are `bigint` everywhere: RAM
 * crosses 4 GiB and 64-bit ends overflow `number`.
 */

/** A guest-physical address. */
export type Address = bigint;
/** A size in bytes. */
export type ByteSize = bigint;

/** The QEMU targets guestmap models; each has a `virt` machine that boots with an FDT. */
export type Arch = "aarch64" | "arm" | "riscv64" | "riscv32";
export const ARCHES: readonly Arch[] = ["aarch64", "arm", "riscv64", "riscv32"];

/**
 * A file the layout refers to. Content is never held here: only what the model needs (its size,
 * and optionally its first bytes, from which kernel headers are read). Exports read the content
 * through an injected reader when they need it.
 */
export interface LayoutBlob {
  /** The file name as the user wrote it: relative to the layout file, or to the shell's cwd. */
  readonly path: string;
  /** Size in bytes; `undefined` for a placeholder whose file is not at hand yet. */
  readonly size?: ByteSize;
  /** SHA-256 of the content (64 lower-case hex digits), when known: identifies the exact file. */
  readonly sha256?: string;
  /** The file's first bytes (64 KiB at most is useful), for header sniffing. */
  readonly head?: Uint8Array;
  /**
   * For a compressed kernel QEMU unpacks before placing it — a gzip file (`-kernel` on AArch64), a
   * uImage with gzip payload, an arm64 EFI zboot image: the decompressed size and first bytes, or
   * why QEMU's gunzip fails (headers/unpack.ts). Filled by the adapter that can read the whole
   * file; never saved in a layout file. Absent: not measured (the size is then marked approximate).
   */
  readonly unpacked?: Unpacked;
}

/** What a compressed kernel holds as QEMU's loader sees it: its content, or why gunzip fails. */
export type Unpacked =
  | { readonly size: ByteSize; readonly head: Uint8Array }
  | { readonly failure: "too-large" | "corrupt"; readonly detail: string };

/** `-bios`: QEMU's default firmware (OpenSBI on RISC-V, none on ARM), `none`, or a file. */
export type Bios =
  | {
      readonly kind: "default";
      /**
       * `-bios default` written out: RISC-V's default firmware, but on ARM a file name QEMU looks
       * up and refuses ("Could not find ROM image 'default'"), so export must keep it.
       */
      readonly explicit?: true;
    }
  | { readonly kind: "none" }
  | { readonly kind: "file"; readonly file: LayoutBlob };

export interface Machine {
  readonly arch: Arch;
  /** The `-M` machine type. Only `virt` has the FDT guest-loader needs; others are kept to be diagnosed. */
  readonly type: string;
  /** Further `-M` properties in command-line order, e.g. `virtualization=on`, `highmem=off`. */
  readonly props: readonly (readonly [string, string])[];
  /** `-m`: guest RAM size. QEMU's default for `virt` is 128 MiB. */
  readonly ram: ByteSize;
  /** `-cpu`; `undefined` means the machine's default (cortex-a15 — a 32-bit cpu — on ARM virt). */
  readonly cpu?: string;
  /** `-smp` as given. */
  readonly smp?: string;
  readonly bios: Bios;
}

/**
 * One `-device guest-loader` stanza, as written. A well-formed one has an `addr` and exactly one
 * of `kernel`/`initrd`; `bootargs` only with `kernel`.
 */
export interface GuestLoaderModule {
  /** Stable identity for editing and diagnostics; not a QEMU property. */
  readonly id: string;
  /** `addr=`; 0 is QEMU's default and is rejected by it. */
  readonly addr: Address;
  readonly kernel?: LayoutBlob;
  readonly initrd?: LayoutBlob;
  readonly bootargs?: string;
}

/**
 * A `-device loader,file=…` blob (QEMU's generic loader, docs/system/generic-loader.rst). Unless
 * `force-raw=on`, QEMU loads an ELF at its segments' own addresses and a uImage at its header's
 * load address (`addr=` then only sets the PC); anything else is loaded raw at `addr=`.
 */
export interface GenericLoaderBlob {
  readonly id: string;
  /** `addr=`; QEMU's default is 0 (a raw file without `addr=` lands at 0x0). */
  readonly addr: Address;
  readonly file: LayoutBlob;
  /** `force-raw=on`: load the file as raw bytes even if it is an ELF/uImage. */
  readonly forceRaw?: boolean;
  /**
   * `cpu-num=`: the blob is loaded through that cpu's address space and the cpu's PC is set to
   * the blob (its entry for an ELF/uImage, else `addr`). Absent: the first cpu's space, no PC.
   */
  readonly cpuNum?: number;
  /** False when the stanza has no `addr=` (kept so an export writes back the same stanza). */
  readonly addrGiven?: false;
}

/**
 * One blob of a Xen dom0less domain: a module node under /chosen/domU*, loaded by QEMU with
 * `-device loader,force-raw=on` (guest-loader cannot write nodes below /chosen).
 */
export interface DomainModule {
  /** Stable identity, e.g. `domU1.kernel`. */
  readonly id: string;
  readonly addr: Address;
  readonly file: LayoutBlob;
}

/**
 * A Xen dom0less domU (Xen's docs/misc/arm/device-tree/booting.txt, "Creating Multiple Domains
 * directly from Xen"): a `/chosen/<name>` node with `compatible = "xen,domain"` that Xen boots
 * beside dom0 from the modules below it.
 */
export interface XenDomain {
  /** The node name under /chosen, e.g. `domU1`. */
  readonly name: string;
  /** `memory`: the guest's RAM (Xen reads it in KiB, so a multiple of 1 KiB). */
  readonly memory: ByteSize;
  /** `cpus`: number of vcpus. */
  readonly cpus: number;
  /** `vpl011`: a virtual PL011 UART, whose output Xen prints on its console as `(XEN) DOM1: …`. */
  readonly vpl011: boolean;
  /** `multiboot,kernel`, with its `bootargs`. */
  readonly kernel: DomainModule;
  readonly bootargs?: string;
  /** `multiboot,ramdisk`. */
  readonly ramdisk?: DomainModule;
  /** `multiboot,device-tree`: a passthrough DT fragment. */
  readonly dtb?: DomainModule;
}

/**
 * A `-device loader,data=…,data-len=…,addr=…` stanza: `len` bytes of `data` (little-endian unless
 * `data-be=on`) written through a cpu's address space at every reset. Not a ROM: QEMU never checks
 * it against anything, and ROM blobs written after it at reset win.
 */
export interface LoaderDataWrite {
  readonly id: string;
  readonly addr: Address;
  /** `data=` as a 64-bit value. */
  readonly data: bigint;
  /** `data-len=`: 1 to 8 bytes. */
  readonly len: number;
  /** `data-be=on`. */
  readonly bigEndian?: boolean;
  /** `cpu-num=`: whose address space the write goes through (and whose PC is set to `addr`). */
  readonly cpuNum?: number;
}

/**
 * A QEMU version as `qemu-system-* --version` prints it (`7.2.22`) or its release (`10.0`): any
 * from 7.2 up; its behaviour is derived in qemu/profiles.ts.
 */
export type QemuVersion = `${number}.${number}` | `${number}.${number}.${number}`;

/** `-device loader,addr=…,cpu-num=…`: sets that cpu's PC to `addr` at reset; loads nothing. */
export interface LoaderPc {
  readonly id: string;
  readonly addr: Address;
  readonly cpuNum: number;
}

export interface Layout {
  readonly machine: Machine;
  /** The QEMU profile this layout targets; `undefined` lets the tool choose (installed QEMU, else newest). */
  readonly qemu?: QemuVersion;
  /** `-kernel`. */
  readonly kernel?: LayoutBlob;
  /** `-append`: the `-kernel`'s command line (QEMU puts it in /chosen/bootargs). */
  readonly append?: string;
  /** `-initrd`. */
  readonly initrd?: LayoutBlob;
  /** `-dtb`: a user DTB replacing QEMU's generated one. */
  readonly dtb?: LayoutBlob;
  /** `-device guest-loader` stanzas in command-line order (the order decides QEMU's /chosen order). */
  readonly modules: readonly GuestLoaderModule[];
  /** `-device loader` blobs in command-line order. */
  readonly loaders: readonly GenericLoaderBlob[];
  /** `-device loader,data=…` writes in command-line order (absent: none). */
  readonly loaderData?: readonly LoaderDataWrite[];
  /** `-device loader,addr=…,cpu-num=…` stanzas that only set a cpu's PC (absent: none). */
  readonly loaderPcs?: readonly LoaderPc[];
  /** Every other QEMU argument, verbatim, as argv groups (an option and its value). */
  readonly extraArgs: readonly (readonly string[])[];
  /** Xen dom0less domUs; a layout with any exports only in the fixed-DTB form. */
  readonly domains?: readonly XenDomain[];
}

/** The kind of a guest-loader stanza: what QEMU writes in `compatible`. */
export function moduleKind(m: GuestLoaderModule): "kernel" | "initrd" | undefined {
  if (m.kernel) return "kernel";
  if (m.initrd) return "initrd";
  return undefined;
}

/** The file a stanza loads (the kernel when both are given, as QEMU would reject it anyway). */
export function moduleFile(m: GuestLoaderModule): LayoutBlob | undefined {
  return m.kernel ?? m.initrd;
}

export const MiB = 1n << 20n;
export const KiB = 1n << 10n;
export const GiB = 1n << 30n;

/** A minimal layout for an arch: `-M virt -m 128M`, no blobs. */
export function emptyLayout(arch: Arch): Layout {
  return {
    machine: { arch, type: "virt", props: [], ram: 128n * MiB, bios: { kind: "default" } },
    modules: [],
    loaders: [],
    extraArgs: [],
  };
}
