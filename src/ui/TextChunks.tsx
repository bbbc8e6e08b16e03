/**
 * Long text panels drawn in chunks the browser skips while they are scrolled out of view. At 500
 * blobs /chosen is ~3,000 lines and the command line ~500: painting every line of them cost each
 * frame of the page about 3 ms, a key move's frame included, although a dozen lines are on screen
 * (`content-visibility: auto` leaves an off-screen chunk out of style, layout and paint). A chunk
 * whose text did not change is not rendered again.
 */
import { memo, type ReactNode } from "react";

/** Lines per chunk: a few screens of a panel. */
export const CHUNK_LINES = 40;

/** `text` cut after every `lines`-th line end that `breakAt` allows (all of them by default). */
export function chunkText(
  text: string,
  lines = CHUNK_LINES,
  breakAt: (offset: number) => boolean = () => true,
): string[] {
  const out: string[] = [];
  let start = 0;
  let count = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
    if (!breakAt(i) || ++count < lines) continue;
    out.push(text.slice(start, i + 1));
    start = i + 1;
    count = 0;
  }
  if (start < text.length || out.length === 0) out.push(text.slice(start));
  return out;
}

export const TextChunk = memo(
  function TextChunk(props: { text: string; render(text: string): ReactNode }) {
    let lines = 1;
    for (let i = props.text.indexOf("\n"); i >= 0; i = props.text.indexOf("\n", i + 1)) lines++;
    return (
      <div style={{ contentVisibility: "auto", containIntrinsicSize: `auto calc(${lines} * 1lh)` }}>
        {props.render(props.text)}
      </div>
    );
  },
  (a, b) => a.text === b.text && a.render === b.render,
);
