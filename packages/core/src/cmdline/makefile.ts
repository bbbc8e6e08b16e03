/**
 * A pasted Makefile (or the part of one with a `run:` target): its QEMU recipe as shell text.
 * Make expands `$(NAME)`/`${NAME}` itself before the shell sees the recipe, turns `$$` into `$`,
 * drops the recipe prefixes `@`, `-`, `+` and joins `\`-continued recipe lines. Make variables
 * set in the paste are expanded here; one that is not set becomes a shell `${NAME}`, so it can be
 * given like any other variable; make functions (`$(shell …)`, `$(wildcard …)`) become `$(…)`
 * that the importer refuses to run.
 */

export interface MakefileRecipe {
  /** The recipe as a shell script. */
  readonly shell: string;
  /** What was read, for the user. */
  readonly note: string;
}

const ASSIGN = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)[ \t]*(:=|::=|\?=|\+=|=)[ \t]*(.*)$/;
const RULE = /^([A-Za-z0-9_.%/$()-]+(?:[ \t]+[A-Za-z0-9_.%/$()-]+)*)[ \t]*::?(?!=)(.*)$/;

/** The recipe that runs QEMU, when `text` is a Makefile (a rule line, recipe lines with a tab). */
export function fromMakefile(text: string): MakefileRecipe | undefined {
  const lines = text.split(/\r?\n/);
  // A recipe copied alone: every line tab-indented (how make requires recipes, and shells never do
  // for a whole paste), QEMU on one of them.
  const body = lines.filter((l) => l.trim() !== "");
  if (
    body.length > 0 &&
    body.every((l) => l.startsWith("\t")) &&
    body.some((l) => /qemu-system-|\$\(/.test(l))
  ) {
    const recipe: string[] = [];
    for (let k = 0; k < lines.length; k++) {
      let l = lines[k]!;
      if (!l.startsWith("\t")) continue;
      while (/\\$/.test(l) && k + 1 < lines.length) l = `${l}\n${lines[++k]!.replace(/^\t/, "")}`;
      recipe.push(expand(l.slice(1).replace(/^[@+-]+/, ""), new Map(), 0, /^[A-Z_][A-Z0-9_]*$/));
    }
    return {
      shell: recipe.join("\n"),
      note: "read a Makefile recipe: its make variables ($(NAME)) are asked for like shell variables",
    };
  }
  // A rule line right before a tab-indented recipe line: a shell script has no such pair.
  if (!lines.some((l, k) => RULE.test(l) && lines[k + 1]?.startsWith("\t"))) return undefined;
  const vars = new Map<string, string>();
  const recipes: { target: string; lines: string[] }[] = [];
  let current: { target: string; lines: string[] } | undefined;
  for (let k = 0; k < lines.length; k++) {
    let l = lines[k]!;
    if (l.startsWith("\t") && current) {
      // Make hands `\`-newline to the shell as is; the next recipe line's tab is dropped.
      while (/\\$/.test(l) && k + 1 < lines.length) l = `${l}\n${lines[++k]!.replace(/^\t/, "")}`;
      current.lines.push(l.slice(1).replace(/^[@+-]+/, ""));
      continue;
    }
    while (/\\$/.test(l) && k + 1 < lines.length) l = `${l.slice(0, -1)} ${lines[++k]!.trim()}`;
    if (/^[ \t]*(#|$)/.test(l)) continue;
    const a = ASSIGN.exec(l);
    if (a) {
      const [, name, op, value] = a;
      if (op === "?=" && vars.has(name!)) continue;
      vars.set(name!, op === "+=" && vars.has(name!) ? `${vars.get(name!)} ${value}` : value!);
      current = undefined;
      continue;
    }
    const r = RULE.exec(l);
    if (r) {
      current = { target: r[1]!.trim(), lines: [] };
      recipes.push(current);
    } else current = undefined;
  }
  const expanded = recipes.map((r) => ({ ...r, shell: r.lines.map((l) => expand(l, vars, 0)).join("\n") }));
  const qemu = expanded.find((r) => /qemu-system-/.test(r.shell)) ?? expanded.find((r) => r.shell.trim());
  if (!qemu) return undefined;
  return {
    shell: qemu.shell,
    note: `read the recipe of the Makefile target '${qemu.target}' (make variables expanded; other targets and make's own lines left out)`,
  };
}

/**
 * Make's expansion of one recipe line (recursive variables, to a sane depth). Without the rule
 * around it, only `$(UPPER_CASE)` is taken for a make variable: `$(pwd)` in a tab-indented shell
 * paste stays a command substitution, which the importer refuses to run.
 */
function expand(
  s: string,
  vars: ReadonlyMap<string, string>,
  depth: number,
  names = /^[A-Za-z_][A-Za-z0-9_]*$/,
): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "$") {
      out += c;
      continue;
    }
    const n = s[i + 1];
    if (n === "$") {
      out += "$";
      i++;
    } else if (n === "(" || n === "{") {
      const close = n === "(" ? ")" : "}";
      let depthP = 0;
      let j = i + 2;
      for (; j < s.length; j++) {
        if (s[j] === n) depthP++;
        else if (s[j] === close) {
          if (depthP === 0) break;
          depthP--;
        }
      }
      const inner = s.slice(i + 2, j);
      if (names.test(inner)) {
        const v = vars.get(inner);
        out += v !== undefined && depth < 16 ? expand(v, vars, depth + 1, names) : `\${${inner}}`;
      } else out += `$(${inner})`;
      i = j;
    } else if (n !== undefined && names.test(n)) {
      // `$X` in make is the one-letter variable X.
      const v = vars.get(n);
      out += v !== undefined && depth < 16 ? expand(v, vars, depth + 1, names) : `\${${n}}`;
      i++;
    } else out += c;
  }
  return out;
}
