// Loads the bundle: its CommonJS files compiled with V8's code cache, required by a loader of its
// own. Node 20 has no module.enableCompileCache, and every start of `guestmap` parsed and compiled
// the same ~150 KB of chunks (`node --cpu-prof`: ~6–9 ms of CPU of `guestmap check`). Node's own
// loader also resolved each of the ~14 chunks `check` loads through realpath, node_modules paths
// and package lookups: a few hundred path operations per start, enough to make V8 optimise
// path.normalize on a background thread (`--trace-opt`: ~10 ms of CPU). The bundle's files only
// require each other by `./NAME.cjs` and Node's built-ins, so this loader joins the paths itself.
//
// The first run of a bundle compiles as usual and, at exit, stores V8's bytecode of each file it
// loaded, with the functions it ran; later runs hand it back to V8, which checks it against its
// own version, flags and the source's length and rejects any mismatch (that file is then compiled
// and stored again). Kept in ${GUESTMAP_CACHE:-~/.cache/guestmap}/v8/NODE-ARCH[-OPTIONS]/BUNDLE/,
// one entry per file keyed by its inode, size and mtime, so a rebuilt bundle never meets an old entry;
// a run that stores entries removes those of files no longer in the bundle. The entries are
// bytecode this process runs: they are used only from a folder owned by the user and writable by
// no one else. Any trouble (no home, read-only, another OS) means compiling as usual.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

/** Node's CommonJS wrapper: the same parameters a required file sees. */
const WRAP = ["(function (exports, require, module, __filename, __dirname) { ", "\n});"];

/** Whether `dir` is ours alone: owned by this user, writable by no group or other. */
function isPrivate(dir) {
  const st = fs.statSync(dir);
  return st.isDirectory() && st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
}

/** The entry name of a bundle file: its path in the bundle, inode, size and mtime. */
function entryName(rel, st) {
  return `${rel.replaceAll(path.sep, "+")}-${st.ino}-${st.size}-${Math.trunc(st.mtimeMs)}`;
}

/** Every entry name the bundle's current files have (to prune the others). */
function liveEntries(root) {
  const names = new Set();
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else names.add(entryName(path.relative(root, p), fs.statSync(p)));
    }
  };
  walk(root);
  return names;
}

/**
 * The code cache's folder for the bundle in `root`, and whether it may be read (undefined: none
 * yet). Node's options get their own folder: V8 rejects bytecode made under other flags, and runs
 * with and without (say) NODE_OPTIONS=--max-old-space-size would otherwise replace each other's.
 */
function cacheFolder(root) {
  const home = process.env.HOME || require("node:os").homedir();
  const base = process.env.GUESTMAP_CACHE || path.join(home, ".cache", "guestmap");
  const options = `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`.trim();
  let h = 5381;
  for (let i = 0; i < options.length; i++) h = ((h * 33) ^ options.charCodeAt(i)) >>> 0;
  const node = `${process.version}-${process.arch}${options ? `-${h.toString(16)}` : ""}`;
  const dir = path.join(base, "v8", node, encodeURIComponent(root));
  try {
    return { dir, trusted: isPrivate(dir) };
  } catch {
    return { dir, trusted: undefined };
  }
}

/** Requires the bundle's entry file `entry` and returns its exports. */
exports.loadBundle = function loadBundle(entry) {
  // import() inside a vm.Script needs Node's loader named explicitly (Node ≥ 20.12).
  const dynamicImport = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (dynamicImport === undefined) return require(entry);
  const file = fs.realpathSync(entry);
  const root = path.dirname(file);
  const { dir, trusted } = cacheFolder(root);
  const modules = new Map();
  const fresh = [];
  const load = (filename) => {
    const known = modules.get(filename);
    if (known) return known.exports;
    const mod = { exports: {}, filename, loaded: false };
    modules.set(filename, mod);
    const content = fs.readFileSync(filename, "utf8");
    let cached;
    let cachedData;
    if (trusted !== false) {
      try {
        cached = path.join(dir, entryName(filename.slice(root.length + 1), fs.statSync(filename)));
        if (trusted) cachedData = fs.readFileSync(cached);
      } catch {
        // no entry yet
      }
    }
    const script = new vm.Script(WRAP[0] + content + WRAP[1], {
      filename,
      cachedData,
      importModuleDynamically: dynamicImport,
    });
    if (cached && (!cachedData || script.cachedDataRejected)) fresh.push({ cached, script });
    const here = filename.slice(0, filename.lastIndexOf(path.sep));
    // The bundle's files by `./NAME.cjs` (or `./chunks/NAME.cjs` from the entry); all else is a
    // Node built-in.
    const requireHere = (id) => (id.startsWith("./") ? load(here + path.sep + id.slice(2)) : require(id));
    try {
      script.runInThisContext({ displayErrors: true })(mod.exports, requireHere, mod, filename, here);
    } catch (e) {
      modules.delete(filename);
      throw e;
    }
    mod.loaded = true;
    return mod.exports;
  };
  // At exit the bytecode includes the functions this run compiled lazily, not only the top level.
  process.once("exit", () => {
    if (fresh.length === 0) return;
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!isPrivate(dir)) return;
      for (const { cached, script } of fresh) {
        const tmp = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, cached); // atomic: a concurrent run reads a whole entry or none
      }
      const live = liveEntries(root);
      for (const name of fs.readdirSync(dir))
        if (!live.has(name) && !name.endsWith(".tmp")) fs.rmSync(path.join(dir, name), { force: true });
    } catch {
      // No cache this time: the next run compiles again.
    }
  });
  return load(file);
};
