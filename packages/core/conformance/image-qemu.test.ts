/**
 * Images judged by every installed QEMU (7.2.22 and 10.0.2) and binutils: the raw image equals `pmemsave` of the same range after
 * QEMU loaded the blobs; the ELF loaded by `-device loader,file=x.elf` gives the same RAM; the
 * Intel HEX converted back by `objcopy -I ihex -O binary` (and loaded by QEMU) equals the raw image.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ImageFormat, writeImage } from "../src/image/image.js";
import type { BlobSource, ImageRegion } from "../src/image/source.js";
import type { Arch } from "../src/model/types.js";
import { pmemsave, qemuInstalls, qemuLabel } from "./qemu.js";
import { haveTool } from "./tools.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-image-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileSource(path: string): BlobSource {
  const bytes = readFileSync(path);
  return {
    size: BigInt(bytes.length),
    read: async (o, n) => new Uint8Array(bytes.subarray(Number(o), Number(o) + n)),
  };
}

async function writeTo(path: string, regions: ImageRegion[], format: ImageFormat, arch: Arch): Promise<void> {
  const parts: Uint8Array[] = [];
  await writeImage(regions, { write: async (c) => void parts.push(c.slice()) }, { format, arch });
  writeFileSync(path, Buffer.concat(parts));
}

function blob(name: string, size: number, seed: number): string {
  const b = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  const p = join(dir, name);
  writeFileSync(p, b);
  return p;
}

const CASES: { arch: Arch; machine: string[]; base: bigint }[] = [
  { arch: "aarch64", machine: ["-M", "virt", "-cpu", "max", "-m", "1G"], base: 0x48000000n },
  { arch: "arm", machine: ["-M", "virt", "-m", "1G"], base: 0x48000000n },
  { arch: "riscv64", machine: ["-M", "virt", "-m", "1G", "-bios", "none"], base: 0x88000000n },
  { arch: "riscv32", machine: ["-M", "virt", "-m", "1G", "-bios", "none"], base: 0x88000000n },
];

for (const q of qemuInstalls())
  describe.each(CASES)(`$arch images against ${qemuLabel(q)}`, ({ arch, machine, base }) => {
    const bin = q.binary(arch);
    const files = [
      { path: blob(`${arch}-a.bin`, 0x1234, 1), addr: base },
      { path: blob(`${arch}-b.bin`, 0x20001, 2), addr: base + 0x13000n },
      { path: blob(`${arch}-c.bin`, 77, 3), addr: base + 0x40005n },
    ];
    const regions: ImageRegion[] = files.map((f) => ({
      addr: f.addr,
      size: fileSource(f.path).size,
      source: fileSource(f.path),
    }));
    const end = files[2]!.addr + 77n;
    const loaders = files.flatMap((f) => [
      "-device",
      `loader,file=${f.path},addr=0x${f.addr.toString(16)},force-raw=on`,
    ]);

    it("raw image = pmemsave of the range after QEMU loads the blobs", async () => {
      const raw = join(dir, `${arch}.raw`);
      await writeTo(raw, regions, "raw", arch);
      const mem = pmemsave(bin, [...machine, ...loaders], base, end - base);
      expect(Buffer.compare(Buffer.from(mem), readFileSync(raw))).toBe(0);
    });

    it("-device loader,file=x.elf gives the same RAM as the raw image", async () => {
      const raw = join(dir, `${arch}.raw`);
      const elf = join(dir, `${arch}.elf`);
      await writeTo(raw, regions, "raw", arch);
      await writeTo(elf, regions, "elf", arch);
      const mem = pmemsave(bin, [...machine, "-device", `loader,file=${elf}`], base, end - base);
      expect(Buffer.compare(Buffer.from(mem), readFileSync(raw))).toBe(0);
      if (haveTool("readelf")) {
        const h = execFileSync("readelf", ["-hl", elf], { encoding: "utf8" });
        expect(h).toContain(arch === "aarch64" || arch === "riscv64" ? "ELF64" : "ELF32");
        expect(h.match(/LOAD/g)).toHaveLength(3);
      }
    });

    it.skipIf(!haveTool("objcopy"))(
      "Intel HEX: objcopy back to binary = raw; QEMU loads it to the same RAM",
      async () => {
        const raw = join(dir, `${arch}.raw`);
        const hex = join(dir, `${arch}.hex`);
        const back = join(dir, `${arch}.back`);
        await writeTo(raw, regions, "raw", arch);
        await writeTo(hex, regions, "ihex", arch);
        execFileSync("objcopy", ["-I", "ihex", "-O", "binary", hex, back]);
        expect(Buffer.compare(readFileSync(back), readFileSync(raw))).toBe(0);
        const mem = pmemsave(bin, [...machine, "-device", `loader,file=${hex}`], base, end - base);
        expect(Buffer.compare(Buffer.from(mem), readFileSync(raw))).toBe(0);
      },
    );
  });

for (const q of qemuInstalls())
  describe(`ELF64 above 4 GiB on ${qemuLabel(q)}`, () => {
    it("loads a blob at 0x140000000 (6G RAM) to the same bytes", async () => {
      const p = blob("high.bin", 0x3000, 9);
      const src = fileSource(p);
      const elf = join(dir, "high.elf");
      await writeTo(elf, [{ addr: 0x140000000n, size: src.size, source: src }], "elf", "aarch64");
      const mem = pmemsave(
        q.binary("aarch64"),
        ["-M", "virt", "-cpu", "max", "-m", "6G", "-device", `loader,file=${elf}`],
        0x140000000n,
        0x3000n,
      );
      expect(Buffer.compare(Buffer.from(mem), readFileSync(p))).toBe(0);
    });
  });
