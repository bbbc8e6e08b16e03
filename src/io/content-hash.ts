/**
 * A file's SHA-256 (64 lower-case hex digits, the core's `Blob.sha256`), in bounded memory:
 * crypto.subtle for a file that fits one chunk (fast, native), else @noble/hashes fed chunk by
 * chunk, because subtle has no streaming digest and a 1 GiB kernel must not be read into one
 * buffer; in the browser that runs in a worker (hash-worker.ts), so the page keeps responding. All
 * give the same digest as `sha256sum`, so a layout made by the CLI binds here too.
 */
/**
 * Up to this size the file is hashed in one crypto.subtle call (native, about 4× @noble/hashes,
 * and asynchronous: the page keeps painting); its bytes are in memory once for that call.
 */
export const HASH_CHUNK = 128 * 1024 * 1024;

function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export async function contentHash(file: Blob, chunk = HASH_CHUNK): Promise<string> {
  return (await hashWithHead(file, 0, chunk)).sha256;
}

/**
 * The SHA-256 and the first `headBytes` bytes of `file`, from one read when the file fits one
 * chunk (reading the head separately read every small file twice).
 */
export async function hashWithHead(
  file: Blob,
  headBytes: number,
  chunk = HASH_CHUNK,
  signal?: AbortSignal,
): Promise<{ sha256: string; head: Uint8Array }> {
  if (file.size <= chunk) {
    const bytes = await file.arrayBuffer();
    const sha256 = toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
    // A copy: the head outlives the read, the whole file's buffer must not.
    return { sha256, head: new Uint8Array(bytes.slice(0, headBytes)) };
  }
  const head = new Uint8Array(await file.slice(0, headBytes).arrayBuffer());
  return { sha256: await streamedHash(file, chunk, signal), head };
}

async function streamedHash(file: Blob, chunk: number, signal?: AbortSignal): Promise<string> {
  if (typeof Worker !== "undefined" && typeof window !== "undefined")
    return toHex(await inWorker(file, signal));
  // Outside a page (Node, the tests) it is hashed here; the page's own copy is in the worker.
  const { sha256 } = await import("@noble/hashes/sha2.js");
  const h = sha256.create();
  for (let off = 0; off < file.size; off += chunk) {
    signal?.throwIfAborted();
    h.update(new Uint8Array(await file.slice(off, off + chunk).arrayBuffer()));
  }
  return toHex(h.digest());
}

/** Hashes `file` in hash-worker.ts; an abort stops the worker (a cancelled 8 GiB read stops at once). */
function inWorker(file: Blob, signal?: AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const w = new Worker(new URL("./hash-worker.ts", import.meta.url), { type: "module" });
    signal?.addEventListener("abort", () => {
      w.terminate();
      reject(signal.reason);
    });
    w.onmessage = (e: MessageEvent<{ digest?: Uint8Array; error?: string }>) => {
      if (e.data.digest) resolve(e.data.digest);
      else if (e.data.error) reject(new Error(e.data.error));
      else return;
      w.terminate();
    };
    w.onerror = (e) => {
      reject(new Error(e.message || "the hashing worker failed"));
      w.terminate();
    };
    w.postMessage(file);
  });
}
