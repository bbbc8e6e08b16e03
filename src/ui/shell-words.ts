/**
 * A shell command as printed (the core's formatCommand) cut into runs that may not be broken —
 * each argument with its quotes — and the white space between them, so the command line panel
 * wraps between arguments, never inside `addr=0x42000000`. Joined, the runs are the text again.
 */
export function shellRuns(text: string): { text: string; space: boolean }[] {
  const runs: { text: string; space: boolean }[] = [];
  let cur = "";
  let space = false;
  let quote: "'" | '"' | "$'" | undefined;
  const flush = () => {
    if (cur !== "") runs.push({ text: cur, space });
    cur = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === undefined) {
      const isSpace = ch === " " || ch === "\n" || ch === "\t";
      if (isSpace !== space) {
        flush();
        space = isSpace;
      }
      cur += ch;
      if (ch === "\\" && i + 1 < text.length && text[i + 1] !== "\n") cur += text[++i];
      else if (ch === "'") quote = text[i - 1] === "$" ? "$'" : "'";
      else if (ch === '"') quote = '"';
    } else {
      cur += ch;
      // Inside $'…' and "…" a backslash escapes the next character; inside '…' nothing does.
      if (ch === "\\" && quote !== "'" && i + 1 < text.length) cur += text[++i];
      else if ((ch === "'" && quote !== '"') || (ch === '"' && quote === '"')) quote = undefined;
    }
  }
  flush();
  return runs;
}
