/**
 * `guestmap serve [--port N] [--qemu-dir DIR]… [--files DIR]… [--allow-origin ORIGIN]…
 * [--max-body SIZE] [--timeout SECONDS]`: the local companion the app's "Verify in QEMU" talks
 * to (see serve/server.ts). Listens on 127.0.0.1 only and prints its URL with a fresh token.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Io, UsageError } from "../io.js";
import { startCompanion } from "../serve/server.js";

/**
 * The app's static build: `app/` in an installed package (npm pack puts it there), else vite's
 * dist/ at the repository's root. Found from the CLI's package root, wherever this file was
 * compiled or bundled to.
 */
function defaultAppDir(): string {
  let pkg = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(pkg, "package.json")) && dirname(pkg) !== pkg) pkg = dirname(pkg);
  const packed = join(pkg, "app");
  return existsSync(join(packed, "index.html")) ? packed : join(pkg, "..", "..", "dist");
}

export async function run(args: string[], io: Io, signal?: AbortSignal): Promise<number> {
  let port = 0;
  const qemuDirs: string[] = [];
  const fileDirs: string[] = [];
  const allowOrigins: string[] = [];
  let maxBody = 1n << 30n;
  let timeout = 60;
  let appDir: string | undefined = defaultAppDir();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === "--port") {
      port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${args[i]}: give 0…65535`);
    } else if (a === "--qemu-dir") qemuDirs.push(resolve(io.cwd, value()));
    else if (a === "--files") fileDirs.push(resolve(io.cwd, value()));
    else if (a === "--allow-origin") {
      const o = value();
      let parsed: URL;
      try {
        parsed = new URL(o);
      } catch {
        throw new UsageError(`--allow-origin ${o}: give an origin such as http://localhost:5173`);
      }
      if (parsed.origin !== o || o === "null")
        throw new UsageError(`--allow-origin ${o}: give just the origin, e.g. ${parsed.origin}`);
      allowOrigins.push(o);
    } else if (a === "--max-body") {
      const m = /^(\d+)([KMG]?)$/i.exec(value());
      if (!m) throw new UsageError(`--max-body ${args[i]}: give bytes, or a size such as 64M or 2G`);
      maxBody =
        BigInt(m[1]!) <<
        BigInt(({ "": 0, k: 10, m: 20, g: 30 } as Record<string, number>)[m[2]!.toLowerCase()]!);
    } else if (a === "--timeout") {
      timeout = Number(value());
      if (!(timeout > 0 && timeout <= 3600))
        throw new UsageError(`--timeout ${args[i]}: give seconds, 1…3600`);
    } else if (a === "--app-dir") appDir = resolve(io.cwd, value());
    else if (a === "--no-app") appDir = undefined;
    else throw new UsageError(`unknown option '${a}'; see guestmap --help`);
  }
  const companion = await startCompanion({
    port,
    qemuDirs,
    fileDirs,
    allowOrigins,
    maxBody: Number(maxBody),
    timeoutMs: timeout * 1000,
    ...(appDir && { appDir }),
  });
  io.stdout(`guestmap companion for "Verify in QEMU", on 127.0.0.1 only.\nOpen: ${companion.url}\n`);
  io.stdout(
    `(or paste that URL into the app's Verify box${allowOrigins.length ? `; pages from ${allowOrigins.join(", ")} may use it` : "; an app on another origin needs --allow-origin ORIGIN"})\n`,
  );
  const qemus = await companion.qemus;
  io.stdout(
    qemus.length
      ? `QEMU: ${qemus.map((q) => `${q.arch} ${q.version} (${q.from})`).join(", ")}\n`
      : "QEMU: none found on PATH or in --qemu-dir; verifications will fail until one is installed\n",
  );
  await new Promise<void>((done) => {
    const stop = () => done();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    signal?.addEventListener("abort", stop, { once: true });
  });
  await companion.close();
  return 0;
}
