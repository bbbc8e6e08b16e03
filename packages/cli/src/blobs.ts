/**
 * Fills a layout's blobs from the file system: their sizes and first bytes. Paths resolve against
 * `baseDir` (the layout file's folder, or the shell's cwd for a command line), as QEMU would.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { createGunzip } from "node:zlib";
import { type Blob, domainModules, type Layout, mapDomainModules } from "@guestmap/core";
import { UsageError } from "./io.js";

/** Enough for every header we read, including an ELF's program headers. */
const HEAD_BYTES = 64 * 1024;

/** QEMU's arm64 loader gunzips at most this much (LOAD_IMAGE_MAX_GUNZIP_BYTES). */
const MAX_GUNZIP = 256 * 1024 * 1024;

/** Decompressed size and head of a gzip file, streamed: memory stays at the head's size. */
async function gunzipInfo(path: string): Promise<{ size: bigint; head: Uint8Array } | undefined> {
  const head = new Uint8Array(HEAD_BYTES);
  let got = 0;
  let size = 0;
  try {
    for await (const chunk of createReadStream(path).pipe(createGunzip())) {
      const c = chunk as Buffer;
      if (got < HEAD_BYTES) {
        const n = Math.min(HEAD_BYTES - got, c.length);
        head.set(c.subarray(0, n), got);
        got += n;
      }
      size += c.length;
      if (size > MAX_GUNZIP) return undefined;
    }
  } catch {
    return undefined; // not a whole gzip stream: QEMU loads it raw, and so do we
  }
  return { size: BigInt(size), head: head.subarray(0, got) };
}

/** One file's size and first bytes (a placeholder with a typed size stays one if the file is absent). */
export async function fill(blob: Blob, baseDir: string, what: string): Promise<Blob> {
  const path = resolve(baseDir, blob.path);
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(path, "r");
    const st = await fh.stat();
    if (!st.isFile()) throw new UsageError(`${what} ${blob.path}: ${path} is not a regular file`);
    const head = new Uint8Array(Math.min(HEAD_BYTES, st.size));
    await fh.read(head, 0, head.length, 0);
    const filled: Blob = { path: blob.path, size: BigInt(st.size), head };
    if (what === "-kernel" && head[0] === 0x1f && head[1] === 0x8b) {
      const unpacked = await gunzipInfo(path);
      if (unpacked) return { ...filled, unpacked };
    }
    return filled;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    // A layout may describe a file that is not here (a placeholder with a typed size): keep it.
    if (code === "ENOENT" && blob.size !== undefined) return blob;
    const why =
      code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (e as Error).message;
    throw new UsageError(
      `${what} ${blob.path}: cannot read ${path} (${why}); fix the path (relative paths resolve against ${baseDir})`,
    );
  } finally {
    await fh?.close();
  }
}

/** The layout with every referenced file's size and head read from disk. */
export async function fillBlobs(layout: Layout, baseDir: string): Promise<Layout> {
  const m = layout.machine;
  const bios =
    m.bios.kind === "file"
      ? { kind: "file" as const, file: await fill(m.bios.file, baseDir, "-bios") }
      : m.bios;
  return {
    ...layout,
    machine: { ...m, bios },
    ...(layout.kernel && { kernel: await fill(layout.kernel, baseDir, "-kernel") }),
    ...(layout.initrd && { initrd: await fill(layout.initrd, baseDir, "-initrd") }),
    ...(layout.dtb && { dtb: await fill(layout.dtb, baseDir, "-dtb") }),
    modules: await Promise.all(
      layout.modules.map(async (mod, i) => ({
        ...mod,
        ...(mod.kernel && { kernel: await fill(mod.kernel, baseDir, `guest-loader #${i + 1} kernel=`) }),
        ...(mod.initrd && { initrd: await fill(mod.initrd, baseDir, `guest-loader #${i + 1} initrd=`) }),
      })),
    ),
    loaders: await Promise.all(
      layout.loaders.map(async (l, i) => ({
        ...l,
        file: await fill(l.file, baseDir, `loader #${i + 1} file=`),
      })),
    ),
    ...(layout.domains && { domains: await fillDomains(layout, baseDir) }),
  };
}

async function fillDomains(layout: Layout, baseDir: string) {
  const filled = new Map<string, Blob>();
  for (const d of domainModules(layout))
    filled.set(d.module.id, await fill(d.module.file, baseDir, `${d.domain.name} ${d.kind}`));
  return mapDomainModules(layout.domains ?? [], (m) => ({ ...m, file: filled.get(m.id) ?? m.file }));
}
