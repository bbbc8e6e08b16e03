/**
 * The fuzz targets: every parser that takes bytes or text from outside, with inputs like the ones
 * users and attackers produce (QEMU's own DTBs mutated, real command lines and layouts mutated,
 * shell metacharacters, huge numbers), the errors each may throw, and an input of a chosen size for
 * the linear-time check. Used by test/fuzz/fuzz.test.ts (≈20k cases each, in `npm test`) and by
 * `npm run fuzz` (1M each, with cases/s).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { importArgv, importShellCommand } from "../../src/cmdline/import.js";
import { parseQemuUint, parseRamSize } from "../../src/cmdline/numbers.js";
import { ShellSplitError, shellSplit } from "../../src/cmdline/shell-split.js";
import { DtbError } from "../../src/dtb/errors.js";
import { layoutFromDtb } from "../../src/dtb/to-layout.js";
import { decodeFdt, emptyFdt, encodeFdt, FdtError, printDts } from "../../src/fdt/index.js";
import { unpackBytes } from "../../src/headers/unpack.js";
import { LayoutFileError, parseLayoutJson, serializeLayout } from "../../src/model/layout-file.js";
import { decodeShareLink, encodeShareLink } from "../../src/model/share-link.js";
import { emptyLayout, GiB } from "../../src/model/types.js";
import { placements } from "../../src/qemu/placement.js";
import { check } from "../../src/rules/check.js";
import { parseSize } from "../../src/util/bigint.js";
import { arm64Image, efiZboot, uImage } from "../fixtures/kernels.js";

export interface FuzzTarget<T> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  /** Runs the code under test on one input; returns, or throws an error `typed` accepts. */
  run(input: T): void;
  /** The errors this target documents (anything else is a bug). */
  typed(e: unknown): boolean;
  /** A valid-looking input of about `n` bytes, for the linear-time measurement. */
  sized(n: number): T;
}

const FIXTURES = fileURLToPath(new URL("../fixtures/qemu-dtbs", import.meta.url));
/** QEMU's own DTBs (7.2 and 10.0, aarch64 with guest-loader modules and riscv64). */
export const QEMU_DTBS: readonly Uint8Array[] = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".dtb"))
  .sort()
  .map((f) => new Uint8Array(readFileSync(join(FIXTURES, f))));

/** Byte-level mutations of a seed: bit flips, overwritten words, cuts, splices, inserted runs. */
export function mutated(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const interesting = fc.constantFrom(
    0,
    1,
    2,
    3,
    4,
    9,
    0x28,
    0x38,
    0x7fffffff,
    0x80000000,
    0xffffffff,
    0xd00dfeed,
  );
  // Weighted towards small edits: a cut or splice almost always fails the header's totalsize
  // check, while flips and overwritten bytes reach the structure walker and the printer.
  const edit = fc.oneof(
    { weight: 4, arbitrary: fc.record({ k: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        k: fc.constant("word" as const),
        at: fc.nat(),
        v: fc.oneof(interesting, fc.nat()),
      }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("cut" as const), at: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant("dup" as const), at: fc.nat(), len: fc.nat(64) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        k: fc.constant("byte" as const),
        at: fc.nat(),
        v: fc.constantFrom(0, 0x1b, 0x2f, 0x40, 0xff, 0x80, 0xe2),
      }),
    },
  );

  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 3 }))
    .map(([seed, edits]) => {
      let b = seed.slice();
      for (const e of edits) {
        if (b.length === 0) break;
        const at = e.at % b.length;
        if (e.k === "flip") b[at]! ^= 1 << e.bit;
        else if (e.k === "byte") b[at] = e.v;
        else if (e.k === "word" && b.length >= 4)
          new DataView(b.buffer).setUint32(Math.min(at & ~3, b.length - 4), e.v >>> 0);
        else if (e.k === "cut") b = b.slice(0, at);
        else if (e.k === "dup") {
          const piece = b.slice(at, at + e.len);
          const out = new Uint8Array(b.length + piece.length);
          out.set(b.subarray(0, at));
          out.set(piece, at);
          out.set(b.subarray(at), at + piece.length);
          b = out;
        }
      }
      return b;
    });
}

