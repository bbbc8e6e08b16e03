/**
 * The FDT (device tree blob) codec: decode, encode, libfdt-style edits, DTS printing.
 */
export {
  checkHeader,
  FDT_MAX_TOTALSIZE,
  FDT_PROBE_SIZE,
  type FdtHeader,
  fdtClaimedSize,
} from "./check-header.js";
export { decodeFdt } from "./decode.js";
export { dtbToDts, formatPropValue, printDts } from "./dts.js";
export {
  addSubnode,
  applyFdtEdit,
  applyFdtEdits,
  delNode,
  delProp,
  type FdtEdit,
  setProp,
} from "./edit.js";
export { type EncodeOptions, encodeFdt } from "./encode.js";
export { FdtError, type FdtErrorCode } from "./errors.js";
export { FDT_MAGIC, FDT_MAX_DEPTH } from "./format.js";
export {
  emptyFdt,
  type Fdt,
  type FdtNode,
  type FdtProperty,
  type FdtReserveEntry,
  findChild,
  findNode,
  getProp,
  getPropValue,
  nodeNameMatches,
  pathComponents,
} from "./tree.js";
export {
  cellsValue,
  emptyValue,
  readCells,
  readString,
  readStringList,
  readU32,
  readU32s,
  readU64s,
  stringListValue,
  stringValue,
  u32Value,
  u64Value,
} from "./values.js";
