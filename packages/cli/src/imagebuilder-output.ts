/**
 * `guestmap export --imagebuilder OUT.cfg`: the layout as an ImageBuilder config (Xen's
 * uboot-script-gen), naming `--imagebuilder-dtb` (default virt.dtb) as its DEVICE_TREE.
 */
import { imageBuilderConfig, type Layout } from "@guestmap/core";
import type { Io } from "./io.js";
import { type OutputTarget, writeOutput } from "./output-file.js";

/** Writes the config; 1 when the layout has no ImageBuilder form (the issues say why). */
export async function writeImageBuilder(
  layout: Layout,
  deviceTree: string,
  target: OutputTarget,
  io: Io,
): Promise<number> {
  const ib = imageBuilderConfig(layout, { deviceTree });
  for (const i of ib.issues) io.stderr(`guestmap export: ${i.severity}: --imagebuilder: ${i.message}\n`);
  if (ib.text === undefined) return 1;
  await writeOutput(target, new Uint8Array(Buffer.from(ib.text, "utf8")), io.stdoutBytes);
  return 0;
}
