/**
 * The page's side of dtb-worker.ts: one worker per job, so Cancel is `terminate()` (the codec
 * never yields, so nothing short of that stops a 100,000-node decode) and a hostile DTB cannot
 * leave a busy worker behind.
 */
import type { DtbImport, Layout } from "@guestmap/core";
import type { DtbAnswer, DtbJob } from "./dtb-worker";

/** Thrown when the user cancels a DTB job. */
export class DtbJobCancelled extends Error {
  override name = "DtbJobCancelled";
}

function run(
  job: DtbJob,
  signal: AbortSignal | undefined,
  transfer: Transferable[] = [],
): Promise<DtbAnswer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DtbJobCancelled("cancelled"));
    const w = new Worker(new URL("./dtb-worker.ts", import.meta.url), { type: "module" });
    const done = () => {
      w.terminate();
      signal?.removeEventListener("abort", cancel);
    };
    const cancel = () => {
      done();
      reject(new DtbJobCancelled("cancelled"));
    };
    signal?.addEventListener("abort", cancel);
    w.onmessage = (e: MessageEvent<DtbAnswer>) => {
      done();
      if (e.data.op === "error") reject(Object.assign(new Error(e.data.message), { name: e.data.name }));
      else resolve(e.data);
    };
    w.onerror = (e) => {
      done();
      reject(new Error(e.message || "the DTB worker failed"));
    };
    w.postMessage(job, transfer);
  });
}

/**
 * Reads an opened DTB off the main thread: its bytes (cut at the header's totalsize, which is
 * checked first) and its /chosen as modules. The whole tree is decoded there, so a DTB that
 * cannot serve as a merge base is refused here, with the codec's FdtError message.
 */
export async function readDtbOffThread(
  file: Blob,
  signal?: AbortSignal,
): Promise<{ bytes: Uint8Array; chosen: DtbImport }> {
  const a = await run({ op: "read", file }, signal);
  if (a.op !== "read") throw new Error("the DTB worker answered out of turn");
  return { bytes: a.bytes, chosen: a.chosen };
}

/**
 * The /chosen part of a DTB file (the core's chosenPartOfDtb), its whole tree decoded off the main
 * thread. Where there are no workers (Node, the app's conformance tests) it is decoded in place.
 */
export async function chosenPartOffThread(file: Blob, signal?: AbortSignal): Promise<Uint8Array> {
  if (typeof Worker === "undefined") {
    const { chosenPartOfDtb, fdtClaimedSize, FDT_PROBE_SIZE } = await import("../lazy/dtb-chosen");
    const total = fdtClaimedSize(new Uint8Array(await file.slice(0, FDT_PROBE_SIZE).arrayBuffer()));
    return chosenPartOfDtb(new Uint8Array(await file.slice(0, total).arrayBuffer()));
  }
  const a = await run({ op: "chosen-part", file }, signal);
  if (a.op !== "chosen-part") throw new Error("the DTB worker answered out of turn");
  return a.bytes;
}

/** The layout's /chosen merged into `base` (the app's dtbBytes), off the main thread. */
export async function mergeOffThread(
  base: Uint8Array,
  layout: Layout,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  // A copy crosses: the base stays usable for the next export.
  const a = await run({ op: "merge", base, layout }, signal);
  if (a.op !== "merge") throw new Error("the DTB worker answered out of turn");
  return a.bytes;
}
