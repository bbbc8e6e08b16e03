/** `guestmap dts FILE.dtb`: a DTB as DTS text, exactly as `dtc -I dtb -O dts` prints it. */
import { resolve } from "node:path";
import { dtbToDts, FdtError, isTerminalSafeAscii } from "@guestmap/core";
import { EXIT_OK, type Io, UsageError } from "../io.js";
import { readDtbFile } from "../read-dtb.js";

const USAGE = "usage: guestmap dts FILE.dtb";

export async function run(args: string[], io: Io): Promise<number> {
  const [file, ...extra] = args;
  if (file === undefined) throw new UsageError(`give a DTB file; ${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'; ${USAGE}`);
  if (file.startsWith("-") && file !== "-") throw new UsageError(`unknown option '${file}'; ${USAGE}`);
  const bytes = await readDtbFile(file === "-" ? "/dev/stdin" : resolve(io.cwd, file), file);
  let dts: Uint8Array;
  try {
    dts = dtbToDts(bytes);
  } catch (e) {
    if (e instanceof FdtError) throw new UsageError(`${file} is not a valid DTB: ${e.message}`);
    throw e;
  }
  // The bytes as dtc writes them, unless a name holds a control or non-ASCII byte: then the
  // text path, which escapes what a terminal would act on.
  if (isTerminalSafeAscii(dts)) await io.stdoutBytes(dts);
  else io.stdout(latin1(dts));
  return EXIT_OK;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}
