import { beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_SAMPLE } from "../samples/samples";
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

describe("arrow-key moves", () => {
  const s = useGuestmap.getState;
  const past = () => useGuestmap.temporal.getState().pastStates.length;
  const nextTask = () => new Promise((r) => setTimeout(r, 0));
  beforeEach(() => {
    useGuestmap.setState({ layout: DEFAULT_SAMPLE.layout, drag: undefined });
    useGuestmap.temporal.getState().clear();
  });

  it("are shown at once (the live layer's preview) and committed after, one undo step per press", async () => {
    s().keyMoved("m2", 0x47001000n);
    expect(s().drag).toMatchObject({ id: "m2", addr: 0x47001000n, key: true });
    expect(addr("m2")).toBe(0x47000000n);
    s().keyMoved("m2", 0x47002000n);
    s().keyMoved("m2", 0x47003000n);
    await nextTask();
    expect(s().drag).toBeUndefined();
    expect(addr("m2")).toBe(0x47003000n);
    expect(past()).toBe(3);
    undo();
    expect(addr("m2")).toBe(0x47002000n);
    undo();
    undo();
    expect(addr("m2")).toBe(0x47000000n);
  });

  it("are committed before any other edit, undo, or a move of another blob", async () => {
    s().keyMoved("m2", 0x47001000n);
    s().dispatch({ type: "setBootargs", id: "m1", bootargs: "console=hvc0" });
    expect(addr("m2")).toBe(0x47001000n);
    expect(past()).toBe(2);
    s().keyMoved("m2", 0x47002000n);
    undo();
    // The press just made is the step undone.
    expect(addr("m2")).toBe(0x47001000n);
    s().keyMoved("m2", 0x47005000n);
    s().keyMoved("m1", 0x42200000n);
    expect(addr("m2")).toBe(0x47005000n);
    expect(s().drag).toMatchObject({ id: "m1", key: true });
    await nextTask();
    expect(addr("m1")).toBe(0x42200000n);
    // m1's move, m2's 0x47005000, the bootargs, m2's first press.
    for (let i = 0; i < 3; i++) undo();
    expect(addr("m2")).toBe(0x47001000n);
    undo();
    expect(addr("m2")).toBe(0x47000000n);
  });

  it("while a key repeats, are committed together after a pause, still one undo step per press", async () => {
    s().keyMoved("m2", 0x47001000n, 120);
    s().keyMoved("m2", 0x47002000n, 120);
    await nextTask();
    expect(addr("m2")).toBe(0x47000000n);
    expect(s().drag).toMatchObject({ addr: 0x47002000n, key: true });
    await new Promise((r) => setTimeout(r, 150));
    expect(addr("m2")).toBe(0x47002000n);
    expect(s().drag).toBeUndefined();
    expect(past()).toBe(2);
  });

  it("are dropped when a layout replaces the one they were shown on, and wait while a pointer drags", async () => {
    s().keyMoved("m2", 0x47001000n);
    useGuestmap.setState({ drag: undefined });
    await nextTask();
    expect(addr("m2")).toBe(0x47000000n);
    expect(past()).toBe(0);
    s().dragMoved({ id: "m2", addr: 0x48000000n, pointer: 0x48000000n });
    s().keyMoved("m2", 0x47001000n);
    expect(s().drag).toMatchObject({ addr: 0x48000000n });
    expect(s().drag?.key).toBeUndefined();
    s().dragCancelled();
    await nextTask();
    expect(addr("m2")).toBe(0x47000000n);
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
