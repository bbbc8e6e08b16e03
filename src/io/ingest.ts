/**
 * Reading many dropped or opened files at once: a bounded pool (a few files in flight, and a
 * bounded number of bytes in memory), progress, and cancel. Starting every read at once
 * (`Promise.all(files.map(storeFile))`) held all the bytes of a 20,000-file drop in memory at
 * once and opened as many reads and IndexedDB transactions as there were files; in a pool, memory
 * and open reads stay bounded by what is in flight, and the page keeps painting between files.
 */
import { create } from "zustand";
import { HASH_CHUNK } from "./content-hash";
import { type StoredFile, storeFile } from "./file-store";

/** Files read at the same time: enough to overlap hashing with IndexedDB writes, few enough to keep memory low. */
export const READS_IN_FLIGHT = 4;
/**
 * Bytes in memory at once (a file up to HASH_CHUNK is read whole for crypto.subtle; a bigger one
 * is hashed in a worker chunk by chunk, so it counts as one chunk). One file always goes ahead.
 */
export const BYTES_IN_FLIGHT = 256 * 1024 * 1024;

/** How far a read of many files has got, for the progress bar. */
export interface IngestProgress {
  readonly done: number;
  readonly total: number;
  readonly bytesDone: bigint;
  readonly bytesTotal: bigint;
}

/** The read under way (one at a time: a second drop waits in react-query's mutation). */
interface IngestState {
  readonly progress: IngestProgress | undefined;
  readonly controller: AbortController | undefined;
}

/** A store of its own: progress changes once per file and must not re-render the map. */
export const useIngest = create<IngestState>(() => ({ progress: undefined, controller: undefined }));

/** Stops the read under way; the files already read are not added (the layout stays as it was). */
export function cancelIngest(): void {
  useIngest.getState().controller?.abort();
}

/** Thrown when the user cancels: nothing was added. */
export class IngestCancelled extends Error {
  constructor(done: number, total: number) {
    super(`Stopped after reading ${done} of ${total} file(s): nothing was added, the layout is as it was.`);
    this.name = "IngestCancelled";
  }
}

const inMemory = (f: File) => Math.min(f.size, HASH_CHUNK);

/**
 * Reads, hashes and keeps `files` (file-store's storeFile) through the bounded pool, in their
 * order, publishing progress in `useIngest`. Rejects with IngestCancelled on cancel, and with
 * the file's name and the browser's reason when a file cannot be read (then nothing is added).
 */
export async function storeFiles(
  files: readonly File[],
  read: (f: File, signal: AbortSignal) => Promise<StoredFile> = storeFile,
): Promise<StoredFile[]> {
  const controller = new AbortController();
  const bytesTotal = files.reduce((a, f) => a + BigInt(f.size), 0n);
  let done = 0;
  let bytesDone = 0n;
  useIngest.setState({ controller, progress: { done, total: files.length, bytesDone, bytesTotal } });
  const out: StoredFile[] = new Array(files.length);
  let next = 0;
  let inFlight = 0;
  let bytes = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const pump = () => {
        // Reads in flight finish in the background; their results are dropped.
        if (controller.signal.aborted) return reject(new IngestCancelled(done, files.length));
        if (done === files.length) return resolve();
        while (
          next < files.length &&
          inFlight < READS_IN_FLIGHT &&
          (inFlight === 0 || bytes + inMemory(files[next]!) <= BYTES_IN_FLIGHT)
        ) {
          const i = next++;
          const file = files[i]!;
          inFlight++;
          bytes += inMemory(file);
          read(file, controller.signal).then(
            (stored) => {
              out[i] = stored;
              inFlight--;
              bytes -= inMemory(file);
              done++;
              bytesDone += BigInt(file.size);
              useIngest.setState({ progress: { done, total: files.length, bytesDone, bytesTotal } });
              pump();
            },
            (e: unknown) => {
              reject(new Error(`${file.name}: ${(e as Error | undefined)?.message ?? String(e)}`));
              controller.abort(); // start no more reads
            },
          );
        }
      };
      controller.signal.addEventListener("abort", pump);
      pump();
    });
    return out;
  } finally {
    useIngest.setState({ controller: undefined, progress: undefined });
  }
}
