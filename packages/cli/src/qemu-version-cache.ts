/**
 * QEMU's version, remembered per binary across runs. `qemu-system-* --version` costs a fork, an
 * exec and ~14 ms of QEMU's own start-up (it links a hundred libraries): as much CPU as all the
 * rest of `guestmap check`. A binary's version cannot change while the file does not, so the
 * answer is kept in `$GUESTMAP_CACHE/qemu-versions.json` (default ~/.cache/guestmap) under the
 * binary's real path, with its device, inode, size, mtime and ctime: an upgrade or a rebuilt
 * binary changes those and is asked again. Only ELF executables are remembered — a wrapper
 * script can start another QEMU without changing itself. Any trouble with the cache file (none,
 * unreadable, read-only home) just means asking QEMU, as before.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

type Entries = Record<string, { id: string; version: string }>;

function cacheFile(): string {
  return join(process.env.GUESTMAP_CACHE ?? join(homedir(), ".cache", "guestmap"), "qemu-versions.json");
}

/** The binary's real path and identity, or undefined when it is not an ELF file (or unreadable). */
function identify(binary: string): { path: string; id: string } | undefined {
  try {
    const path = realpathSync(binary);
    const fd = openSync(path, "r");
    const magic = new Uint8Array(4);
    try {
      readSync(fd, magic, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
    if (magic[0] !== 0x7f || magic[1] !== 0x45 || magic[2] !== 0x4c || magic[3] !== 0x46) return undefined;
    const st = statSync(path, { bigint: true });
    return { path, id: `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}` };
  } catch {
    return undefined;
  }
}

function readEntries(): Entries {
  try {
    const parsed: unknown = JSON.parse(readFileSync(cacheFile(), "utf8"));
    return parsed && typeof parsed === "object" ? (parsed as Entries) : {};
  } catch {
    return {};
  }
}

/** `ask(binary)` (which runs `--version`), answered from the cache when the binary is unchanged. */
export function cachedQemuVersion(
  binary: string,
  ask: (binary: string) => string | undefined,
): string | undefined {
  const me = identify(binary);
  if (!me) return ask(binary);
  const entries = readEntries();
  const hit = entries[me.path];
  if (hit && hit.id === me.id && typeof hit.version === "string") return hit.version;
  const version = ask(binary);
  if (version === undefined) return undefined;
  try {
    const file = cacheFile();
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify({ ...entries, [me.path]: { id: me.id, version } }, null, 1)}\n`);
    renameSync(tmp, file); // atomic: a concurrent run reads the old file or the new one, whole
  } catch {
    // No cache this time: the next run asks QEMU again.
  }
  return version;
}
