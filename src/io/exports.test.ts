import { decodeFdt, findNode, PROFILES, printDts, standaloneDtb } from "@guestmap/core";
import { describe, expect, it } from "vitest";
import { SAMPLES } from "../samples/samples";
import { dtbBytes, imagePlan } from "./exports";

const layout = SAMPLES[0]!.layout;

describe("the app's DTB export: the core's merge policy", () => {
  it("a base that already has the layout's module nodes: they are replaced, and the base's size is kept", () => {
    const base = standaloneDtb(layout, PROFILES["10.2"], { padTo: 0x10000 });
    const merged = dtbBytes({ ...layout, qemu: "10.2" }, base);
    expect(merged.length).toBe(0x10000);
    expect(printDts(decodeFdt(merged))).toBe(printDts(decodeFdt(base)));
  });
  it("a base without modules gains the layout's", () => {
    const base = standaloneDtb({ ...layout, modules: [] }, PROFILES["10.2"]);
    expect(findNode(decodeFdt(base), "/chosen")?.children).toEqual([]);
    const chosen = findNode(decodeFdt(dtbBytes(layout, base)), "/chosen")!;
    expect(chosen.children.map((c) => c.name).sort()).toEqual(["module@0x42000000", "module@0x47000000"]);
  });
});

describe("the app's memory image: the core's plan", () => {
  it("spans the user's blobs and warns of a raw image past 4 GiB", () => {
    const plan = imagePlan(layout, "raw");
    expect(plan.ok && plan.range).toEqual({
      start: 0x42000000n,
      end: 0x47000000n + layout.modules[1]!.initrd!.size!,
    });
    const far = { ...layout, modules: [layout.modules[0]!, { ...layout.modules[1]!, addr: 0x180000000n }] };
    const huge = imagePlan({ ...far, machine: { ...far.machine, ram: 8n << 30n } }, "raw");
    expect(huge.ok && huge.notes.map((n) => n.code)).toContain("huge");
  });
});
