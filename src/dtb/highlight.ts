/** Splits DTS text into tokens for highlighting (node names, property names, strings, cells). Pure. */
export type Token = {
  readonly kind: "node" | "prop" | "str" | "num" | "punct" | "text";
  readonly text: string;
};

const RE =
  /("(?:[^"\\]|\\.)*")|(<[^>]*>|\[[^\]]*\])|([A-Za-z0-9,._+#?@-]+)(?=\s*\{)|([A-Za-z0-9,._+#?-]+)(?=\s*[=;])|([{};=/])/g;

export function highlightDts(text: string): Token[] {
  const out: Token[] = [];
  let last = 0;
  for (const m of text.matchAll(RE)) {
    if (m.index > last) out.push({ kind: "text", text: text.slice(last, m.index) });
    const kind = m[1] ? "str" : m[2] ? "num" : m[3] ? "node" : m[4] ? "prop" : "punct";
    out.push({ kind, text: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ kind: "text", text: text.slice(last) });
  return out;
}
