/** `guestmap dts FILE.dtb`: a DTB as DTS text, exactly as `dtc -I dtb -O dts` prints it. */
import { resolve } from "node:path";
import { decodeFdt, FdtError, printDts } from "@guestmap/core";
import { EXIT_OK, type Io, UsageError } from "../io.js";
import { readDtbFile } from "../read-dtb.js";

const USAGE = "usage: guestmap dts FILE.dtb";

export async function run(args: string[], io: Io): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined) throw new UsageError(`give a DTB file; ${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'; ${USAGE}`);
  if (file.startsWith("-") && file !== "-") throw new UsageError(`unknown option '${file}'; ${USAGE}`);
  const bytes = await readDtbFile(file === "-" ? "/dev/stdin" : resolve(io.cwd, file), file);
  try {
    io.stdout(printDts(decodeFdt(bytes)));
  } catch (e) {
    if (e instanceof FdtError) throw new UsageError(`${file} is not a valid DTB: ${e.message}`);
    throw e;
  }
  return EXIT_OK;
}
