/**
 * `guestmap export --uboot-script/--uboot-image`: a U-Boot script that loads each blob where the
 * layout puts it and edits the machine's own DTB, and its mkimage form.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  hex,
  type Layout,
  type PlacementOptions,
  placements,
  scriptImage,
  ubootScript,
} from "@guestmap/core";
import type { ExportArgs } from "./commands/export.js";
import { type Io, UsageError } from "./io.js";
import { type OutputTarget, writeOutput } from "./output-file.js";

/** Free bytes at the end of a DTB: totalsize minus the end of its struct and strings blocks. */
function dtbSlack(bytes: Uint8Array): bigint {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 40 || v.getUint32(0, false) !== 0xd00dfeed) return 0n;
  const total = v.getUint32(4, false);
  const used = Math.max(
    v.getUint32(8, false) + v.getUint32(36, false),
    v.getUint32(12, false) + v.getUint32(32, false),
  );
  return total > used ? BigInt(total - used) : 0n;
}

export async function writeUboot(
  layout: Layout,
  placementOptions: PlacementOptions,
  ex: ExportArgs,
  io: Io,
  targets: ReadonlyMap<string, OutputTarget>,
): Promise<number> {
  if (ex.baseDtb === undefined)
    throw new UsageError(
      "--uboot-script/--uboot-image load the machine's own DTB and edit it: give --base-dtb BASE.dtb, dumped with the firmware that will run the script (qemu-system-aarch64 -M virt … -bios u-boot.bin -machine dumpdtb=BASE.dtb, without guest-loader, -append and -initrd: under -bios QEMU leaves out the pl061 GPIO, which dom0 dies probing)",
    );
  const base = await readFile(resolve(io.cwd, ex.baseDtb)).catch((e: Error) => {
    throw new UsageError(`--base-dtb ${ex.baseDtb}: cannot read it (${e.message})`);
  });
  const r = ubootScript(layout, placements(layout, placementOptions), {
    dtbFile: ex.baseDtb,
    dtbSlack: dtbSlack(new Uint8Array(base)),
    ...(ex.ubootLoad !== undefined && { loadCmd: ex.ubootLoad }),
  });
  if (!r.ok) {
    for (const i of r.issues) io.stderr(`guestmap export: error: ${i.message}\n`);
    return 1;
  }
  if (ex.ubootScript !== undefined)
    await writeOutput(
      targets.get("--uboot-script")!,
      new Uint8Array(Buffer.from(r.text, "utf8")),
      io.stdoutBytes,
    );
  if (ex.ubootImage !== undefined)
    await writeOutput(
      targets.get("--uboot-image")!,
      scriptImage(r.text, { loadAddr: r.scriptAddr, name: "guestmap" }),
      io.stdoutBytes,
    );
  const name = ex.ubootImage ?? "the mkimage form of the script (--uboot-image)";
  io.stderr(
    `guestmap export: in U-Boot, load ${name} at ${hex(r.scriptAddr)} and run it: ${ex.ubootLoad ?? "tftpb"} ${hex(r.scriptAddr)} ${ex.ubootImage ?? "boot.scr"}; source ${hex(r.scriptAddr)}\n`,
  );
  return 0;
}
