/**
 * The operations layer: use cases both front-ends need, as pure functions over plain data. The
 * CLI's commands and the app's store call these; neither re-implements them.
 */
export { snapToAlignment } from "../util/bigint.js";
export { type AddFilesOptions, type AddFilesResult, addFiles } from "./add-files.js";
export { type DtbMergeResult, type MergePolicy, mergeIntoBase, withoutModuleNodes } from "./dtb-merge.js";
export { type FixAllResult, fixAll } from "./fix-all.js";
export {
  FreeSpaceIndex,
  findSlot,
  regionLabel,
  type SlotRequest,
  type Taken,
  takenIn,
} from "./free-space.js";
export {
  type ImageNote,
  type ImageNoteCode,
  type ImagePlan,
  type ImagePlanOptions,
  planMemoryImage,
} from "./image-plan.js";
export {
  formatMachineOption,
  formatMachineProps,
  type MachineOptionIssue,
  machinePropsProblem,
  type ParsedMachineOption,
  parseMachineOption,
} from "./machine-option.js";
export {
  type AlignOptions,
  blobAlignment,
  blobFootprint,
  type MovableBlob,
  movableBlobs,
  type UnplaceableBlob,
  withAddresses,
} from "./movable.js";
export type { BlobMove, Unfixed } from "./moves.js";
export { type PackOptions, type PackResult, pack } from "./pack.js";
export {
  FIXABLE_CODES,
  type FreeSpace,
  fixLabel,
  needsLowMemory,
  type QuickFix,
  slotFor,
  withQuickFixes,
} from "./quick-fix.js";
export { type ArchChange, changeArch } from "./rebase.js";
