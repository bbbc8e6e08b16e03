// V8's code cache for the bundle (Node 20 has no module.enableCompileCache). Every start of
// `guestmap` parsed and compiled the same ~150 KB of chunks (`node --cpu-prof`: ~6–9 ms of CPU of
// `guestmap check`; callgrind: 40 M of the 125 M instructions it adds to `node -e 0`). The first
// run of a bundle compiles as before and, at exit, stores V8's bytecode of each file it loaded,
// with the functions it ran; later runs hand it back to V8, which checks it against its own
// version, flags and the source's length and rejects any mismatch (that file is then compiled and
// stored again). Kept in ${GUESTMAP_CACHE:-~/.cache/guestmap}/v8/NODE-ARCH/BUNDLE-PATH/, one
// entry per file keyed by its inode, size and mtime, so a rebuilt bundle never meets an old entry;
// a run that stores entries removes those of files no longer in the bundle. The entries are
// bytecode this process runs: they are used only from a folder owned by the user and writable by
// no one else. Any trouble (no home, read-only, an older Node, another OS) means compiling as
// usual.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

// Node's CommonJS loader without require("node:module"), which would load the ESM loader too:
// the class of this very module.
const Module = module.constructor;

/** Whether `dir` is ours alone: owned by this user, writable by no group or other. */
function isPrivate(dir) {
  const st = fs.statSync(dir);
  return st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
}

/** The entry name of a bundle file: its path in the bundle, inode, size and mtime. */
function entryName(root, file, st) {
  return `${path.relative(root, file).replaceAll(path.sep, "+")}-${st.ino}-${st.size}-${Math.trunc(st.mtimeMs)}`;
}

/** Every entry name the bundle's current files have (to prune the others). */
function liveEntries(root) {
  const names = new Set();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else names.add(entryName(root, p, fs.statSync(p)));
    }
  };
  walk(root);
  return names;
}

/** Compiles the files under `bundleDir` with V8's code cache from now on. */
exports.useCodeCache = function useCodeCache(bundleDir) {
  // import() inside a vm.Script needs Node's loader named explicitly (Node ≥ 20.12).
  const dynamicImport = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (dynamicImport === undefined || typeof Module.wrap !== "function") return;
  // require() names files by their real path.
  const root = fs.realpathSync(bundleDir);
  const home = process.env.HOME || require("node:os").homedir();
  const base = process.env.GUESTMAP_CACHE || path.join(home, ".cache", "guestmap");
  const dir = path.join(base, "v8", `${process.version}-${process.arch}`, encodeURIComponent(root));
  let trusted;
  try {
    trusted = isPrivate(dir);
  } catch {
    trusted = undefined; // not there yet: made at exit
  }
  if (trusted === false) return;
  const compile = Module.prototype._compile;
  const fresh = [];
  Module.prototype._compile = function (content, filename) {
    if (!filename.startsWith(root + path.sep)) return compile.call(this, content, filename);
    let entry;
    let cachedData;
    try {
      entry = path.join(dir, entryName(root, filename, fs.statSync(filename)));
      if (trusted) cachedData = fs.readFileSync(entry);
    } catch {
      // no entry yet
    }
    const script = new vm.Script(Module.wrap(content), {
      filename,
      cachedData,
      importModuleDynamically: dynamicImport,
    });
    if (entry && (!cachedData || script.cachedDataRejected)) fresh.push({ entry, script });
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(
      this.exports,
      this.exports,
      Module.createRequire(filename),
      this,
      filename,
      path.dirname(filename),
    );
  };
  // At exit the bytecode includes the functions this run compiled lazily, not only the top level.
  process.once("exit", () => {
    if (fresh.length === 0) return;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!isPrivate(dir)) return;
      for (const { entry, script } of fresh) {
        const tmp = `${entry}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, entry); // atomic: a concurrent run reads a whole entry or none
      }
      const live = liveEntries(root);
      for (const name of fs.readdirSync(dir))
        if (!live.has(name) && !name.endsWith(".tmp")) fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // No cache this time: the next run compiles again.
    }
  });
};
