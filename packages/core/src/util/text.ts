/**
 * UTF-8 and Latin-1 text codecs. TextEncoder/TextDecoder exist in every runtime the core targets
 * (browsers, Node ≥ 11) but belong to the DOM lib, which the core's tsconfig leaves out on purpose:
 * this is the one place that reaches for them.
 */
interface TextEncoderLike {
  encode(input: string): Uint8Array;
}
interface TextDecoderLike {
  decode(input: Uint8Array): string;
}
const g = globalThis as unknown as {
  TextEncoder: new () => TextEncoderLike;
  TextDecoder: new (label?: string, options?: { fatal?: boolean }) => TextDecoderLike;
};

const encoder = new g.TextEncoder();
const utf8 = new g.TextDecoder("utf-8");
const utf8Strict = new g.TextDecoder("utf-8", { fatal: true });

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8, replacing invalid sequences with U+FFFD. */
export function decodeUtf8(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** Decodes UTF-8, or returns undefined when the bytes are not valid UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string | undefined {
  try {
    return utf8Strict.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * One char per byte (U+0000–U+00FF): for fixed-width binary header fields. Not TextDecoder("latin1"),
 * which is windows-1252 and remaps 0x80–0x9f.
 */
export function decodeLatin1(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
