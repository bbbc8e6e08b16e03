import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chunkText } from "./TextChunks";

describe("chunkText", () => {
  it("gives the text back when joined, cut only after allowed line ends, every `lines` of them", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "b", " ", "\n", "'"), { maxLength: 300 }),
        fc.integer({ min: 1, max: 7 }),
        (chars, lines) => {
          const text = chars.join("");
          const allowed = (i: number) => i % 3 !== 0;
          const chunks = chunkText(text, lines, allowed);
          expect(chunks.join("")).toBe(text);
          let at = 0;
          for (const c of chunks.slice(0, -1)) {
            at += c.length;
            expect(text[at - 1]).toBe("\n");
            expect(allowed(at - 1)).toBe(true);
            const breaks = [...c].filter((ch, i) => ch === "\n" && allowed(at - c.length + i)).length;
            expect(breaks).toBe(lines);
          }
        },
      ),
    );
  });
});
