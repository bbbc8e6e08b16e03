import { check, type Layout } from "@guestmap/core";
import { describe, expect, it } from "vitest";
import { arm64Image, cpioBlob } from "../../packages/core/test/fixtures/kernels";
import { regionRows, rowsCsv, rowsMarkdown, sortRows } from "./region-rows";

const layout: Layout = {
  machine: {
    arch: "aarch64",
    type: "virt",
    props: [],
    ram: 2n << 30n,
    cpu: "cortex-a57",
    bios: { kind: "default" },
  },
  modules: [
    {
      id: "m1",
      addr: 0x42000000n,
      kernel: { path: "Image", size: 0x200000n, head: arm64Image(4096, 0n, 0x400000n) },
      bootargs: 'root=/dev/vda console="hvc0",x|y',
    },
    { id: "m2", addr: 0x47000000n, initrd: { path: "root,fs.cpio", size: 0x1000n, head: cpioBlob(64) } },
  ],
  loaders: [{ id: "l1", addr: 0x50000000n, file: { path: "stub.bin" } }],
  extraArgs: [],
};

describe("region rows", () => {
  const { placement, diagnostics } = check(layout);
  const rows = regionRows(layout, placement, diagnostics);

  it("lists the user's blobs (editable) and QEMU's regions (read-only)", () => {
    expect(rows.filter((r) => r.editable).map((r) => r.id)).toEqual(["m1", "m2", "l1"]);
    expect(rows.find((r) => r.id === "dtb")).toMatchObject({ kind: "QEMU DTB", editable: false });
    expect(rows.find((r) => r.id === "m1")).toMatchObject({ alignment: "2 MiB", hasBootargs: true });
    // A placeholder (no file bound) can be given its size; a bound file cannot.
    expect(rows.find((r) => r.id === "l1")).toMatchObject({ size: undefined, sizeEditable: true });
  });

  it("sorts by any column, unknown sizes last, either way", () => {
    expect(sortRows(rows, "start", false).map((r) => r.start)).toEqual(
      [...rows.map((r) => r.start)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    const bySize = sortRows(rows, "size", false);
    expect(bySize.at(-1)!.id).toBe("l1");
    expect(sortRows(rows, "name", true)[0]!.name).toBe("stub.bin");
  });

  it("copies as RFC 4180 CSV: commas and quotes quoted, CRLF lines", () => {
    const csv = rowsCsv(sortRows(rows, "start", false));
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe("name,kind,start,size,end,bootargs,alignment,status");
    expect(csv).toContain(
      'Image,kernel,0x42000000,0x200000,0x42200000,"root=/dev/vda console=""hvc0"",x|y",2 MiB,',
    );
    expect(csv).toContain('"root,fs.cpio",initrd,0x47000000,0x1000,0x47001000,,4 KiB,');
    expect(csv).toContain("stub.bin,loader,0x50000000,unknown,unknown,,4 KiB,");
    expect(lines.at(-1)).toBe("");
  });

  it("copies as a Markdown table with pipes escaped", () => {
    const md = rowsMarkdown(rows).split("\n");
    expect(md[0]).toBe("| name | kind | start | size | end | bootargs | alignment | status |");
    const image = md.find((l) => l.startsWith("| Image "))!;
    expect(image).toContain('root=/dev/vda console="hvc0",x\\|y');
    // Eight cells: the escaped pipe does not split one.
    expect(image.split(/(?<!\\)\|/).length).toBe(10);
  });
});
