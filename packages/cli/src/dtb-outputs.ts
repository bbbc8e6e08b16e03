/**
 * The DTB outputs of `guestmap export`: `--dtb OUT.dtb` (standalone, or merged into
 * `--base-dtb BASE.dtb`) and `--overlay OUT.dtbo`. Each is written atomically (temp file in the
 * target's folder, renamed into place) and never over an input file.
 */
import { resolve } from "node:path";
import {
  chosenOverlayDtb,
  DtbError,
  decodeFdt,
  FdtError,
  type Layout,
  mergeIntoBase,
  type Placement,
  type PlacementOptions,
  type QemuProfile,
  standaloneDtb,
} from "@guestmap/core";
import { UsageError } from "./io.js";
import { type OutputRequest, planOutputs, type StdoutWriter, writeOutput } from "./output-file.js";
import { readDtbFile } from "./read-dtb.js";

export interface DtbOutputRequest {
  /** The layout, blobs measured (loadInput's). */
  readonly layout: Layout;
  readonly profile: QemuProfile;
  /** Where to write the DTB (relative to `cwd`): merged when `baseDtb` is given, else standalone. */
  readonly dtbOut?: string;
  /** QEMU's DTB of the same machine without guest-loader, -append, -initrd (`-machine dumpdtb=`). */
  readonly baseDtb?: string;
  /** Where to write the overlay (.dtbo) adding QEMU's /chosen modules and boot properties. */
  readonly overlayOut?: string;
  /**
   * Keep the base's total size (QEMU's own DTBs are 1 MiB), as QEMU's in-RAM copy is. Off for a
   * DTB given to QEMU with -dtb, which reserves 2 × (file size + 10000) bytes of RAM for it.
   */
  readonly keepBaseSize?: boolean;
  readonly cwd: string;
  /** Absolute paths of every input (layout file, blobs); the base DTB is added here. */
  readonly inputs: readonly string[];
  /** The layout's placement if the caller has it (gives the -initrd address); else computed. */
  readonly placement?: Placement;
  /** The run's placement options (firmware size): chosen once by the caller; default none. */
  readonly placementOptions?: PlacementOptions;
  /** Where an output named `-` or `/dev/stdout` goes; default the process's stdout. */
  readonly stdout?: StdoutWriter;
}

export type DtbOutputResult =
  | {
      readonly ok: true;
      readonly written: string[];
      /** Module nodes of the base DTB the layout's replaced, when there were any. */
      readonly replaced?: string[];
    }
  /** The layout cannot give QEMU's /chosen (a stanza QEMU refuses, a size unknown): exit 1. */
  | { readonly ok: false; readonly errors: string[] };

/**
 * Builds and writes the requested DTB outputs. A merged DTB keeps the base's total size when it
 * fits (QEMU pads its DTB to 1 MiB), so it can replace QEMU's byte count for byte count.
 *
 * @throws UsageError bad input (exit 2): `baseDtb` without `dtbOut`, an unreadable or malformed
 *   base DTB, an output that is one of the inputs
 */
export async function writeDtbOutputs(req: DtbOutputRequest): Promise<DtbOutputResult> {
  if (req.baseDtb !== undefined && req.dtbOut === undefined)
    throw new UsageError("--base-dtb needs --dtb OUT.dtb: it says what the merged DTB is built on");
  const inputs = [...req.inputs];
  let base: Uint8Array | undefined;
  if (req.baseDtb !== undefined) {
    const path = resolve(req.cwd, req.baseDtb);
    inputs.push(path);
    base = await readDtbFile(path, `--base-dtb ${req.baseDtb}`);
    try {
      decodeFdt(base);
    } catch (e) {
      if (e instanceof FdtError)
        throw new UsageError(`--base-dtb ${req.baseDtb} is not a valid DTB: ${e.message}`);
      throw e;
    }
  }
  const firmwareSize = req.placementOptions?.firmwareSize;
  const replaced: string[] = [];
  const opts = {
    ...(req.placement && { placement: req.placement }),
    ...(firmwareSize !== undefined && { env: { firmwareSize } }),
  };

  const requests: OutputRequest[] = [];
  if (req.dtbOut !== undefined) requests.push({ option: "--dtb", path: req.dtbOut });
  if (req.overlayOut !== undefined) requests.push({ option: "--overlay", path: req.overlayOut });
  const targets = planOutputs(requests, inputs, req.cwd);

  const outputs: [string, () => Uint8Array][] = [];
  if (req.dtbOut !== undefined) {
    const b = base;
    outputs.push([
      req.dtbOut,
      b
        ? () => {
            // The core's policy: module nodes of a base dumped with the guest-loader devices still
            // on QEMU's command line give way to the layout's, as in the app.
            const r = mergeIntoBase(b, req.layout, req.profile, {
              ...opts,
              pad: req.keepBaseSize === false ? "none" : "base",
            });
            replaced.push(...r.replaced);
            return r.bytes;
          }
        : () => standaloneDtb(req.layout, req.profile, opts),
    ]);
  }
  if (req.overlayOut !== undefined)
    outputs.push([req.overlayOut, () => chosenOverlayDtb(req.layout, req.profile, opts)]);

  // Build everything before writing anything: a failure leaves no half-set of outputs behind.
  const built: [string, Uint8Array][] = [];
  for (const [out, build] of outputs) {
    try {
      built.push([out, build()]);
    } catch (e) {
      // The base decoded above, so an FdtError here is the layout's (two modules at one address).
      if (e instanceof DtbError || e instanceof FdtError) return { ok: false, errors: [e.message] };
      throw e;
    }
  }
  const written: string[] = [];
  const stdout = req.stdout ?? defaultStdout;
  for (const [i, [out, bytes]] of built.entries()) {
    await writeOutput(targets[i]!, bytes, stdout);
    written.push(resolve(req.cwd, out));
  }
  return { ok: true, written, ...(replaced.length > 0 && { replaced }) };
}

const defaultStdout: StdoutWriter = (b) =>
  new Promise((ok, fail) => process.stdout.write(b, (e) => (e ? fail(e) : ok())));
