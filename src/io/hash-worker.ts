/**
 * Hashes a big file off the main thread: SHA-256 (@noble/hashes, fed chunk by chunk) of a File
 * posted by content-hash.ts, so a dropped 8 GiB image never freezes the page.
 */
import { sha256 } from "@noble/hashes/sha2.js";

const CHUNK = 16 * 1024 * 1024;

self.onmessage = async (e: MessageEvent<Blob>) => {
  const file = e.data;
  try {
    const h = sha256.create();
    for (let off = 0; off < file.size; off += CHUNK) {
      h.update(new Uint8Array(await file.slice(off, off + CHUNK).arrayBuffer()));
      self.postMessage({ progress: Math.min(1, (off + CHUNK) / file.size) });
    }
    self.postMessage({ digest: h.digest() });
  } catch (err) {
    self.postMessage({ error: (err as Error).message });
  }
};
