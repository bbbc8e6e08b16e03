import { describe, expect, it } from "vitest";
import { redo, undo, useGuestmap } from "./store";

const addr = (id: string) => useGuestmap.getState().layout.modules.find((m) => m.id === id)?.addr;

describe("store", () => {
  it("a drag's frames are not undo steps: pointer-up commits one", () => {
    const s = useGuestmap.getState;
    useGuestmap.temporal.getState().clear();
    for (const a of [0x47100000n, 0x47200000n, 0x48000000n]) s().dragMoved({ id: "m2", addr: a, pointer: a });
    expect(addr("m2")).toBe(0x47000000n);
    expect(useGuestmap.temporal.getState().pastStates).toHaveLength(0);
    s().dragEnded();
    expect(addr("m2")).toBe(0x48000000n);
    expect(useGuestmap.temporal.getState().pastStates).toHaveLength(1);
    undo();
    expect(addr("m2")).toBe(0x47000000n);
    redo();
    expect(addr("m2")).toBe(0x48000000n);
  });
  it("selection, view and no-op edits are not undo steps", () => {
    const s = useGuestmap.getState;
    useGuestmap.temporal.getState().clear();
    s().selected("m1");
    s().viewChanged({ zoom: 2, pan: 10 });
    s().dispatch({ type: "moveBlob", id: "m1", addr: addr("m1")! });
    expect(useGuestmap.temporal.getState().pastStates).toHaveLength(0);
  });
  it("removing the selected blob clears the selection", () => {
    const s = useGuestmap.getState;
    s().selected("m1");
    s().dispatch({ type: "removeBlob", id: "m1" });
    expect(s().selection).toBeUndefined();
    undo();
  });
});

describe("batched edits", () => {
  it("files dropped together are one undo step", () => {
    const s = useGuestmap.getState;
    useGuestmap.temporal.getState().clear();
    const n = s().layout.modules.length;
    s().dispatch({
      type: "batch",
      edits: [
        { type: "addBlob", module: { id: "x1", addr: 0x50000000n, initrd: { path: "a", size: 4096n } } },
        { type: "addBlob", module: { id: "x2", addr: 0x50001000n, initrd: { path: "b", size: 4096n } } },
      ],
    });
    expect(s().layout.modules).toHaveLength(n + 2);
    expect(useGuestmap.temporal.getState().pastStates).toHaveLength(1);
    undo();
    expect(s().layout.modules).toHaveLength(n);
    s().dispatch({ type: "batch", edits: [] });
    expect(useGuestmap.temporal.getState().pastStates).toHaveLength(0);
  });
});
