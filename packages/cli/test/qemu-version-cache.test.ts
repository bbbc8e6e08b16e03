import { appendFileSync, chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { cachedQemuVersion } from "../src/qemu-version-cache.js";

const dir = mkdtempSync(join(tmpdir(), "guestmap-qvc-"));
const saved = process.env.GUESTMAP_CACHE;
afterAll(() => {
  if (saved === undefined) delete process.env.GUESTMAP_CACHE;
  else process.env.GUESTMAP_CACHE = saved;
  rmSync(dir, { recursive: true, force: true });
});

function counter(version: string | undefined) {
  const calls: string[] = [];
  const ask = (b: string) => {
    calls.push(b);
    return version;
  };
  return { calls, ask };
}

describe("cachedQemuVersion", () => {
  let n = 0;
  let cache: string;
  beforeEach(() => {
    cache = join(dir, `cache${++n}`);
    process.env.GUESTMAP_CACHE = cache;
  });

  it("asks an ELF binary once, then answers from the cache until the file changes", () => {
    const bin = join(dir, `elf${n}`);
    writeFileSync(bin, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]));
    const a = counter("7.2.22");
    expect(cachedQemuVersion(bin, a.ask)).toBe("7.2.22");
    expect(cachedQemuVersion(bin, a.ask)).toBe("7.2.22");
    expect(a.calls).toEqual([bin]);
    appendFileSync(bin, "rebuilt"); // an upgraded binary: size, mtime and ctime change
    const b = counter("10.0.2");
    expect(cachedQemuVersion(bin, b.ask)).toBe("10.0.2");
    expect(b.calls).toEqual([bin]);
  });

  it("always asks a wrapper script: it may start another QEMU without changing itself", () => {
    const bin = join(dir, `wrapper${n}`);
    writeFileSync(bin, '#!/bin/sh\nexec /opt/qemu/bin/qemu-system-aarch64 "$@"\n');
    const a = counter("10.0.2");
    cachedQemuVersion(bin, a.ask);
    cachedQemuVersion(bin, a.ask);
    expect(a.calls).toHaveLength(2);
  });

  it("remembers no failure, and works without a writable cache", () => {
    const bin = join(dir, `elf-fail${n}`);
    writeFileSync(bin, new Uint8Array([0x7f, 0x45, 0x4c, 0x46]));
    const a = counter(undefined);
    expect(cachedQemuVersion(bin, a.ask)).toBeUndefined();
    expect(cachedQemuVersion(bin, a.ask)).toBeUndefined();
    expect(a.calls).toHaveLength(2);
    const ro = join(dir, `ro${n}`);
    writeFileSync(ro, "a file where the cache folder should be");
    chmodSync(ro, 0o444);
    process.env.GUESTMAP_CACHE = join(ro, "sub");
    const b = counter("7.2.22");
    expect(cachedQemuVersion(bin, b.ask)).toBe("7.2.22");
    expect(cachedQemuVersion(bin, b.ask)).toBe("7.2.22");
    expect(b.calls).toHaveLength(2);
  });
});
