/**
 * Where the CLI's outputs go, decided before anything is written.
 *
 * - `-`, `/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`: the process's stdout, written directly
 *   (renaming over `/dev/stdout` is impossible, and into a pipe its realpath does not exist).
 * - A character device, FIFO or socket (`/dev/null`, `/dev/full`, a named pipe): opened and
 *   written in place. Replacing one with a regular file (as a rename would) breaks the system.
 * - A block device: written in place as well (flashing a memory image is a real use).
 * - A regular file, or a path that does not exist yet: a temp file in the same folder, renamed
 *   into place on success (atomic; an existing file keeps its mode). A live symlink is followed and
 *   its target replaced; a dangling symlink is refused (creating files through it surprises).
 *
 * Never over an input of the same run (compared by device and inode, so hard links and symlinks
 * count), and never two outputs onto one file.
 */
import { lstatSync, realpathSync, type Stats, statSync, unlinkSync } from "node:fs";
import { chmod, type FileHandle, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { ByteSink } from "@guestmap/core";
import { UsageError } from "./io.js";

/** Paths that mean the process's standard output. */
const STDOUT_NAMES = new Set(["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]);

/** Where one output goes, decided up front (see `planOutputs`). */
export type OutputTarget =
  | { readonly kind: "stdout"; readonly label: string }
  /** Written in place: a device, FIFO or socket. */
  | { readonly kind: "special"; readonly label: string; readonly path: string }
  /** A temp file renamed over `path` (the symlink's target for a live link). */
  | { readonly kind: "file"; readonly label: string; readonly path: string; readonly mode?: number };

/** An output request: the option that names it (for messages) and the path as given. */
export interface OutputRequest {
  readonly option: string;
  readonly path: string;
}

function fileId(st: Stats): string {
  return `${st.dev}:${st.ino}`;
}

function tryStat(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function tryLstat(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

/** The identity of an input file: its inode when it exists, else its absolute path. */
function inputIds(inputs: readonly string[]): Set<string> {
  const ids = new Set<string>();
  // Once per path: 100k modules naming 100 files are 100 stats, not 100k.
  for (const i of new Set(inputs)) {
    const st = tryStat(i);
    ids.add(st ? fileId(st) : resolve(i));
  }
  return ids;
}

/**
 * Decides where each output goes. Throws `UsageError` (exit 2, nothing written) for an output that
 * is an input of this run, two outputs onto one file, a folder, or a dangling symlink.
 */
export function planOutputs(
  requests: readonly OutputRequest[],
  inputs: readonly string[],
  cwd: string,
): OutputTarget[] {
  const ins = inputIds(inputs);
  const taken = new Map<string, string>();
  return requests.map(({ option, path }) => {
    const label = `${option} ${path}`;
    if (STDOUT_NAMES.has(path)) {
      if (taken.has("stdout"))
        throw new UsageError(
          `${label}: ${taken.get("stdout")} already writes to stdout; give one of them a file name`,
        );
      taken.set("stdout", label);
      return { kind: "stdout", label };
    }
    const abs = resolve(cwd, path);
    const link = tryLstat(abs);
    const st = tryStat(abs);
    if (link?.isSymbolicLink() && !st)
      throw new UsageError(
        `cannot write ${path}: it is a symbolic link to a file that does not exist; remove the link or give another path`,
      );
    if (st?.isDirectory())
      throw new UsageError(
        `cannot write ${path}: it is a folder; give a file name, e.g. ${join(path, "out")}`,
      );
    const id = st ? fileId(st) : abs;
    if (ins.has(id) || ins.has(abs))
      throw new UsageError(
        `refusing to write ${path}: it is an input of this run (${option}); choose another output file`,
      );
    const other = taken.get(id);
    if (other !== undefined)
      throw new UsageError(`${label} and ${other} name the same file; give each output its own path`);
    taken.set(id, label);
    if (st && !st.isFile()) return { kind: "special", label, path: abs };
    const target = link?.isSymbolicLink() ? realpathSync(abs) : abs;
    return { kind: "file", label, path: target, ...(st && { mode: st.mode & 0o7777 }) };
  });
}

/** A file-system error as the user needs to read it: which, and what to do. */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "its folder does not exist; create it or choose another path";
    case "EACCES":
    case "EPERM":
      return "permission denied; choose a folder you can write to";
    case "EROFS":
      return "the file system is read-only; choose another path";
    case "ENOSPC":
      return "the disk is full";
    case "EISDIR":
      return "it is a folder; give a file name";
    case "EPIPE":
      return "the reader closed the pipe";
    default:
      return (e as Error).message;
  }
}

/** Temp files not yet renamed into place: removed if the process is interrupted. */
const pendingTemps = new Set<string>();

let cleanupInstalled = false;
/**
 * On SIGINT/SIGTERM/SIGHUP, removes every temp file an unfinished output left and exits as the
 * signal would (128 + number) — unless a command listens for the signal itself (`serve` closes
 * its server gracefully), which then decides. Called once by the CLI entry point, never by
 * in-process tests.
 */
export function removeTempFilesOnSignals(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  const codes: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 };
  for (const [sig, n] of Object.entries(codes)) {
    process.on(sig, () => {
      for (const t of pendingTemps) {
        try {
          unlinkSync(t);
        } catch {
          // already gone
        }
      }
      pendingTemps.clear();
      if (process.listenerCount(sig) > 1) return;
      process.exit(128 + n);
    });
  }
}

/** An output being written: `commit()` makes it visible, `abort()` leaves nothing behind. */
export interface OutputSink extends ByteSink {
  /** Moves the write position forward over `length` zero bytes without writing them (a hole). */
  skip?(length: bigint): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** Where stdout bytes go: the process's fd 1, or a test's capture. */
export type StdoutWriter = (bytes: Uint8Array) => Promise<void>;

/** Opens a planned output. `mode` is for a new file; a replaced file keeps its own mode. */
export async function openOutput(
  target: OutputTarget,
  stdout: StdoutWriter,
  mode = 0o644,
): Promise<OutputSink> {
  if (target.kind === "stdout") {
    return {
      write: async (chunk) => {
        try {
          await stdout(chunk);
        } catch (e) {
          throw new UsageError(`cannot write ${target.label}: ${ioReason(e)}`);
        }
      },
      commit: async () => {},
      abort: async () => {},
    };
  }
  if (target.kind === "special") {
    let fh: FileHandle;
    try {
      // The file exists and is not regular, so O_CREAT does nothing and O_TRUNC is ignored; a
      // FIFO's open waits for its reader, as a shell redirection does.
      fh = await open(target.path, "w");
    } catch (e) {
      throw new UsageError(`cannot write ${target.label}: ${ioReason(e)}`);
    }
    return {
      write: (chunk) => writeAll(fh, chunk, undefined, target.label),
      consumesChunks: true,
      commit: () => fh.close(),
      abort: () => fh.close(),
    };
  }
  // The global Web Crypto, not node:crypto: importing that module costs every command start-up time.
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(4))).toString("hex");
  const tmp = join(dirname(target.path), `.${basename(target.path)}.${process.pid}.${nonce}.tmp`);
  let fh: FileHandle | undefined;
  try {
    fh = await open(tmp, "wx", target.mode ?? mode);
  } catch (e) {
    throw new UsageError(`cannot write ${target.label}: ${ioReason(e)}`);
  }
  pendingTemps.add(tmp);
  let pos = 0;
  const cleanup = async () => {
    await fh?.close().catch(() => {});
    fh = undefined;
    await unlink(tmp).catch(() => {});
    pendingTemps.delete(tmp);
  };
  return {
    write(chunk) {
      // The place is taken now, before the write runs: the image writer keeps several in flight.
      const at = pos;
      pos += chunk.length;
      return writeAll(fh!, chunk, at, target.label);
    },
    consumesChunks: true,
    overlapsWrites: true,
    async skip(length) {
      pos += Number(length);
    },
    async commit() {
      try {
        // A trailing hole needs the length set explicitly: nothing was written there.
        await fh!.truncate(pos);
        // No fsync: like cp, dd and objcopy, the bytes reach the disk when the kernel writes them
        // back. The rename is what makes the output atomic (never a half-written file under its
        // name, even after Ctrl-C or a crash of this process); waiting for the disk too cost a
        // 1 GiB image seconds (measured in bench/image-raw.bench.ts).
        await fh!.close();
        fh = undefined;
        // open() applied the umask; a replaced file keeps exactly the mode it had.
        if (target.mode !== undefined) await chmod(tmp, target.mode);
        await rename(tmp, target.path);
        pendingTemps.delete(tmp);
      } catch (e) {
        await cleanup();
        throw new UsageError(`cannot write ${target.label}: ${ioReason(e)}`);
      }
    },
    abort: cleanup,
  };
}

async function writeAll(
  fh: FileHandle,
  chunk: Uint8Array,
  position: number | undefined,
  label: string,
): Promise<void> {
  let done = 0;
  while (done < chunk.length) {
    let bytesWritten: number;
    try {
      ({ bytesWritten } = await fh.write(
        chunk,
        done,
        chunk.length - done,
        position === undefined ? null : position + done,
      ));
    } catch (e) {
      throw new UsageError(`cannot write ${label}: ${ioReason(e)}`);
    }
    done += bytesWritten;
  }
}

/** Writes `bytes` to a planned output, all or nothing. */
export async function writeOutput(
  target: OutputTarget,
  bytes: Uint8Array,
  stdout: StdoutWriter,
  mode?: number,
): Promise<void> {
  const sink = await openOutput(target, stdout, mode);
  try {
    await sink.write(bytes);
    await sink.commit();
  } catch (e) {
    await sink.abort();
    throw e;
  }
}
