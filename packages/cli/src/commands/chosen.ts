/**
 * `guestmap chosen [--qemu VER] (LAYOUT.json | -- QEMU-ARGV...)`: the /chosen QEMU builds for the
 * layout, as DTS text — the standalone DTB (root cell sizes + /chosen) printed the way
 * `dtc -I dtb -O dts` prints it. QEMU's machine-own properties (stdout-path, seeds) are not in it.
 */
import { DtbError, FdtError, printDts, profileFor, standaloneFdt } from "@guestmap/core";
import { evaluate } from "../evaluate.js";
import { parseCommon } from "../input.js";
import { EXIT_FINDINGS, EXIT_OK, type Io } from "../io.js";

export async function run(args: string[], io: Io): Promise<number> {
  const opts = parseCommon(args, { json: false });
  const ev = await evaluate(opts, io);
  try {
    const fdt = standaloneFdt(ev.input.layout, profileFor(ev.profile.version), { placement: ev.placement });
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
