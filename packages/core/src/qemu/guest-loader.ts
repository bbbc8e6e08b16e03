/** Facts of QEMU's guest-loader device (hw/core/guest-loader.c) shared by rules and the DTB builder. */

/** The /chosen subnode name QEMU gives a module: printf `module@0x%08" PRIx64` — literal `0x`, ≥ 8 lower-case digits. */
export function moduleNodeName(addr: bigint): string {
  return `module@0x${addr.toString(16).padStart(8, "0")}`;
}
