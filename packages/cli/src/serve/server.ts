/**
 * The local companion behind the app's "Verify in QEMU": HTTP on 127.0.0.1 only.
 *
 *   GET  /qemu     the qemu-system-* found (arch, version, where, RISC-V firmware size)
 *   POST /verify   multipart: `layout` (layout JSON), optional `qemu` (a version from /qemu), and
 *                  a `file` part per uploaded file (filename = the layout's path); files not
 *                  uploaded are read from the --files directories. Answers the verification.
 *   POST /boot     the same form plus `seconds` (1…60): QEMU runs unpaused for that long, its
 *                  serial console streamed back as Server-Sent Events, then it is killed
 *   GET  /…        the built app, so the printed URL opens it already connected
 *
 * Every API request needs the token; browser requests need an allowed Origin (CORS is answered
 * for exactly that origin, never `*`); bodies are capped and cut off at the cap; one QEMU run at a
 * time, each under a time limit and in a temporary folder removed afterwards.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, realpath, rm, stat, symlink } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, resolve, sep } from "node:path";
import {
  type Layout,
  LayoutFileError,
  layoutFilePaths,
  parseLayoutJson,
  verifyReportToJson,
} from "@guestmap/core";
import { fillBlobs } from "../blobs.js";
import { UsageError } from "../io.js";
import { runBoot } from "../qemu-run/boot-run.js";
import { findQemus, type QemuBinary } from "../qemu-run/find-qemu.js";
import {
  QemuTimeoutError,
  runVerification,
  VerifyPlanError,
  type VerifyRunOptions,
} from "../qemu-run/verify-run.js";
import { FileAccessError, findOnDisk } from "./disk-files.js";
import { allowedOrigin, checkHost, checkToken, type GuardConfig, type Refusal } from "./guard.js";
import { parseUpload, UploadError } from "./uploads.js";

export interface CompanionOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly qemuDirs: readonly string[];
  /** Directories whose files a request may name instead of uploading them. */
  readonly fileDirs: readonly string[];
  readonly allowOrigins: readonly string[];
  /** Largest request body, bytes. */
  readonly maxBody: number;
  /** Per QEMU run, ms. */
  readonly timeoutMs: number;
  /** The built app (vite's dist/) to serve at /, if present. */
  readonly appDir?: string;
  /** A fixed token (tests); default: 32 random bytes. */
  readonly token?: string;
}

export interface Companion {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly qemus: Promise<QemuBinary[]>;
  close(): Promise<void>;
}

const JSON_TYPE = "application/json; charset=utf-8";
/** The longest `POST /boot` run. */
const MAX_BOOT_SECONDS = 60;

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": JSON_TYPE,
  ".wasm": "application/wasm",
  ".ico": "image/x-icon",
};

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": JSON_TYPE, "Cache-Control": "no-store", ...headers });
  res.end(text);
}

function refuse(res: ServerResponse, r: Refusal, headers: Record<string, string> = {}): void {
  send(res, r.status, { error: { code: r.code, message: r.message } }, headers);
}

