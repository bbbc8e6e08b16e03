/**
 * A layout in a URL hash (`#layout=` + base64url of its JSON), as share links carry it. Decoding
 * is a pure function so the app and the fuzzers test the same code; anything wrong with the text
 * is a `LayoutFileError`, never another exception.
 */
import { decodeUtf8Strict, encodeUtf8 } from "../util/text.js";
import { LayoutFileError, parseLayoutJson, serializeLayout } from "./layout-file.js";
import type { Layout } from "./types.js";

export const SHARE_LINK_PREFIX = "#layout=";
/** Longest hash accepted: far above any real layout (heads trimmed), far below what hurts. */
export const MAX_SHARE_LINK_CHARS = 8 * 1024 * 1024;

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUE = new Map([...B64URL].map((c, i) => [c, i]));

function toBase64Url(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64URL[(n >> 18) & 63]! + B64URL[(n >> 12) & 63]!;
    if (i + 1 < bytes.length) out += B64URL[(n >> 6) & 63]!;
    if (i + 2 < bytes.length) out += B64URL[n & 63]!;
  }
  return out;
}

/** Bytes of unpadded base64url text, or undefined when it is not such text. */
function fromBase64Url(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = text[i + k];
      const v = c === undefined ? 0 : VALUE.get(c);
      if (v === undefined) return undefined;
      n = (n << 6) | v;
    }
    for (const shift of [16, 8, 0]) if (o < out.length) out[o++] = (n >> shift) & 255;
  }
  return out;
}

/** The `#layout=…` hash for `layout` (pass it with heads already trimmed to what a link should carry). */
export function encodeShareLink(layout: Layout): string {
  const json = JSON.stringify(JSON.parse(serializeLayout(layout, { withHeads: true })));
  return `${SHARE_LINK_PREFIX}${toBase64Url(encodeUtf8(json))}`;
}

const bad = (message: string) =>
  new LayoutFileError([{ code: "bad-link", severity: "error", where: "", message }], "the shared link");

/**
 * The layout in a URL hash; `undefined` when the hash is not a layout link at all.
 *
 * @throws LayoutFileError a damaged link (not base64url, not UTF-8, too long) or a bad layout
 */
export function decodeShareLink(hash: string): Layout | undefined {
  if (!hash.startsWith(SHARE_LINK_PREFIX)) return undefined;
  const body = hash.slice(SHARE_LINK_PREFIX.length);
  if (body.length > MAX_SHARE_LINK_CHARS)
    throw bad(
      `the link holds ${body.length} characters, more than the ${MAX_SHARE_LINK_CHARS} a layout needs; it is not a guestmap link`,
    );
  const bytes = fromBase64Url(body);
  if (!bytes)
    throw bad(
      "the text after #layout= is not base64url (A–Z, a–z, 0–9, - and _); the link was cut or altered, ask for it again",
    );
  const text = decodeUtf8Strict(bytes);
  if (text === undefined)
    throw bad("the link's bytes are not UTF-8 text; the link was cut or altered, ask for it again");
  return parseLayoutJson(text, "the shared layout");
}
