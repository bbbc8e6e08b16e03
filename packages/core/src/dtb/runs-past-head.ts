/**
 * A probe of a file's first bytes, on its own: the app's file store asks it of every file it
 * reads, and must not load the DTB codec (user-dtb.ts) to do so.
 */

/**
 * Whether `head` (a file's first bytes) starts a DTB whose blocks run past it: decodeDtbHead cannot
 * read its /chosen, so an adapter that keeps only heads reads the whole file for it
 * ({@link chosenPartOfDtb}). False for anything else, a padded DTB (QEMU's 1 MiB dumps) included.
 */
export function dtbRunsPastHead(head: Uint8Array): boolean {
  if (head.length < 40) return false;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (dv.getUint32(0) !== 0xd00dfeed || dv.getUint32(4) <= head.length) return false;
  const blocksEnd = Math.max(
    dv.getUint32(8) + dv.getUint32(36),
    dv.getUint32(12) + dv.getUint32(32),
    dv.getUint32(16) + 16,
  );
  return blocksEnd > head.length;
}
