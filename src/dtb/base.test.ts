import { applyChosen, decodeFdt, findNode, PROFILES, printDts, standaloneDtb } from "@guestmap/core";
import { describe, expect, it } from "vitest";
import { SAMPLES } from "../samples/samples";
import { withoutModules } from "./base";

const layout = SAMPLES[0]!.layout;
const profile = PROFILES["10.2"];

describe("withoutModules", () => {
  it("lets the core merge a layout into a DTB that already has its modules", () => {
    const withMods = decodeFdt(standaloneDtb(layout, profile));
    expect(() => applyChosen(withMods, layout, profile)).toThrow(/already has a node/);
    const merged = applyChosen(withoutModules(withMods), layout, profile);
    expect(printDts(merged)).toBe(printDts(withMods));
  });
  it("leaves a tree without module nodes alone", () => {
    const fdt = withoutModules(decodeFdt(standaloneDtb({ ...layout, modules: [] }, profile)));
    expect(findNode(fdt, "/chosen")?.children).toEqual([]);
  });
});
