/**
 * @guestmap/core — the layout model, QEMU placements, rules, DTB codec, command line and image
 * writer. Pure functions over plain data: no DOM, no Node APIs, no framework.
 *
 * The public API, hand-picked: what the CLI and the app use, and the types their signatures
 * name. Anything else is internal and may change; import it from its module inside this package.
 */
export const VERSION = "0.1.0";

// QEMU command lines: import (argv, pasted shell text), export, QemuOpts, value checks
export {
  type ExportIssue,
  type ExportIssueCode,
  type ExportOptions,
  type ExportResult,
  exportArgv,
  exportFixedDtbArgv,
} from "./cmdline/export.js";
export { fixedDtbDiagnostics } from "./cmdline/fixed-dtb-check.js";
export { type ImportResult, importArgv, importCommandArgv, importShellCommand } from "./cmdline/import.js";
export type { ImportIssue, ImportIssueCode } from "./cmdline/import-issues.js";
export { parseRamSize, type RamSize } from "./cmdline/numbers.js";
export { type PastedCommand, type PasteOptions, readPastedCommand } from "./cmdline/paste.js";
export { formatQemuOpts, parseQemuOpts, type QemuOptsProp } from "./cmdline/qemuopts.js";
export { COMMAND_FORMATS, type CommandFormat, formatCommand, scriptShebang } from "./cmdline/shell-quote.js";
export { fileSizeProblem, nulProblem, ramProblem, u64Problem } from "./cmdline/value-checks.js";

// Diagnostics: the one problem shape
export {
  type Diagnostic,
  type DiagnosticCode,
  hasErrors,
  type Problem,
  type Severity,
} from "./diagnostics.js";

// DTBs as QEMU writes them: standalone, merged, overlays, /chosen, import
export {
  applyChosen,
  type ChosenEditOptions,
  type ChosenOptions,
  chosenEdits,
  chosenFdt,
  chosenOverlayDtb,
  chosenOverlayFdt,
  chosenPartOfDtb,
  DtbError,
  type DtbErrorCode,
  type DtbImport,
  decodeDtbHead,
  dtbRunsPastHead,
  importDtb,
  type MergeOptions,
  mergeDtb,
  type OverlayOptions,
  resultingChosenFdt,
  type StandaloneOptions,
  standaloneDtb,
  standaloneFdt,
} from "./dtb/index.js";
export { type DtbLayout, type DtbLayoutOptions, layoutFromDtb } from "./dtb/to-layout.js";

// The flattened-devicetree codec (split like libfdt)
export {
  cellsValue,
  decodeFdt,
  dtbToDts,
  type EncodeOptions,
  emptyFdt,
  encodeFdt,
  FDT_PROBE_SIZE,
  type Fdt,
  type FdtEdit,
  FdtError,
  type FdtErrorCode,
  type FdtNode,
  type FdtProperty,
  type FdtReserveEntry,
  fdtClaimedSize,
  findNode,
  getPropValue,
  printDts,
  readStringList,
  setProp,
  stringListValue,
  stringValue,
  u32Value,
  u64Value,
} from "./fdt/index.js";

// File headers: what a kernel or ramdisk says about itself
export { type BlobFormat, type BlobHeader, sniffHeader } from "./headers/sniff.js";
export { Unpacker, unpackBytes, unpackerFor, unpackStream } from "./headers/unpack.js";
export {
  MAX_GUNZIP_KERNEL,
  MAX_GUNZIP_UIMAGE,
  UNPACKED_HEAD_BYTES,
  type UnpackKind,
  type UnpackPlan,
  unpackedContent,
  unpackPlan,
} from "./headers/unpack-plan.js";

// Memory images: plans and writers (raw, ELF, Intel HEX)
export { type ElfOptions, planElf } from "./image/elf.js";
export { writeIhex } from "./image/ihex.js";
export {
  checkImageSize,
  IMAGE_FORMATS,
  IMAGE_SIZE_LIMIT,
  type ImageFormat,
  type ImageOptions,
  writeImage,
} from "./image/image.js";
export { type PlacedSlice, planRaw, type Segment } from "./image/plan.js";
export {
  type AddressRange,
  type BlobSource,
  type ByteSink,
  ImageError,
  type ImageErrorCode,
  type ImageRegion,
} from "./image/source.js";
export { CHUNK } from "./image/write.js";

// The layout model, its files, layout JSON and share links
export {
  LayoutFileError,
  type LayoutFileIssue,
  type LayoutFileIssueCode,
  MAX_CLI_LAYOUT_BLOBS,
  MAX_LAYOUT_BLOBS,
  parseLayoutJson,
  serializeLayout,
} from "./model/layout-file.js";
export { type LayoutFile, type LayoutFileKind, layoutFiles, withLayoutFiles } from "./model/layout-files.js";
export { decodeShareLink, encodeShareLink } from "./model/share-link.js";
export {
  type Address,
  ARCHES,
  type Arch,
  type Bios,
  type ByteSize,
  type DomainModule,
  emptyLayout,
  type GenericLoaderBlob,
  GiB,
  type GuestLoaderModule,
  type Layout,
  type LayoutBlob,
  type LoaderDataWrite,
  type LoaderPc,
  type Machine,
  MiB,
  moduleFile,
  moduleKind,
  type QemuVersion,
  type Unpacked,
  type XenDomain,
} from "./model/types.js";

