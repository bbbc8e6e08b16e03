/**
 * @guestmap/core — the layout model, QEMU placements, rules, DTB codec, command line and image
 * writer. Pure functions over plain data: no DOM, no Node APIs, no framework.
 */
export const VERSION = "0.1.0";

export * from "./cmdline/export.js";
export * from "./cmdline/fixed-dtb-check.js";
export * from "./cmdline/import.js";
export * from "./cmdline/import-issues.js";
export * from "./cmdline/numbers.js";
export * from "./cmdline/options.js";
export * from "./cmdline/paste.js";
export * from "./cmdline/qemuopts.js";
export * from "./cmdline/shell-quote.js";
export * from "./cmdline/shell-script.js";
export * from "./cmdline/shell-split.js";
export * from "./cmdline/suggest.js";
export * from "./cmdline/wrappers.js";
export * from "./diagnostics.js";
export * from "./dtb/index.js";
export * from "./dtb/to-layout.js";
export * from "./fdt/index.js";
export * from "./headers/sniff.js";
export * from "./image/elf.js";
export * from "./image/ihex.js";
export * from "./image/image.js";
export * from "./image/layout-regions.js";
export * from "./image/plan.js";
export * from "./image/source.js";
export * from "./image/write.js";
export * from "./model/layout-file.js";
export * from "./model/layout-files.js";
export * from "./model/share-link.js";
export * from "./model/types.js";
export * from "./ops/index.js";
export * from "./qemu/flash.js";
export * from "./qemu/guest-loader.js";
export * from "./qemu/machine.js";
export * from "./qemu/machine-types.js";
export * from "./qemu/opensbi-sizes.js";
export * from "./qemu/placement.js";
export * from "./qemu/placement-arm.js";
export * from "./qemu/placement-riscv.js";
export * from "./qemu/profiles.js";
export * from "./qemu/region.js";
export * from "./qemu/riscv-fdt-size.js";
export * from "./rules/alignment.js";
export * from "./rules/check.js";
export * from "./rules/free-slot.js";
export * from "./rules/intervals.js";
export * from "./rules/unchecked.js";
export { findUnsafeOptions, type UnsafeOption, type UnsafeRisk } from "./rules/unsafe-options.js";
export * from "./util/bigint.js";
export { escapeTerminal, TERMINAL_UNSAFE } from "./util/text.js";
export * from "./verify/index.js";
