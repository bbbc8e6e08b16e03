/**
 * The DTB QEMU boots with: /chosen as QEMU builds it for a layout, standalone, merged into a
 * base DTB or as an overlay, and the way back (import).
 */
export {
  applyChosen,
  type ChosenEditOptions,
  type ChosenOptions,
  chosenEdits,
  chosenSetOrder,
  initrdCells,
} from "./chosen.js";
export { DtbError, type DtbErrorCode } from "./errors.js";
export { type DtbImport, importDtb } from "./import.js";
export { type MergeOptions, mergeDtb } from "./merge.js";
export { chosenOverlayDtb, chosenOverlayFdt, type OverlayOptions } from "./overlay.js";
export { dtbRunsPastHead } from "./runs-past-head.js";
export {
  QEMU_DTB_SIZE,
  type StandaloneOptions,
  standaloneDtb,
  standaloneFdt,
  VIRT_ROOT_CELLS,
} from "./standalone.js";
export {
  chosenFdt,
  chosenPartOfDtb,
  type DtbModule,
  decodeDtbHead,
  dtbModules,
  resultingChosenFdt,
} from "./user-dtb.js";
