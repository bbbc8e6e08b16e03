/**
 * DTB work off the main thread: reading an opened DTB (decode, and its /chosen as modules), the
 * /chosen part of a big -dtb (file-store.ts keeps it as the file's head) and merging the layout
 * into a base DTB. The core's codec is pure; a 100,000-node tree takes it
 * about a second in Chromium, which on the main thread froze the tab. Only plain data crosses:
 * the file in, the /chosen import and the bytes out (transferred, not copied); the decoded tree
 * stays here, so the page never deserialises 100,000 nodes either.
 */
import {
  chosenPartOfDtb,
  decodeFdt,
  FDT_PROBE_SIZE,
  fdtClaimedSize,
  importDtb,
  type Layout,
} from "@guestmap/core";
import { dtbBytes } from "./exports";

/** A job for the worker. */
export type DtbJob =
  | { readonly op: "read"; readonly file: Blob }
  | { readonly op: "chosen-part"; readonly file: Blob }
  | { readonly op: "merge"; readonly base: Uint8Array; readonly layout: Layout };

/** What the worker answers: a result, or the error's name, code and message (classes do not cross). */
export type DtbAnswer =
  | { readonly op: "read"; readonly bytes: Uint8Array; readonly chosen: ReturnType<typeof importDtb> }
  | { readonly op: "chosen-part"; readonly bytes: Uint8Array }
  | { readonly op: "merge"; readonly bytes: Uint8Array }
  | { readonly op: "error"; readonly name: string; readonly code?: string; readonly message: string };

/**
 * The DTB's bytes, header first, then only what it claims (at most 64 MiB): a 2 GB non-DTB is
 * refused after 40 bytes instead of being read whole. Bytes past totalsize are ignored, as by dtc.
 */
async function readBounded(file: Blob): Promise<Uint8Array> {
  const head = new Uint8Array(await file.slice(0, FDT_PROBE_SIZE).arrayBuffer());
  return new Uint8Array(await file.slice(0, fdtClaimedSize(head)).arrayBuffer());
}

const post = (answer: DtbAnswer, transfer: Transferable[] = []) =>
  (self as unknown as Worker).postMessage(answer, transfer);

self.onmessage = async (e: MessageEvent<DtbJob>) => {
  const job = e.data;
  try {
    if (job.op === "read") {
      const bytes = await readBounded(job.file);
      decodeFdt(bytes); // the whole tree must decode, not only /chosen: it is the base for merges
      const chosen = importDtb(bytes);
      post({ op: "read", bytes, chosen }, [bytes.buffer]);
    } else if (job.op === "chosen-part") {
      // A -dtb bigger than the head the page keeps: the whole tree decoded here, /chosen back.
      const bytes = chosenPartOfDtb(await readBounded(job.file));
      post({ op: "chosen-part", bytes }, [bytes.buffer]);
    } else {
      const bytes = dtbBytes(job.layout, job.base);
      post({ op: "merge", bytes }, [bytes.buffer]);
    }
  } catch (err) {
    const {
      name = "Error",
      code,
      message = String(err),
    } = (err ?? {}) as {
      name?: string;
      code?: string;
      message?: string;
    };
    post({ op: "error", name, ...(code !== undefined && { code }), message });
  }
};
