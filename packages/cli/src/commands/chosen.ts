/**
 * `guestmap chosen [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)`: the /chosen QEMU builds for the
 * layout, as DTS text — the standalone DTB (root cell sizes + /chosen) printed the way
 * `dtc -I dtb -O dts` prints it. QEMU's machine-own properties (stdout-path, seeds) are not in it.
 * With `-dtb FILE` it is that file's whole /chosen (Xen bootargs, dom0less domains, modules) with
 * QEMU's edits on it.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { DtbError, FdtError, printDts, profileFor, resultingChosenFdt, standaloneFdt } from "@guestmap/core";
import { evaluate } from "../evaluate.js";
import { parseCommon } from "../input.js";
import { EXIT_FINDINGS, EXIT_OK, type Io, UsageError } from "../io.js";

export async function run(args: string[], io: Io): Promise<number> {
  const opts = parseCommon(args, { json: false });
  const ev = await evaluate(opts, io);
  try {
    const layout = ev.input.layout;
    const profile = profileFor(ev.profile.version);
    const fdt = layout.dtb
      ? resultingChosenFdt(layout, profile, await readDtb(resolve(ev.input.baseDir, layout.dtb.path)), {
          placement: ev.placement,
        })
      : standaloneFdt(layout, profile, { placement: ev.placement });
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

/** The whole -dtb file (QEMU's own are 1 MiB; 64 MiB is far beyond any device tree). */
async function readDtb(path: string): Promise<Uint8Array> {
  try {
    const bytes = await readFile(path);
    if (bytes.length > 64 << 20)
      throw new UsageError(`-dtb ${path}: ${bytes.length} bytes is not a device tree`);
    return new Uint8Array(bytes);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`-dtb ${path}: cannot read it (${(e as Error).message}); fix the path`);
  }
}