const fdtTyped = (e: unknown) => e instanceof FdtError && e.code !== "INTERNAL";

/** A DTB of about n bytes: one node with many short properties (realistic shape, scalable). */
function dtbOfSize(n: number): Uint8Array {
  const props = Array.from({ length: Math.max(1, Math.floor(n / 24)) }, (_, i) => ({
    name: `p${i}`,
    value: Uint8Array.of(0, 0, 0, i & 255),
  }));
  const fdt = emptyFdt();
  return encodeFdt({ ...fdt, root: { ...fdt.root, children: [{ name: "chosen", props, children: [] }] } });
}

export const dtbTarget: FuzzTarget<Uint8Array> = {
  name: "DTB decoder + DTS printer + layoutFromDtb",
  arbitrary: fc.oneof(
    { weight: 3, arbitrary: mutated(QEMU_DTBS) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    {
      weight: 1,
      // A plausible header over random bytes: gets past the magic check.
      arbitrary: fc.uint8Array({ minLength: 40, maxLength: 512 }).map((b) => {
        const v = new DataView(b.buffer);
        v.setUint32(0, 0xd00dfeed);
        v.setUint32(4, b.length);
        return b;
      }),
    },
  ),
  run(bytes) {
    const fdt = decodeFdt(bytes);
    printDts(fdt);
    try {
      layoutFromDtb(bytes);
    } catch (e) {
      if (!(e instanceof DtbError) && !fdtTyped(e)) throw e;
    }
  },
  typed: fdtTyped,
  sized: dtbOfSize,
};

/** Real command lines people paste (Xen docs, guest-loader docs, OpenSBI, shell scripts). */
export const REAL_COMMANDS = [
  `qemu-system-aarch64 -M virt,virtualization=on -cpu cortex-a57 -m 2G -kernel xen -append "dom0_mem=1G,max:1G loglvl=all guest_loglvl=all" -device guest-loader,addr=0x42000000,kernel=Image,bootargs="root=/dev/sda2 ro console=hvc0 earlyprintk=xen" -device guest-loader,addr=0x47000000,initrd=rootfs.cpio`,
  `#!/bin/sh\nQEMU=qemu-system-riscv64\n$QEMU -M virt -m 1G -nographic \\\n  -bios default -kernel xen \\\n  -device guest-loader,addr=0x84000000,kernel=Image \\\n  -serial mon:stdio`,
  `qemu-system-aarch64 -machine virt,gic-version=3 -cpu max -smp 4 -m 4096 -nographic -kernel Image -initrd initrd.img -append 'console=ttyAMA0 root=/dev/vda1' -drive if=none,file=disk.qcow2,id=hd0 -device virtio-blk-device,drive=hd0 -netdev user,id=n0,hostfwd=tcp::2222-:22 -device virtio-net-device,netdev=n0`,
  `qemu-system-arm -M virt -m 512M -kernel zImage -dtb virt.dtb -device loader,file=blob.bin,addr=0x48000000,force-raw=on -device '{"driver":"guest-loader","addr":1207959552,"kernel":"k"}' -append $'a\\tb'`,
];

const SHELLISH = fc.constantFrom(
  "'",
  '"',
  "\\",
  "$",
  "`",
  "\n",
  " ",
  ",",
  ";",
  "(",
  ")",
  "*",
  "#",
  "=",
  "-",
  "{",
  "}",
  "$'",
  "\\\n",
  "\0",
  "\u202e",
  "\x1b",
);

export const shellTarget: FuzzTarget<string> = {
  name: "shell splitter + command-line import",
  arbitrary: fc.oneof(
    fc.string({ unit: fc.oneof(SHELLISH, fc.string({ unit: "grapheme", maxLength: 1 })), maxLength: 200 }),
    fc
      .tuple(
        fc.constantFrom(...REAL_COMMANDS),
        fc.array(fc.tuple(fc.nat(), fc.oneof(SHELLISH, fc.string({ maxLength: 3 }))), { maxLength: 5 }),
      )
      .map(([cmd, edits]) => {
        let s = cmd;
        for (const [at, ins] of edits) {
          const i = at % (s.length + 1);
          s = s.slice(0, i) + ins + s.slice(i + (at % 3));
        }
        return s;
      }),
  ),
  run(text) {
    // importShellCommand and importArgv never throw: every problem is a diagnostic. The imported
    // layout goes through every rule, as the CLI's check would.
    check(importShellCommand(text).layout);
    importArgv(text.split(" "));
    shellSplit(text);
  },
  typed: (e) => e instanceof ShellSplitError,
  sized: (n) =>
    `qemu-system-aarch64 -M virt -m 2G ${"-device guest-loader,addr=0x42000000,initrd=r.cpio ".repeat(Math.max(1, Math.floor(n / 52)))}`,
};

const LAYOUT_SEED = serializeLayout(importShellCommand(REAL_COMMANDS[0]!).layout);
const layoutDoc = (modules: number) =>
  JSON.stringify({
    format: "guestmap-layout",
    version: 1,
    machine: { arch: "aarch64", ram: "2G" },
    modules: Array.from({ length: modules }, (_, i) => ({
      addr: `0x${(0x42000000 + i * 0x1000).toString(16)}`,
      initrd: { path: `r${i}`, size: "0x1000" },
    })),
  });

export const layoutTarget: FuzzTarget<string> = {
  name: "layout loader",
  arbitrary: fc.oneof(
    fc.json({ depthSize: "small" }),
    fc
      .tuple(
        fc.array(
          fc.tuple(
            fc.nat(),
            fc.oneof(
              fc.constantFrom(
                '"',
                "{",
                "}",
                "[",
                "]",
                ",",
                ":",
                "\\",
                "__proto__",
                '"0x',
                "-1",
                "1e999",
                "\uFEFF",
                '"version": 2',
              ),
              fc.string({ maxLength: 4 }),
            ),
          ),
          { maxLength: 4 },
        ),
      )
      .map(([edits]) => {
        let s = LAYOUT_SEED;
        for (const [at, ins] of edits) {
          const i = at % (s.length + 1);
          s = s.slice(0, i) + ins + s.slice(i + (at % 2));
        }
        return s;
      }),
    fc
      .record({
        format: fc.constant("guestmap-layout"),
        version: fc.constantFrom(1, 2, 0, "1"),
        machine: fc.record({
          arch: fc.constantFrom("aarch64", "riscv64", "x86"),
          ram: fc.oneof(fc.string(), fc.bigInt().map(String), fc.integer()),
        }),
        modules: fc.array(
          fc.record(
            {
              id: fc.constantFrom("m1", "m2", "__proto__", "constructor"),
              addr: fc.oneof(fc.string(), fc.constantFrom("0x10000000000000000", "-1", "0x42000000")),
              initrd: fc.record({ path: fc.string(), size: fc.oneof(fc.string(), fc.integer()) }),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 4 },
        ),
      })
      .map((o) => JSON.stringify(o)),
  ),
  run(text) {
    serializeLayout(parseLayoutJson(text));
  },
  typed: (e) => e instanceof LayoutFileError,
  sized: (n) => layoutDoc(Math.min(1024, Math.max(1, Math.floor(n / 80)))),
};

export const numberTarget: FuzzTarget<string> = {
  name: "address/size parsers",
  arbitrary: fc.oneof(
    fc.string({
      unit: fc.constantFrom(
        "0",
        "1",
        "9",
        "x",
        "X",
        "a",
        "f",
        "g",
        "k",
        "K",
        "M",
        "G",
        "T",
        "i",
        "B",
        "b",
        "_",
        " ",
        "-",
        "+",
        ".",
        "e",
      ),
      maxLength: 40,
    }),
    fc
      .bigInt({ min: -(1n << 80n), max: 1n << 80n })
      .map((v) => (v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`)),
    fc.string(),
  ),
  run(text) {
    for (const v of [parseSize(text), parseQemuUint(text), parseRamSize(text)?.ram]) {
      if (v !== undefined && (typeof v !== "bigint" || v < 0n))
        throw new Error(`parsed ${JSON.stringify(text)} as ${String(v)}`);
    }
  },
  typed: () => false,
  sized: (n) => `0x${"f".repeat(Math.max(1, n - 2))}`,
};

export const shareLinkTarget: FuzzTarget<string> = {
  name: "share-link decoder",
  arbitrary: fc.oneof(
    fc.string({ maxLength: 300 }).map((s) => `#layout=${s}`),
    fc
      .string({
        unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/="),
        maxLength: 300,
      })
      .map((s) => `#layout=${s}`),
    layoutTarget.arbitrary.map((text) => {
      const bytes = new TextEncoder().encode(text);
      return `#layout=${Buffer.from(bytes).toString("base64url")}`;
    }),
  ),
  run(hash) {
    const l = decodeShareLink(hash);
    if (l) encodeShareLink(l);
  },
  typed: (e) => e instanceof LayoutFileError,
  sized: (n) => encodeShareLink(parseLayoutJson(layoutTarget.sized(Math.floor((n * 3) / 4)))),
};

/** A gzip kernel, its gzip uImage and its EFI zboot image: what QEMU unpacks, mutated. */
function compressedKernels(imageBytes: number): Uint8Array[] {
  const img = arm64Image(imageBytes, 0n, BigInt(imageBytes) * 2n);
  img.fill(0, 0x40, Math.max(0x40, imageBytes >> 1));
  const gz = new Uint8Array(gzipSync(img));
  const u = uImage(gz.length, 0x41000000);
  u.set(gz, 64);
  u[31] = 1;
  return [gz, u, efiZboot(gz, { offset: 0x100 })];
}

/** The fuzz run's name for "QEMU's gunzip would fail on this" (a result, not an exception of ours). */
class UnpackFails extends Error {}

/** The Unpacker and the ARM placement of what it finds, on 7.2 (zboot raw) or 10.0 (unpacked). */
export const kernelUnpackTarget: FuzzTarget<Uint8Array> = {
  name: "compressed kernels (gzip, gzip uImage, EFI zboot) unpacked and placed",
  arbitrary: mutated(compressedKernels(3000)),
  run(bytes) {
    const unpacked = unpackBytes(bytes);
    const kernel = {
      path: "k",
      size: BigInt(bytes.length),
      head: bytes.subarray(0, 65536),
      ...(unpacked && { unpacked }),
    };
    const base = emptyLayout("aarch64");
    // Placement only (the rules are fuzzed by the layout target); 7.2 and 10.0 by turns.
    const qemu = bytes.length % 2 ? "7.2" : "10.0";
    placements({ ...base, qemu, machine: { ...base.machine, cpu: "cortex-a57", ram: GiB }, kernel });
    if (unpacked && "failure" in unpacked) throw new UnpackFails(unpacked.detail);
  },
  typed: (e) => e instanceof UnpackFails,
  sized: (n) => compressedKernels(Math.max(0x100, n))[2]!,
};

export const TARGETS: readonly FuzzTarget<unknown>[] = [
  dtbTarget,
  shellTarget,
  layoutTarget,
  numberTarget,
  shareLinkTarget,
  kernelUnpackTarget,
] as FuzzTarget<unknown>[];

/**
 * Runs `target.run(input)`: `"ok"`, or the typed error. Anything else throws, naming the input.
 * `maxMs` bounds one case (a hang shows as a slow case; fast-check cannot preempt sync code).
 */
export function runCase<T>(target: FuzzTarget<T>, input: T, maxMs: number): "ok" | "typed" {
  const t0 = performance.now();
  let r: "ok" | "typed" = "ok";
  try {
    target.run(input);
  } catch (e) {
    if (!target.typed(e)) throw e;
    r = "typed";
  }
  const ms = performance.now() - t0;
  if (ms > maxMs) throw new Error(`${target.name}: one case took ${ms.toFixed(0)} ms (bound ${maxMs} ms)`);
  return r;
}
