/**
 * Files the user named on disk: only under the directories given with --files, after every
 * symlink is resolved (a link pointing out of them is refused like `..`).
 */
import { realpath, stat } from "node:fs/promises";
import { isAbsolute, relative, resolve, sep } from "node:path";

export class FileAccessError extends Error {
  readonly code = "file-access";
}

function inside(dir: string, p: string): boolean {
  const rel = relative(dir, p);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel);
}

/**
 * The real path of `name` under one of `roots`, or a FileAccessError saying why not.
 *
 * @param roots real paths of the --files directories
 */
export async function findOnDisk(name: string, roots: readonly string[]): Promise<string> {
  if (name.includes("\0") || isAbsolute(name) || name.split(/[\\/]/).includes(".."))
    throw new FileAccessError(
      `'${name}' was not uploaded, and only relative paths without '..' are looked up on disk`,
    );
  for (const root of roots) {
    const candidate = resolve(root, name);
    if (!inside(root, candidate)) continue;
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      continue;
    }
    if (!inside(root, real))
      throw new FileAccessError(`'${name}' leads out of ${root} (a symbolic link): refused`);
    if (!(await stat(real)).isFile())
      throw new FileAccessError(`'${name}' under ${root} is not a regular file`);
    return real;
  }
  throw new FileAccessError(
    roots.length === 0
      ? `'${name}' was not uploaded, and the companion was started without --files DIR to read it from disk`
      : `'${name}' was not uploaded and is not under ${roots.join(" or ")}`,
  );
}
