/**
 * Bytes intact? The file a blob was loaded from against the guest RAM QEMU holds at reset
 * (`pmemsave` of the blob's range), compared in chunks so neither side has to be in memory whole.
 */

/** What a comparison found: nothing, or where the bytes first differ and how many differ. */
export interface ByteDiff {
  /** Bytes compared so far. */
  readonly compared: bigint;
  /** Bytes that differ. */
  readonly differing: bigint;
  /** Offset (from the blob's start) of the first differing byte. */
  readonly firstDiff?: bigint;
  /** Offset of the last differing byte. */
  readonly lastDiff?: bigint;
}

export const NO_DIFF: ByteDiff = { compared: 0n, differing: 0n };

/**
 * Folds one pair of equally long chunks (expected = the file, actual = RAM) into `diff`.
 *
 * @throws RangeError when the chunks differ in length (the caller must align them)
 */
export function addChunkDiff(diff: ByteDiff, expected: Uint8Array, actual: Uint8Array): ByteDiff {
  if (expected.length !== actual.length)
    throw new RangeError(`chunks of ${expected.length} and ${actual.length} bytes cannot be compared`);
  let differing = 0;
  let first = -1;
  let last = -1;
  for (let i = 0; i < expected.length; i++) {
    if (expected[i] !== actual[i]) {
      differing++;
      if (first < 0) first = i;
      last = i;
    }
  }
  const at = diff.compared;
  return {
    compared: at + BigInt(expected.length),
    differing: diff.differing + BigInt(differing),
    ...((diff.firstDiff !== undefined || first >= 0) && {
      firstDiff: diff.firstDiff ?? at + BigInt(first),
    }),
    ...((diff.lastDiff !== undefined || last >= 0) && {
      lastDiff: last >= 0 ? at + BigInt(last) : diff.lastDiff,
    }),
  };
}
