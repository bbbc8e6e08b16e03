/** Verify in QEMU: the plan a runner executes and the comparison of its findings with `check()`. */
export * from "./byte-diff.js";
export * from "./compare.js";
export * from "./fixed-dtb.js";
export * from "./plan.js";
export * from "./report-json.js";
