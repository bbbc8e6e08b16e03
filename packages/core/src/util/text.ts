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

/**
 * Characters a terminal acts on rather than shows: C0 controls but tab and newline, DEL, C1
 * controls, and the bidirectional overrides/isolates/marks that reorder what is displayed (a
 * U+202E in a file name can make a diagnostic read backwards).
 */
export const TERMINAL_UNSAFE =
  /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const TERMINAL_UNSAFE_ALL = new RegExp(TERMINAL_UNSAFE.source, "g");

/**
 * `text` safe to print on a terminal: each `TERMINAL_UNSAFE` character as `\uXXXX` (visible, and
 * the same value where the text is JSON).
 */
export function escapeTerminal(text: string): string {
  return text.replace(TERMINAL_UNSAFE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Whether `bytes` are printable ASCII, tab and newline only: text a terminal shows as it is, so a
 * writer may send the bytes without {@link escapeTerminal}.
 */
export function isTerminalSafeAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a) || c > 0x7e) return false;
  }
  return true;
}
