/**
 * `guestmap export [--qemu VER] [--cmdline OUT.sh] [--cmdline-format line|multiline|json]
 *   [--fixed-dtb] [--image OUT] [--image-format raw|elf|ihex] [--image-range START:END]
 *   [--dtb OUT.dtb] [--base-dtb BASE.dtb] [--overlay OUT.dtbo] (LAYOUT.json | -- ARGV...)`
 *
 * Writes the QEMU command line (to stdout when no other output is asked for), the memory image of
 * the guest-loader and generic-loader blobs, and the DTB outputs (standalone or merged into a base
 * DTB, and a DT overlay). `--fixed-dtb` emits the `-dtb` + generic-loader form of the command line. LayoutBlob paths in the command line are
 * rewritten relative to the cwd, where the user will run it. Outputs are written atomically and
 * never over an input file.
 */
import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import {
  approxSize,
  COMMAND_FORMATS,
  type CommandFormat,
  check,
  exportArgv,
  exportFixedDtbArgv,
  fixedDtbDiagnostics,
  formatCommand,
  IMAGE_FORMATS,
  IMAGE_SIZE_LIMIT,
  ImageError,
  type ImageFormat,
  type Layout,
  layoutFiles,
  parseSize,
  planMemoryImage,
  profileFor,
  scriptShebang,
  writeImage,
} from "@guestmap/core";
import { loadInput, parseCommon } from "../input.js";
import { type Io, UsageError } from "../io.js";
import { type FileBlobSource, memorySource, openFileSource } from "../node-io.js";
import { type OutputRequest, openOutput, planOutputs, writeOutput } from "../output-file.js";
import { qemuEnvironment, qemuTargetOf } from "../qemu-env.js";

const USAGE =
  "usage: guestmap export [--qemu VER] [--cmdline OUT.sh] [--cmdline-format line|multiline|json] [--fixed-dtb] [--image OUT] [--image-format raw|elf|ihex] [--image-range START:END] [--dtb OUT.dtb] [--base-dtb BASE.dtb] [--overlay OUT.dtbo] [--force] [--trust-args] [--uboot-script OUT.source] [--uboot-image OUT.scr] [--uboot-load CMD] [--imagebuilder OUT.cfg] [--imagebuilder-dtb NAME] (LAYOUT.json | -- QEMU-ARGV...)";

export interface ExportArgs {
  cmdline?: string;
  cmdlineFormat: CommandFormat;
  image?: string;
  imageFormat?: ImageFormat;
  range?: { start: bigint; end: bigint };
  dtb?: string;
  baseDtb?: string;
  overlay?: string;
  /** Emit the `-dtb OUT.dtb` + generic-loader form of the command line instead of guest-loader. */
  fixedDtb: boolean;
  /** Write the image despite `check` errors and above the size cap. */
  force: boolean;
  /** U-Boot script (text) and its mkimage form; the DTB it loads is --base-dtb. */
  ubootScript?: string;
  ubootImage?: string;
  ubootLoad?: string;
  /** An ImageBuilder config, naming this DTB file as DEVICE_TREE. */
  imagebuilder?: string;
  imagebuilderDtb?: string;
  /** Non-option arguments (the layout file). */
  positional: string[];
}

function parseRange(text: string): { start: bigint; end: bigint } {
  const [a, b, ...more] = text.split(":");
  const start = a === undefined ? undefined : parseSize(a);
  const end = b === undefined ? undefined : parseSize(b);
  if (more.length > 0 || start === undefined || end === undefined)
    throw new UsageError(
      `--image-range ${text}: expected START:END, e.g. 0x40000000:0x48000000 (END exclusive)`,
    );
  if (end <= start) throw new UsageError(`--image-range ${text}: END must be above START (END is exclusive)`);
  if (end > 1n << 64n)
    throw new UsageError(
      `--image-range ${text}: END is past 2^64, which no guest address reaches; END may be 0x10000000000000000 at most`,
    );
  return { start, end };
}

