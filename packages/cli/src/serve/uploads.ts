/**
 * A `POST /verify` body: multipart/form-data with one `layout` field (the layout JSON) and, for
 * files the user uploads, one `file` part each whose filename is the blob's path in the layout
 * (a lookup key only: it never becomes a path here). Parts are streamed to numbered files in the
 * request's own folder; the whole body is capped, and a body past the cap is cut off there.
 */
import { createWriteStream } from "node:fs";
import type { IncomingMessage } from "node:http";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";

export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ParsedUpload {
  readonly fields: Readonly<Record<string, string>>;
  /** Layout path → the uploaded file in `dir`. */
  readonly files: ReadonlyMap<string, string>;
}

const MAX_FIELD = 4 << 20;
const MAX_FILES = 64;

export function parseUpload(req: IncomingMessage, dir: string, maxBody: number): Promise<ParsedUpload> {
  return new Promise((resolve, reject) => {
    const type = req.headers["content-type"] ?? "";
    if (!type.startsWith("multipart/form-data")) {
      reject(new UploadError(415, "bad-content-type", "send the layout and files as multipart/form-data"));
      return;
    }
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        // The filename is only a key into the layout's paths: keep it whole, never use it as a path.
        preservePath: true,
        limits: {
          fieldSize: MAX_FIELD,
          fields: 8,
          files: MAX_FILES,
          parts: MAX_FILES + 8,
          fileSize: maxBody,
        },
      });
    } catch (e) {
      reject(new UploadError(400, "bad-multipart", `cannot read the form: ${(e as Error).message}`));
      return;
    }
    const fields: Record<string, string> = {};
    const files = new Map<string, string>();
    const writes: Promise<void>[] = [];
    let failed = false;
    let received = 0;
    const fail = (e: UploadError) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      reject(e);
    };
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBody)
        fail(
          new UploadError(
            413,
            "too-large",
            `the request passed the companion's limit of ${maxBody} bytes (--max-body)`,
          ),
        );
    });
    bb.on("field", (name, value, info) => {
      if (info.valueTruncated)
        fail(new UploadError(413, "too-large", `form field '${name}' is larger than ${MAX_FIELD} bytes`));
      else fields[name] = value;
    });
    bb.on("file", (name, stream, info) => {
      const key = info.filename ?? "";
      if (name !== "file" || failed || key === "" || files.has(key)) {
        stream.resume();
        if (name === "file" && (key === "" || files.has(key)))
          fail(
            new UploadError(
              400,
              key === "" ? "no-filename" : "duplicate-file",
              key === "" ? "a file part has no filename (the layout's path)" : `file '${key}' was sent twice`,
            ),
          );
        return;
      }
      const dest = join(dir, `u${files.size + 1}`);
      files.set(key, dest);
      stream.on("limit", () =>
        fail(new UploadError(413, "too-large", `file '${key}' is larger than ${maxBody} bytes`)),
      );
      writes.push(
        pipeline(stream, createWriteStream(dest)).catch((e: Error) =>
          fail(new UploadError(400, "upload", e.message)),
        ),
      );
    });
    bb.on("filesLimit", () => fail(new UploadError(413, "too-many-files", `more than ${MAX_FILES} files`)));
    bb.on("error", (e: Error) =>
      fail(new UploadError(400, "bad-multipart", `cannot read the form: ${e.message}`)),
    );
    bb.on("close", () => {
      void Promise.all(writes).then(() => {
        if (!failed) resolve({ fields, files });
      });
    });
    req.on("close", () => {
      if (!req.complete) fail(new UploadError(400, "aborted", "the request was cut off"));
    });
    req.pipe(bb);
  });
}