// Operations both front-ends call: quick fixes, fix all, pack, adding files, DTB merge, image plan, -M text
export {
  type AddFilesOptions,
  type AddFilesResult,
  type AlignOptions,
  addFiles,
  type BlobMove,
  blobFootprint,
  changeArch,
  type DtbMergeResult,
  type FixAllResult,
  fixAll,
  formatMachineOption,
  formatMachineProps,
  type ImageNote,
  type ImageNoteCode,
  type ImagePlan,
  type ImagePlanOptions,
  type MachineOptionIssue,
  type MergePolicy,
  type MovableBlob,
  machinePropsProblem,
  mergeIntoBase,
  movableBlobs,
  type PackOptions,
  type PackResult,
  pack,
  parseMachineOption,
  planMemoryImage,
  snapToAlignment,
  type Unfixed,
} from "./ops/index.js";

// QEMU's own placements, machines and versions
export { type FlashBank, flashBanks } from "./qemu/flash.js";
export { defaultCpu, type RamRange } from "./qemu/machine.js";
export { virtMachineProps, virtTypeName } from "./qemu/machine-props.js";
export { isVirtType, unmodelledMachine } from "./qemu/machine-types.js";
export { type OpenSbiSize, openSbiSizeFor } from "./qemu/opensbi-sizes.js";
export { type PlacementOptions, placements, resolveProfile } from "./qemu/placement.js";
export { firmwareFileName } from "./qemu/placement-riscv.js";
export {
  atLeastVersion,
  compareVersions,
  isSupportedVersion,
  type KnownRelease,
  NEWEST_VERIFIED_VERSION,
  OLDEST_VERSION,
  PROFILES,
  parseQemuVersionOutput,
  profileFor,
  QEMU_RELEASES,
  type QemuProfile,
  type QemuRelease,
  UnknownQemuVersionError,
} from "./qemu/profiles.js";
export {
  type AddressSpace,
  isUserRole,
  type Placement,
  type PlacementEnv,
  type Region,
  type RegionRole,
} from "./qemu/region.js";
export { riscvFdtSize, smpCpus } from "./qemu/riscv-fdt-size.js";

// check(): every rule
export { type AlignmentRule, alignmentRule } from "./rules/alignment.js";
export { type CheckOptions, type CheckResult, check, checkPlacement } from "./rules/check.js";
export {
  checkPlacementWithoutFixes,
  checkWithoutFixes,
  type UnfixedCheck,
  withQuickFixesOf,
} from "./rules/check-in-steps.js";
export { elfMachineName } from "./rules/files.js";
export { type Intersection, type Interval, intersections, intersectionsBy } from "./rules/intervals.js";
export { REMOVED_OPTIONS } from "./rules/unchecked.js";
export { findUnsafeOptions, type UnsafeOption, type UnsafeRisk } from "./rules/unsafe-options.js";

// Utilities
export { alignDown, alignUp, approxSize, formatSize, hex, parseSize } from "./util/bigint.js";
export { escapeTerminal, isTerminalSafeAscii } from "./util/text.js";

// Verify in QEMU: plan and compare
export {
  addChunkDiff,
  type BlobObservation,
  type BlobRead,
  type BlobVerdict,
  type ByteDiff,
  blobReads,
  compareWithQemu,
  FIXED_DTB_NAME,
  type FixedDtbRun,
  fixedDtbBaseLayout,
  fixedDtbRun,
  layoutFilePaths,
  NO_DIFF,
  planVerification,
  type QemuObservation,
  type QemuRom,
  type RegionVerdict,
  uniqueLayoutFiles,
  type VerifyFile,
  type VerifyPlan,
  type VerifyPlanIssue,
  type VerifyPlanIssueCode,
  type VerifyReport,
  type VerifyReportJson,
  verifyReportFromJson,
  verifyReportToJson,
} from "./verify/index.js";

// Xen: dom0less domains, ImageBuilder, U-Boot
export {
  type DomainModuleKind,
  type DomainModuleRef,
  domainModules,
  mapDomainModules,
} from "./xen/domains.js";
export {
  type ImageBuilderConfig,
  type ImageBuilderEntry,
  type ImageBuilderIssue,
  type ImageBuilderIssueCode,
  type ImageBuilderLayout,
  type ImageBuilderPlan,
  imageBuilderConfig,
  imageBuilderFiles,
  imageBuilderPlan,
  layoutFromImageBuilder,
  parseImageBuilderConfig,
} from "./xen/imagebuilder.js";
export { type ScriptImageOptions, scriptImage } from "./xen/uboot-image.js";
export {
  type UbootScriptIssue,
  type UbootScriptIssueCode,
  type UbootScriptOptions,
  type UbootScriptResult,
  ubootQuote,
  ubootScript,
} from "./xen/uboot-script.js";