export async function startCompanion(opts: CompanionOptions): Promise<Companion> {
  const token = opts.token ?? randomBytes(32).toString("base64url");
  const roots = await Promise.all(
    opts.fileDirs.map(async (d) => {
      try {
        const r = await realpath(d);
        if (!(await stat(r)).isDirectory()) throw new Error("not a directory");
        return r;
      } catch (e) {
        throw new UsageError(`--files ${d}: ${(e as Error).message}`);
      }
    }),
  );
  const qemus = findQemus(opts.qemuDirs);
  let busy = false;
  let cfg: GuardConfig = { port: opts.port, token, allowOrigins: opts.allowOrigins };

  const cors = (origin: string | null): Record<string, string> =>
    origin ? { "Access-Control-Allow-Origin": origin, Vary: "Origin" } : { Vary: "Origin" };

  async function serveApp(url: URL, res: ServerResponse): Promise<void> {
    const dir = opts.appDir;
    const index = dir && join(dir, "index.html");
    if (!dir || !index || !existsSync(index)) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(
        "<!doctype html><title>guestmap companion</title><p>The guestmap companion is running. " +
          "Build the app (<code>npm run build</code>) to open it from here, or paste this page's URL " +
          "(with its token) into the app's “Verify in QEMU” box.</p>",
      );
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return refuse(res, { status: 400, code: "bad-path", message: "malformed path" });
    }
    const file = resolve(dir, `.${path}`);
    if (path.includes("\0") || (file !== dir && !file.startsWith(dir + sep)))
      return refuse(res, { status: 404, code: "not-found", message: "no such file" });
    const target = path === "/" || !existsSync(file) || (await stat(file)).isDirectory() ? index : file;
    const body = await readFile(target);
    res.writeHead(200, {
      "Content-Type": MIME[extname(target)] ?? "application/octet-stream",
      "X-Content-Type-Options": "nosniff",
      // The page's URL carries the token: never send it on as a referrer.
      "Referrer-Policy": "no-referrer",
    });
    res.end(body);
  }

  interface Prepared {
    readonly layout: Layout;
    readonly qemu: QemuBinary;
    readonly fields: Readonly<Record<string, string>>;
    readonly materialize: VerifyRunOptions["materialize"];
    /** Aborted when the client goes away before the run ends: QEMU is then killed. */
    readonly signal: AbortSignal;
  }

  /**
   * One QEMU run for a request: size limit, one at a time, the upload in a folder of its own, the
   * layout and its files found (uploaded, or under --files), a QEMU for its arch; errors answered.
   */
  async function withRun(
    req: IncomingMessage,
    res: ServerResponse,
    headers: Record<string, string>,
    body: (p: Prepared) => Promise<void>,
  ): Promise<void> {
    const declared = Number(req.headers["content-length"] ?? "0");
    if (declared > opts.maxBody) {
      refuse(
        res,
        {
          status: 413,
          code: "too-large",
          message: `the request is ${declared} bytes; this companion takes at most ${opts.maxBody} (--max-body)`,
        },
        { ...headers, Connection: "close" },
      );
      return;
    }
    if (busy) {
      refuse(
        res,
        { status: 429, code: "busy", message: "a QEMU run is already under way; try again when it ends" },
        { ...headers, Connection: "close" },
      );
      return;
    }
    busy = true;
    const gone = new AbortController();
    res.on("close", () => gone.abort());
    const dir = await mkdtemp(join(tmpdir(), "guestmap-serve-"));
    try {
      const up = await parseUpload(req, dir, opts.maxBody);
      const text = up.fields.layout;
      if (text === undefined)
        throw new UploadError(400, "no-layout", "the form has no `layout` field (the layout JSON)");
      let layout = parseLayoutJson(text, "the layout");
      const located = new Map<string, string>();
      for (const p of layoutFilePaths(layout))
        located.set(p, up.files.get(p) ?? (await findOnDisk(p, roots)));
      layout = await fillBlobs(layout, dir, (p) => located.get(p) ?? join(dir, "missing"));
      const arch = layout.machine.arch;
      const found = (await qemus).filter((q) => q.arch === arch);
      const wanted = up.fields.qemu;
      const qemu = wanted ? found.find((q) => q.version === wanted) : found[0];
      if (!qemu)
        throw new UploadError(
          400,
          "no-qemu",
          wanted
            ? `no qemu-system-${arch} ${wanted} here; found: ${found.map((q) => q.version).join(", ") || "none"}`
            : `no qemu-system-${arch} found on PATH or in the --qemu-dir directories`,
        );
      await body({
        layout,
        qemu,
        fields: up.fields,
        signal: gone.signal,
        materialize: async (files, into) => {
          for (const f of files) await symlink(located.get(f.path)!, join(into, f.name));
        },
      });
    } catch (e) {
      if (e instanceof UploadError)
        refuse(
          res,
          { status: e.status, code: e.code, message: e.message },
          { ...headers, Connection: "close" },
        );
      else if (e instanceof LayoutFileError)
        send(res, 400, { error: { code: e.code, message: e.message, issues: e.issues } }, headers);
      else if (e instanceof VerifyPlanError)
        send(res, 422, { error: { code: e.code, message: e.message, issues: e.issues } }, headers);
      else if (e instanceof FileAccessError || e instanceof UsageError)
        refuse(res, { status: 400, code: "file-access", message: e.message }, headers);
      else if (e instanceof QemuTimeoutError)
        refuse(res, { status: 504, code: e.code, message: e.message }, headers);
      else throw e;
    } finally {
      busy = false;
      await rm(dir, { recursive: true, force: true });
      if (res.getHeader("Connection") === "close" && !req.complete) req.socket.destroySoon();
    }
  }

  const verify = (req: IncomingMessage, res: ServerResponse, headers: Record<string, string>) =>
    withRun(req, res, headers, async (p) => {
      const run = await runVerification(p.layout, {
        qemu: p.qemu,
        timeoutMs: opts.timeoutMs,
        materialize: p.materialize,
        signal: p.signal,
      });
      send(
        res,
        200,
        {
          qemu: { arch: p.qemu.arch, version: p.qemu.version, from: p.qemu.from },
          at: run.at,
          added: run.added,
          dropped: run.dropped,
          report: verifyReportToJson(run.report),
        },
        headers,
      );
    });

  /** `POST /boot`: the layout booted for `seconds` (1…60, default 10), its serial console as Server-Sent Events. */
  const boot = (req: IncomingMessage, res: ServerResponse, headers: Record<string, string>) =>
    withRun(req, res, headers, async (p) => {
      const seconds = Number(p.fields.seconds ?? "10");
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_BOOT_SECONDS)
        throw new UploadError(
          400,
          "bad-seconds",
          `seconds must be a whole number from 1 to ${MAX_BOOT_SECONDS}`,
        );
      res.writeHead(200, {
        ...headers,
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",
      });
      const event = (name: string, data: unknown) => {
        if (!res.writableEnded) res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      event("start", { qemu: { arch: p.qemu.arch, version: p.qemu.version, from: p.qemu.from }, seconds });
      const run = await runBoot(p.layout, {
        qemu: p.qemu,
        seconds,
        materialize: p.materialize,
        signal: p.signal,
        onSerial: (text) => event("serial", { text }),
      });
      event("end", {
        status: run.status,
        reason: run.killed ? "time limit" : "QEMU exited",
        stderr: run.stderr,
        added: run.added,
        dropped: run.dropped,
      });
      res.end();
    });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = checkHost(req, cfg);
    if (host) return refuse(res, host, { Connection: "close" });
    const origin = allowedOrigin(req, cfg);
    if (origin !== null && typeof origin === "object") return refuse(res, origin, { Connection: "close" });
    const headers = cors(origin);
    const url = new URL(req.url ?? "/", `http://127.0.0.1:${cfg.port}`);
    const api = url.pathname === "/qemu" || url.pathname === "/verify" || url.pathname === "/boot";
    if (req.method === "OPTIONS") {
      res.writeHead(api && origin ? 204 : 404, {
        ...headers,
        "Access-Control-Allow-Methods": "GET, POST",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Max-Age": "600",
        ...(req.headers["access-control-request-private-network"] === "true" && {
          "Access-Control-Allow-Private-Network": "true",
        }),
      });
      res.end();
      return;
    }
    if (!api) {
      if (req.method !== "GET" && req.method !== "HEAD")
        return refuse(
          res,
          { status: 405, code: "method", message: "only GET here" },
          { Connection: "close" },
        );
      return serveApp(url, res);
    }
    const bad = checkToken(req, url, cfg);
    if (bad) return refuse(res, bad, { ...headers, Connection: "close" });
    if (url.pathname === "/qemu" && req.method === "GET") {
      const list = await qemus;
      return send(
        res,
        200,
        {
          qemus: list.map((q) => ({
            arch: q.arch,
            version: q.version,
            path: q.path,
            from: q.from,
            ...(q.firmware !== undefined && {
              firmware: q.firmware && { name: q.firmware.name, size: `0x${q.firmware.size.toString(16)}` },
            }),
          })),
        },
        headers,
      );
    }
    if (url.pathname === "/verify" && req.method === "POST") return verify(req, res, headers);
    if (url.pathname === "/boot" && req.method === "POST") return boot(req, res, headers);
    refuse(
      res,
      { status: 405, code: "method", message: `${req.method} ${url.pathname} is not served` },
      { ...headers, Connection: "close" },
    );
  }

  const server = createServer({ requestTimeout: 10 * 60_000, headersTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      refuse(res, { status: 500, code: "internal", message: (e as Error).message });
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port, "127.0.0.1", () => ok());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : opts.port;
  cfg = { ...cfg, port };
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    qemus,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
