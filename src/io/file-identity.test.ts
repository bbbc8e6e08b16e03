import { importShellCommand, type Layout, parseLayoutJson, serializeLayout } from "@guestmap/core";
import { describe, expect, it } from "vitest";
import { contentHash } from "./content-hash";
import { fileHashes, hashOf, refKey, withFileHashes } from "./file-identity";

const file = (bytes: number[], name = "Image") => new File([new Uint8Array(bytes)], name);

describe("content hash", () => {
  it("tells apart two files with the same name and size", async () => {
    const a = await contentHash(file([1, 2, 3, 4]));
    const b = await contentHash(file([1, 2, 3, 5]));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    expect(await contentHash(file([1, 2, 3, 4], "other"))).toBe(a);
  });
  it("hashes a file of several chunks chunk by chunk, and still sees a change in the last byte", async () => {
    const bytes = Array.from({ length: 40 }, (_, i) => i);
    const a = await contentHash(file(bytes), 16);
    const b = await contentHash(file([...bytes.slice(0, 39), 99]), 16);
    expect(a).toMatch(/^tree-[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
    expect(await contentHash(file(bytes), 16)).toBe(a);
  });
});

describe("blob identity", () => {
  const layout = (): Layout => {
    const l = importShellCommand(
      "qemu-system-aarch64 -M virt -m 1G -kernel xen -device guest-loader,addr=0x42000000,kernel=Image -device guest-loader,addr=0x46000000,kernel=Image -device loader,file=stub,addr=0x50000000",
    ).layout;
    const sized = <T extends { path: string }>(f: T, hash: string) => ({ ...f, size: 4n, contentHash: hash });
    return {
      ...l,
      kernel: sized(l.kernel!, "k"),
      modules: l.modules.map((m, i) => ({ ...m, kernel: sized(m.kernel!, `h${i}`) })),
      loaders: l.loaders.map((x) => ({ ...x, file: sized(x.file, "s") })),
    };
  };
  it("two blobs with the same name and size are different files when their contents differ", () => {
    const [a, b] = layout().modules;
    expect(refKey(a!.kernel!)).not.toBe(refKey(b!.kernel!));
    expect(refKey({ path: "Image", size: 4n })).toBe(refKey({ path: "Image", size: 4n }));
    expect(refKey({ path: "Image", size: 4n, head: new Uint8Array([1]) })).not.toBe(
      refKey({ path: "Image", size: 4n, head: new Uint8Array([2]) }),
    );
  });
  it("the hashes survive the layout file through the slot table; a changed file loses its tag", () => {
    const l = layout();
    const table = fileHashes(l);
    expect(Object.keys(table).sort()).toEqual(["kernel", "l1", "m1", "m2"]);
    const restored = withFileHashes(parseLayoutJson(serializeLayout(l), "t"), table);
    expect(restored.modules.map((m) => hashOf(m.kernel))).toEqual(["h0", "h1"]);
    expect(hashOf(restored.loaders[0]!.file)).toBe("s");
    expect(hashOf(restored.kernel)).toBe("k");
    const renamed = { ...table, m1: { ...table.m1!, path: "Other" } };
    expect(hashOf(withFileHashes(restored, renamed).modules[0]!.kernel)).toBe("h0");
    const plain = parseLayoutJson(serializeLayout(l), "t");
    expect(hashOf(withFileHashes(plain, renamed).modules[0]!.kernel)).toBeUndefined();
  });
});
