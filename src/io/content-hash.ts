/**
 * A file's content hash with crypto.subtle, in bounded memory: SHA-256 of each 8 MiB chunk, and
 * for a file of more than one chunk the SHA-256 of those digests (subtle has no streaming digest,
 * and a 1 GiB kernel must not be read into one buffer). Two files hash alike only if every byte is
 * alike, which is what keys their bytes in IndexedDB.
 */

export const HASH_CHUNK = 8 * 1024 * 1024;

function toHex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function contentHash(file: Blob, chunk = HASH_CHUNK): Promise<string> {
  if (file.size <= chunk) return toHex(await crypto.subtle.digest("SHA-256", await file.arrayBuffer()));
  const digests = new Uint8Array(Math.ceil(file.size / chunk) * 32);
  for (let i = 0, off = 0; off < file.size; i++, off += chunk) {
    const d = await crypto.subtle.digest("SHA-256", await file.slice(off, off + chunk).arrayBuffer());
    digests.set(new Uint8Array(d), i * 32);
  }
  return `tree-${toHex(await crypto.subtle.digest("SHA-256", digests))}`;
}
