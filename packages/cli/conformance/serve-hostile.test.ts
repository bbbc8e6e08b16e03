/**
 * `guestmap serve` under hostile requests, all on 127.0.0.1: no token, a wrong one, other
 * origins, a rebinding Host, 1 GB bodies (declared, and streamed without end), path traversal
 * (in the layout, through a symlink, in the URL), option injection through bootargs, file names
 * and -M properties, two runs at once; temp folders are gone afterwards, and a QEMU past its
 * time limit is killed with its whole process group. The verifications that do run use every
 * installed QEMU (7.2.22 on PATH, 10.0.2 from its directory), each asked for by its version.
 */
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { qemuInstalls, qemuLabel } from "../../core/conformance/qemu.js";
import { arm64Image, cpioBlob } from "../../core/test/fixtures/kernels.js";
import { runQemuProcess } from "../src/qemu-run/qemu-process.js";
import { type Companion, startCompanion } from "../src/serve/server.js";

const TOKEN = "t0ken-for-tests-only-0123456789abcdef";
const APP = "http://127.0.0.1:4404";
const root = mkdtempSync(join(tmpdir(), "guestmap-hostile-"));
const files = join(root, "files");
const outside = join(root, "outside");
mkdirSync(files);
mkdirSync(outside);
writeFileSync(join(files, "Image"), arm64Image(0x10000, 0n, 0x20000n));
writeFileSync(join(files, "rootfs.cpio"), cpioBlob(0x3000));
writeFileSync(join(outside, "secret"), "secret");
symlinkSync(join(outside, "secret"), join(files, "escape"));

