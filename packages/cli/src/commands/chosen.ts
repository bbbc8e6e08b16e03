/**
 * `guestmap chosen [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)`: the /chosen QEMU builds for the
 * layout, as DTS text — the standalone DTB (root cell sizes + /chosen) printed the way
 * `dtc -I dtb -O dts` prints it. QEMU's machine-own properties (stdout-path, seeds) are not in it.
 * With `-dtb FILE` it is that file's whole /chosen (Xen bootargs, dom0less domains, modules) with
 * QEMU's edits on it.
 */
import { resolve } from "node:path";
import { chosenFdt, DtbError, FdtError, printDts, profileFor } from "@guestmap/core";
import { evaluate } from "../evaluate.js";
import { parseCommon } from "../input.js";
import { EXIT_FINDINGS, EXIT_OK, type Io } from "../io.js";
import { readDtbFile } from "../read-dtb.js";

export async function run(args: string[], io: Io): Promise<number> {
  const opts = parseCommon(args, { json: false });
  const ev = await evaluate(opts, io);
  try {
    const layout = ev.input.layout;
    const profile = profileFor(ev.profile.version);
    const dtb = layout.dtb ? await readDtb(resolve(ev.input.baseDir, layout.dtb.path)) : undefined;
    const fdt = chosenFdt(layout, profile, { placement: ev.placement, ...(dtb && { dtb }) });
    io.stdout(printDts(fdt));
    return EXIT_OK;
  } catch (e) {
    if (e instanceof DtbError || e instanceof FdtError) {
      io.stderr(`guestmap chosen: error: ${e.message}\n`);
      return EXIT_FINDINGS;
    }
    throw e;
  }
}

/** The -dtb file, read header first and bounded by its totalsize (see read-dtb.ts). */
function readDtb(path: string): Promise<Uint8Array> {
  return readDtbFile(path, `-dtb ${path}`);
}
