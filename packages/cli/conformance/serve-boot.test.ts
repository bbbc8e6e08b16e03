/**
 * `POST /boot` on the real QEMUs: a tiny raw aarch64 kernel that writes "OK" to virt's PL011 boots,
 * its serial output arrives as Server-Sent Events, and at the time limit QEMU is killed and the
 * stream ends saying so.
 */
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { qemuInstalls } from "../../core/conformance/qemu.js";
import { type Companion, startCompanion } from "../src/serve/server.js";

const TOKEN = "boot-test-token-0123456789";

/** movz x1,#0x0900,lsl#16; UARTCR=0x301; write 'O','K','\n' to UARTDR; b . */
const KERNEL = Buffer.from(
  new Uint32Array([
    0xd2a12001, 0x52806022, 0xb9003022, 0x528009e0, 0xb9000020, 0x52800960, 0xb9000020, 0x52800140,
    0xb9000020, 0x14000000,
  ]).buffer,
);

let c: Companion;
beforeAll(async () => {
  c = await startCompanion({
    port: 0,
    qemuDirs: qemuInstalls().flatMap((q) => (q.dir ? [q.dir] : [])),
    fileDirs: [],
    allowOrigins: [],
    maxBody: 1 << 20,
    timeoutMs: 60_000,
    token: TOKEN,
  });
});
afterAll(() => c?.close());

function boot(
  version: string,
  seconds: number,
): Promise<{ status: number; events: { event: string; data: Record<string, unknown> }[] }> {
  const boundary = "b0undary";
  const layout = {
    format: "guestmap-layout",
    version: 1,
    machine: { arch: "aarch64", type: "virt", props: {}, ram: "256M", cpu: "cortex-a57", bios: "default" },
    kernel: { path: "ok.bin" },
    modules: [],
    loaders: [],
    extraArgs: [],
  };
  const field = (name: string, value: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const body = Buffer.concat([
    Buffer.from(
      field("layout", JSON.stringify(layout)) + field("qemu", version) + field("seconds", String(seconds)),
    ),
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ok.bin"\r\n\r\n`),
    KERNEL,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: c.port,
        path: "/boot",
        method: "POST",
        headers: {
          Authorization: `Bearer ${TOKEN}`,
          "Content-Type": `multipart/form-data; boundary=${boundary}`,
          "Content-Length": body.length,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (s: string) => {
          text += s;
        });
        res.on("end", () => {
          const events = text
            .split("\n\n")
            .filter((b) => b.trim() !== "")
            .map((b) => ({
              event: /^event: (.*)$/m.exec(b)?.[1] ?? "",
              data: JSON.parse(/^data: (.*)$/m.exec(b)?.[1] ?? "null"),
            }));
          resolve({ status: res.statusCode ?? 0, events });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("guestmap serve: POST /boot", () => {
  for (const q of qemuInstalls()) {
    it(`QEMU ${q.version}: the guest's serial output streams back; QEMU is killed at the time limit`, async () => {
      const t0 = Date.now();
      const r = await boot(q.version, 2);
      expect(r.status).toBe(200);
      expect(r.events[0]).toMatchObject({
        event: "start",
        data: { qemu: { version: q.version }, seconds: 2 },
      });
      const serial = r.events
        .filter((e) => e.event === "serial")
        .map((e) => String(e.data.text))
        .join("");
      expect(serial).toBe("OK\n");
      expect(r.events.at(-1)).toMatchObject({ event: "end", data: { status: null, reason: "time limit" } });
      expect(Date.now() - t0).toBeLessThan(20_000);
    });
  }

  it("a client that goes away mid-boot gets QEMU killed at once: the next run is not refused as busy", async () => {
    const version = qemuInstalls()[0]!.version;
    const boundary = "b0undary";
    const layout = {
      format: "guestmap-layout",
      version: 1,
      machine: { arch: "aarch64", type: "virt", props: {}, ram: "256M", cpu: "cortex-a57", bios: "default" },
      kernel: { path: "ok.bin" },
      modules: [],
      loaders: [],
      extraArgs: [],
    };
    const field = (name: string, value: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = Buffer.concat([
      Buffer.from(field("layout", JSON.stringify(layout)) + field("qemu", version) + field("seconds", "60")),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="ok.bin"\r\n\r\n`),
      KERNEL,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    await new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: c.port,
          path: "/boot",
          method: "POST",
          headers: {
            Authorization: `Bearer ${TOKEN}`,
            "Content-Type": `multipart/form-data; boundary=${boundary}`,
            "Content-Length": body.length,
          },
        },
        (res) => {
          res.setEncoding("utf8").on("data", (s: string) => {
            // The guest is running: hang up.
            if (s.includes("event: serial")) {
              req.destroy();
              resolve();
            }
          });
        },
      );
      req.on("error", () => {});
      req.on("close", () => resolve());
      setTimeout(() => reject(new Error("no serial output within 30 s")), 30_000);
      req.end(body);
    });
    const t0 = Date.now();
    let r = await boot(version, 1);
    for (let i = 0; i < 20 && r.status === 429; i++) {
      await new Promise((ok) => setTimeout(ok, 100));
      r = await boot(version, 1);
    }
    expect(r.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it("needs the token like every request", async () => {
    const r = await new Promise<number>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port: c.port, path: "/boot", method: "POST" }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(r).toBe(401);
  });

  it("refuses a run longer than 60 s", async () => {
    const r = await boot(qemuInstalls()[0]!.version, 61);
    expect(r.status).toBe(400);
  });
});