function parseArgs(rest: string[]): ExportArgs {
  const out: ExportArgs = { cmdlineFormat: "line", fixedDtb: false, force: false, positional: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const eq = a.indexOf("=");
    const name = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    const value = () => {
      const v = a.startsWith("--") && eq > 0 ? a.slice(eq + 1) : rest[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value; ${USAGE}`);
      return v;
    };
    switch (name) {
      case "--cmdline":
        out.cmdline = value();
        break;
      case "--cmdline-format": {
        const v = value();
        if (!COMMAND_FORMATS.includes(v as CommandFormat))
          throw new UsageError(`--cmdline-format ${v}: expected one of ${COMMAND_FORMATS.join(", ")}`);
        out.cmdlineFormat = v as CommandFormat;
        break;
      }
      case "--image":
        out.image = value();
        break;
      case "--image-format": {
        const v = value();
        if (!IMAGE_FORMATS.includes(v as ImageFormat))
          throw new UsageError(`--image-format ${v}: expected one of ${IMAGE_FORMATS.join(", ")}`);
        out.imageFormat = v as ImageFormat;
        break;
      }
      case "--image-range":
        out.range = parseRange(value());
        break;
      case "--dtb":
        out.dtb = value();
        break;
      case "--base-dtb":
        out.baseDtb = value();
        break;
      case "--overlay":
        out.overlay = value();
        break;
      case "--fixed-dtb":
        out.fixedDtb = true;
        break;
      case "--uboot-script":
        out.ubootScript = value();
        break;
      case "--uboot-image":
        out.ubootImage = value();
        break;
      case "--uboot-load":
        out.ubootLoad = value();
        break;
      case "--imagebuilder":
        out.imagebuilder = value();
        break;
      case "--imagebuilder-dtb":
        out.imagebuilderDtb = value();
        break;
      case "--force":
        out.force = true;
        break;
      default:
        if (name.startsWith("-")) throw new UsageError(`unknown option '${a}'; ${USAGE}`);
        out.positional.push(a);
    }
  }
  return out;
}

function formatFromName(path: string): ImageFormat {
  if (/\.elf$/i.test(path)) return "elf";
  if (/\.(hex|ihex|ihx)$/i.test(path)) return "ihex";
  return "raw";
}

/** Every file a layout names, resolved: outputs must not replace any of them. */
function inputFiles(layout: Layout, baseDir: string): string[] {
  // Once per path: 100k modules over 100 files are 100 resolves.
  const paths = new Set(layoutFiles(layout).map((f) => f.blob.path));
  return [...paths].map((p) => resolve(baseDir, p));
}

export async function run(args: string[], io: Io): Promise<number> {
  const common = parseCommon(args, { json: false, trustArgs: true });
  const ex = parseArgs(common.rest);
  const input = await loadInput({ ...common, rest: ex.positional }, io);
  const layout = { ...input.layout, ...(common.qemu && { qemu: common.qemu }) };
  const target = qemuTargetOf(common.argv, io.cwd);
  const inputs = [
    ...inputFiles(layout, input.baseDir),
    ...(input.layoutPath ? [input.layoutPath] : []),
    ...(ex.baseDtb !== undefined ? [resolve(io.cwd, ex.baseDtb)] : []),
  ];
  // Decide every output first: one onto an input, two onto one file, or a folder is bad input
  // before anything is written.
  const requests: OutputRequest[] = [];
  if (ex.cmdline !== undefined) requests.push({ option: "--cmdline", path: ex.cmdline });
  if (ex.image !== undefined) requests.push({ option: "--image", path: ex.image });
  if (ex.dtb !== undefined) requests.push({ option: "--dtb", path: ex.dtb });
  if (ex.overlay !== undefined) requests.push({ option: "--overlay", path: ex.overlay });
  if (ex.ubootScript !== undefined) requests.push({ option: "--uboot-script", path: ex.ubootScript });
  if (ex.ubootImage !== undefined) requests.push({ option: "--uboot-image", path: ex.ubootImage });
  if (ex.imagebuilder !== undefined) requests.push({ option: "--imagebuilder", path: ex.imagebuilder });
  const targets = new Map(planOutputs(requests, inputs, io.cwd).map((t, i) => [requests[i]!.option, t]));
  // The QEMU this run models, chosen once for the DTB, the command line's checks and the image.
  const env = qemuEnvironment(layout.machine.arch, common.qemu, input.layout.qemu, target);

  if (ex.fixedDtb && (ex.dtb === undefined || ex.baseDtb === undefined))
    throw new UsageError(
      "--fixed-dtb boots QEMU with the exported DTB instead of its own, so that DTB must be the whole machine's: give --dtb OUT.dtb and --base-dtb BASE.dtb, with BASE.dtb from the same machine without guest-loader, -append and -initrd (qemu-system-… -M virt … -machine dumpdtb=BASE.dtb)",
    );
  const wantsUboot = ex.ubootScript !== undefined || ex.ubootImage !== undefined;
  const wantsOther = wantsUboot || ex.imagebuilder !== undefined;
  // With a U-Boot script, --base-dtb is the DTB the script loads, not a DTB output's base.
  const wantsDtb =
    ex.dtb !== undefined || ex.overlay !== undefined || (ex.baseDtb !== undefined && !wantsUboot);
  // The DTB, U-Boot, ImageBuilder and command-line outputs load their code only when asked for:
  // `export --image` starts without it (bench/image-raw.bench.ts counts start-up against dd).
  if (wantsDtb) {
    const { writeDtbOutputs } = await import("../dtb-outputs.js");
    const r = await writeDtbOutputs({
      layout,
      profile: profileFor(env.choice.version),
      placementOptions: env.placement,
      ...(ex.dtb !== undefined && { dtbOut: ex.dtb }),
      ...(ex.baseDtb !== undefined && { baseDtb: ex.baseDtb }),
      ...(ex.overlay !== undefined && { overlayOut: ex.overlay }),
      keepBaseSize: !ex.fixedDtb,
      cwd: io.cwd,
      inputs,
      stdout: io.stdoutBytes,
    });
    if (!r.ok) {
      for (const m of r.errors) io.stderr(`guestmap export: error: ${m}\n`);
      return 1;
    }
    if (r.replaced)
      io.stderr(
        `guestmap export: note: --base-dtb ${ex.baseDtb} already had ${r.replaced.join(", ")} (dumped with guest-loader devices on the command line); replaced by the layout's modules\n`,
      );
  }

  if (wantsUboot) {
    const { writeUboot } = await import("../uboot-outputs.js");
    const code = await writeUboot(layout, env.placement, ex, io, targets);
    if (code !== 0) return code;
  }
  if (ex.imagebuilder !== undefined) {
    const { writeImageBuilder } = await import("../imagebuilder-output.js");
    const deviceTree = ex.imagebuilderDtb ?? "virt.dtb";
    if ((await writeImageBuilder(layout, deviceTree, targets.get("--imagebuilder")!, io)) !== 0) return 1;
  }

  if (ex.cmdline !== undefined || (ex.image === undefined && !wantsDtb && !wantsOther) || ex.fixedDtb) {
    const { rebaseLayout } = await import("./import.js");
    const rebased = rebaseLayout(layout, input.baseDir, io.cwd);
    // On ARM QEMU drops guest-loader nodes when given -dtb: the fixed-DTB form loads the blobs
    // with the generic loader and boots the merged DTB that carries their /chosen nodes.
    const e = ex.fixedDtb && ex.dtb !== undefined ? exportFixedDtbArgv(rebased, ex.dtb) : exportArgv(rebased);
    if (!e.ok) {
      for (const i of e.issues) io.stderr(`guestmap export: error: ${i.message}\n`);
      return 1;
    }
    if (ex.fixedDtb && ex.dtb !== undefined) {
      const size = BigInt((await stat(resolve(io.cwd, ex.dtb))).size);
      for (const d of fixedDtbDiagnostics(layout, { path: ex.dtb, size }, env.placement))
        io.stderr(`guestmap export: warning: ${d.message}\n`);
    }
    const script = formatCommand(e.groups, ex.cmdlineFormat);
    if (ex.cmdline === undefined) io.stdout(script);
    else {
      const sh = ex.cmdlineFormat !== "json";
      await writeOutput(
        targets.get("--cmdline")!,
        new Uint8Array(Buffer.from(sh ? `${scriptShebang(script)}${script}` : script, "utf8")),
        io.stdoutBytes,
        sh ? 0o755 : 0o644,
      );
    }
  }

  if (ex.image !== undefined) {
    const format = ex.imageFormat ?? formatFromName(ex.image);
    const sources: FileBlobSource[] = [];
    try {
      // Every file QEMU loads into RAM, in QEMU's reset order; open them all first (a missing file
      // is bad input, found before anything is written).
      const opts = env.placement;
      // An image of a layout QEMU refuses or mis-loads is not what QEMU would hold: say so first.
      const checked = check(layout, {
        ...opts,
        ...(common.trustArgs && { trustExtraArgs: true }),
      });
      const errors = checked.diagnostics.filter((d) => d.severity === "error");
      if (errors.length > 0 && !ex.force) {
        for (const d of errors) io.stderr(`guestmap export: error: ${d.message}\n`);
        io.stderr(
          `guestmap export: the image is not written: fix the ${errors.length} error(s) above (guestmap check), or give --force to write it anyway\n`,
        );
        return 1;
      }
      // check's placement is placements(layout, opts): at 100k modules a second one is 100k
      // more region objects alive at once.
      const placement = checked.placement;
      const opened = new Map<string, FileBlobSource>();
      for (const r of placement.regions) {
        if (!r.file || opened.has(r.file.path)) continue;
        const abs = isAbsolute(r.file.path) ? r.file.path : resolve(input.baseDir, r.file.path);
        // A file no larger than its head is in memory already (read by fillBlobs): no second read.
        const head = r.file.head;
        const src =
          head && r.file.size === BigInt(head.length) && !r.file.unpacked
            ? memorySource(head)
            : await openFileSource(abs).catch((err: Error) => {
                throw new UsageError(`cannot read ${r.file!.path}: ${err.message}`);
              });
        sources.push(src);
        opened.set(r.file.path, src);
      }
      const plan = planMemoryImage(layout, placement, (blob) => opened.get(blob.path)!, {
        format,
        ...(ex.range && { range: ex.range }),
      });
      if (!plan.ok)
        throw new UsageError(plan.message.replace("a range START:END", "--image-range START:END"));
      for (const n of plan.notes)
        io.stderr(`guestmap export: ${n.code === "loader-parsed" ? "warning" : "note"}: ${n.message}\n`);
      const { regions, range } = plan;
      const sink = await openOutput(targets.get("--image")!, io.stdoutBytes);
      try {
        await writeImage(regions, sink, {
          format,
          arch: layout.machine.arch,
          range,
          ...(ex.force && { maxBytes: IMAGE_SIZE_LIMIT }),
          ...(io.progress && { onProgress: imageProgress(io.progress, ex.image) }),
        });
        io.progress?.("");
        await sink.commit();
      } catch (e) {
        io.progress?.("");
        await sink.abort();
        if (e instanceof ImageError) {
          const how =
            e.code !== "too-large"
              ? ""
              : ex.force
                ? " with --image-range START:END (no file system holds that much)"
                : " with --image-range START:END, or give --force";
          io.stderr(`guestmap export: error: ${e.message}${how}\n`);
          return 1;
        }
        throw e;
      }
    } finally {
      await Promise.all(sources.map((s) => s.close()));
    }
  }
  return 0;
}

/**
 * The image's progress line on a terminal, at most five times a second: how much of the range
 * is written, and that Ctrl-C stops it (the temp file goes with it: output-file.ts).
 */
function imageProgress(show: (line: string) => void, name: string): (done: bigint, total: bigint) => void {
  let last = 0;
  return (done, total) => {
    const now = Date.now();
    if (now - last < 200 && done < total) return;
    last = now;
    const pct = total > 0n ? Number((done * 100n) / total) : 100;
    show(
      `guestmap export: writing ${name}: ${pct}% of ${approxSize(total)} (Ctrl-C cancels, leaving nothing)`,
    );
  };
}