// The companion's temp folders go to a private TMPDIR: test files running beside this one make
// their own guestmap-verify-* folders in the shared one.
const privateTmp = join(root, "tmp");
mkdirSync(privateTmp);
const savedTmp = process.env.TMPDIR;
process.env.TMPDIR = privateTmp;
const ours = () => readdirSync(privateTmp).filter((n) => /^guestmap-(serve|verify)-/.test(n));
const installs = qemuInstalls();
let before: string[] = [];
let c: Companion;
let small: Companion;
beforeAll(async () => {
  before = ours();
  c = await startCompanion({
    port: 0,
    qemuDirs: installs.flatMap((q) => (q.dir ? [q.dir] : [])),
    fileDirs: [files],
    allowOrigins: [APP],
    maxBody: 64 << 20,
    timeoutMs: 60_000,
    token: TOKEN,
  });
  small = await startCompanion({
    port: 0,
    qemuDirs: [],
    fileDirs: [],
    allowOrigins: [],
    maxBody: 1 << 20,
    timeoutMs: 60_000,
    token: TOKEN,
  });
});
afterAll(async () => {
  await c?.close();
  await small?.close();
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  rmSync(root, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function call(
  port: number,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: opts.method ?? "GET", headers: opts.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (s: string) => {
          body += s;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

const auth = { Authorization: `Bearer ${TOKEN}` };

/** A multipart body: the layout field and uploaded files (name = the layout's path). */
function form(layout: object, uploads: Record<string, Buffer | Uint8Array> = {}, qemu?: string) {
  const boundary = "----guestmap-test-boundary";
  const parts: Buffer[] = [
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="layout"\r\n\r\n${JSON.stringify(layout)}\r\n`,
    ),
  ];
  if (qemu !== undefined)
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="qemu"\r\n\r\n${qemu}\r\n`),
    );
  for (const [name, bytes] of Object.entries(uploads)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.from(bytes),
      Buffer.from("\r\n"),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    body: Buffer.concat(parts),
    headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` },
  };
}

function layout(modules: object[], props: Record<string, string> = {}) {
  return {
    format: "guestmap-layout",
    version: 1,
    machine: { arch: "aarch64", type: "virt", props, ram: "1G", cpu: "cortex-a57", bios: "default" },
    modules,
    loaders: [],
    extraArgs: [["-drive", "file=/etc/passwd,if=none"]],
  };
}

const verify = (l: object, uploads?: Record<string, Buffer | Uint8Array>, port = c.port, qemu?: string) => {
  const f = form(l, uploads, qemu);
  return call(port, "/verify", { method: "POST", headers: { ...auth, ...f.headers }, body: f.body });
};

describe.skipIf(installs.length === 0)("guestmap serve: hostile requests", () => {
  it("no token, a wrong token, a token of another length: 401; the right one in a header or ?token=: 200", async () => {
    expect((await call(c.port, "/qemu")).status).toBe(401);
    expect(JSON.parse((await call(c.port, "/qemu")).body).error.code).toBe("missing-token");
    expect(
      (await call(c.port, "/qemu", { headers: { Authorization: `Bearer ${TOKEN.replace("t", "T")}` } }))
        .status,
    ).toBe(401);
    expect((await call(c.port, "/qemu?token=x")).status).toBe(401);
    expect((await call(c.port, "/verify", { method: "POST" })).status).toBe(401);
    expect((await call(c.port, "/qemu", { headers: auth })).status).toBe(200);
    const q = JSON.parse((await call(c.port, `/qemu?token=${TOKEN}`)).body);
    for (const i of installs)
      expect(
        q.qemus.some(
          (x: { arch: string; version: string }) => x.arch === "aarch64" && x.version === i.version,
        ),
      ).toBe(true);
  });

  it("other origins are refused, even with the token, and never get a CORS header; the app's origin gets exactly its own", async () => {
    for (const origin of ["http://evil.example", "http://127.0.0.1:1", "null", `${APP}.evil.example`]) {
      const r = await call(c.port, "/qemu", { headers: { ...auth, Origin: origin } });
      expect(r.status, origin).toBe(403);
      expect(r.headers["access-control-allow-origin"]).toBeUndefined();
      const pre = await call(c.port, "/verify", {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "POST" },
      });
      expect(pre.status).toBe(403);
      expect(pre.headers["access-control-allow-origin"]).toBeUndefined();
    }
    const ok = await call(c.port, "/qemu", { headers: { ...auth, Origin: APP } });
    expect(ok.status).toBe(200);
    expect(ok.headers["access-control-allow-origin"]).toBe(APP);
    const pre = await call(c.port, "/verify", { method: "OPTIONS", headers: { Origin: APP } });
    expect(pre.status).toBe(204);
    expect(pre.headers["access-control-allow-headers"]).toMatch(/Authorization/);
  });

  it("a Host other than its loopback name (DNS rebinding) is refused", async () => {
    const r = await call(c.port, `/qemu?token=${TOKEN}`, { headers: { Host: `evil.example:${c.port}` } });
    expect(r.status).toBe(421);
  });

  it("a declared 1 GB body is refused with 413 before any of it is read", async () => {
    const t0 = Date.now();
    const r = await new Promise<Reply>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: c.port,
          path: "/verify",
          method: "POST",
          headers: {
            ...auth,
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": String(1 << 30),
          },
        },
        (res) => {
          let body = "";
          res.setEncoding("utf8").on("data", (s: string) => {
            body += s;
          });
          res.on("end", () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          });
        },
      );
      req.on("error", reject);
      req.write(Buffer.alloc(64 * 1024));
    });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).error.message).toMatch(/at most 67108864/);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it("a body streamed without a length is cut off at the limit: the server stops reading", async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x41);
    const head = Buffer.from(
      '--x\r\nContent-Disposition: form-data; name="file"; filename="big"\r\nContent-Type: application/octet-stream\r\n\r\n',
    );
    const sent = await new Promise<{ bytes: number; status?: number }>((resolve) => {
      let bytes = 0;
      let status: number | undefined;
      const req = request({
        host: "127.0.0.1",
        port: small.port,
        path: "/verify",
        method: "POST",
        headers: {
          ...auth,
          "Content-Type": "multipart/form-data; boundary=x",
          "Transfer-Encoding": "chunked",
        },
      });
      req.on("response", (res) => {
        status = res.statusCode;
        res.resume();
      });
      const done = () => resolve({ bytes, ...(status !== undefined && { status }) });
      req.on("error", done);
      req.on("close", done);
      req.write(head);
      // At most 1 GiB, and stop as soon as the server has answered or hung up.
      const pump = () => {
        for (let i = 0; i < 64 && bytes < 1 << 30 && !req.destroyed && status === undefined; i++) {
          bytes += chunk.length;
          if (!req.write(chunk)) {
            req.once("drain", pump);
            return;
          }
        }
        if (status !== undefined || bytes >= 1 << 30) req.destroy();
        else if (!req.destroyed) setTimeout(pump, 1);
      };
      pump();
    });
    // 1 MiB limit; socket buffers may swallow a few MiB more before the server's close is seen.
    expect(sent.bytes).toBeLessThan(64 << 20);
    if (sent.status !== undefined) expect(sent.status).toBe(413);
  });

  it("files outside the --files directories: '..', absolute paths and symlinks out are refused", async () => {
    for (const path of ["../outside/secret", "/etc/passwd", "escape", "sub/../../outside/secret"]) {
      const r = await verify(layout([{ id: "m1", addr: "0x48000000", initrd: { path } }]));
      expect(r.status, path).toBe(400);
      expect(JSON.parse(r.body).error.code).toBe("file-access");
    }
    const r = await verify(
      layout([{ id: "m1", addr: "0x48000000", initrd: { path: "rootfs.cpio" } }]),
      undefined,
      small.port,
    );
    expect(JSON.parse(r.body).error.message).toMatch(/started without --files/);
  });

  it("the app's files are served, never a path outside them", async () => {
    for (const path of [
      "/../../../../etc/passwd",
      "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
      "/..%2f..%2f..%2fetc%2fpasswd",
    ]) {
      const r = await call(c.port, path);
      expect(r.body, path).not.toMatch(/root:/);
    }
  });

  it("-M properties that name files are refused; extra options are never passed", async () => {
    const r = await verify(
      layout([{ id: "m1", addr: "0x48000000", initrd: { path: "rootfs.cpio" } }], { dumpdtb: "/tmp/pwn" }),
    );
    expect(r.status).toBe(422);
    expect(JSON.parse(r.body).error.issues[0].code).toBe("verify-machine-prop");
  });

  it.each(installs.map((q) => ({ q, label: qemuLabel(q) })))(
    "bootargs and uploaded file names carrying QemuOpts and options reach $label as data",
    async ({ q }) => {
      const marker = join(root, "pwned.dtb");
      const evilName = `x,initrd=Image,dumpdtb=${marker}`;
      const r = await verify(
        layout([
          {
            id: "m1",
            addr: "0x48000000",
            kernel: { path: "Image" },
            bootargs: `a,dumpdtb=${marker} -append x`,
          },
          { id: "m2", addr: "0x4a000000", initrd: { path: evilName } },
          { id: "m3", addr: "0x4c000000", initrd: { path: "-S" } },
        ]),
        { [evilName]: cpioBlob(0x2000, 3), "-S": cpioBlob(0x1000, 4) },
        c.port,
        q.version,
      );
      expect(r.status, r.body).toBe(200);
      const out = JSON.parse(r.body);
      expect(out.qemu.version).toBe(q.version);
      expect(out.dropped).toEqual([["-drive", "file=/etc/passwd,if=none"]]);
      expect(out.report.differences).toEqual([]);
      expect(out.report.chosen.equal).toBe(true);
      expect(out.report.chosen.qemu).toContain(`bootargs = "a,dumpdtb=${marker} -append x";`);
      expect(out.report.blobs.map((b: { name: string; summary: string }) => [b.name, b.summary])).toEqual([
        ["Image", "bytes intact"],
        [evilName, "bytes intact"],
        ["-S", "bytes intact"],
      ]);
      expect(existsSync(marker)).toBe(false);
    },
  );

  it("one run at a time: a second request while one is in flight gets 429", async () => {
    const f = form(layout([{ id: "m1", addr: "0x48000000", initrd: { path: "rootfs.cpio" } }]));
    const first = request({
      host: "127.0.0.1",
      port: c.port,
      path: "/verify",
      method: "POST",
      headers: { ...auth, ...f.headers, "Content-Length": String(f.body.length) },
    });
    first.on("error", () => {});
    first.write(f.body.subarray(0, 10)); // the rest never comes while the second asks
    await new Promise((r) => setTimeout(r, 300));
    const second = await verify(layout([{ id: "m1", addr: "0x48000000", initrd: { path: "rootfs.cpio" } }]));
    expect(second.status).toBe(429);
    first.destroy();
    await new Promise((r) => setTimeout(r, 300));
    expect(
      (await verify(layout([{ id: "m1", addr: "0x48000000", initrd: { path: "rootfs.cpio" } }]))).status,
    ).toBe(200);
  });

  it("leaves no temporary folder behind", async () => {
    const left = () => ours().filter((n) => !before.includes(n));
    for (let i = 0; i < 50 && left().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(left()).toEqual([]);
  });
});

describe("a QEMU past its time limit", () => {
  it("is killed with its whole process group (a wrapper's children too)", async () => {
    const script = join(root, "fake-qemu");
    const pidFile = join(root, "child.pid");
    writeFileSync(script, `#!/bin/sh\nsleep 300 &\necho $! > ${pidFile}\nwait\n`);
    chmodSync(script, 0o755);
    const t0 = Date.now();
    const r = await runQemuProcess(script, [], { cwd: root, timeoutMs: 500 });
    expect(r.killed).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5000);
    const child = Number(execFileSync("cat", [pidFile], { encoding: "utf8" }).trim());
    // Dead, or a zombie waiting for a container's init to reap it: either way no longer running.
    const running = () => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${child}/stat`, "utf8"));
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 50 && running(); i++) await new Promise((res) => setTimeout(res, 20));
    expect(running()).toBe(false);
  });
});
