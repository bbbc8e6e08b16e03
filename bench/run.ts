/**
 * `npm run bench [NAME...] [--write]`: runs every registered bench in its own Node process (so
 * heap and RSS numbers are not shared), then prints the table of every row the benches reported
 * (bench/harness.ts `reportRow`) and which targets were missed. NAME filters by file name.
 * `--write` records the rows of the benches that ran in bench/results.json (the other benches'
 * rows stay as they were) and rewrites the table in BENCHMARKS.md, between its `bench:table`
 * markers, from that file.
 *
 * To add a bench: write bench/NAME.bench.ts (a script that measures, calls `reportRow` for each
 * row and sets a non-zero exit code on a miss) and add ONE line to BENCHES below.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Row } from "./harness.js";

/** Every bench, one line each (path relative to bench/), in the order they run. */
const BENCHES = [
  "dts.bench.ts", // DTB → DTS vs dtc (CLI end to end and in-process)
  "check.bench.ts", // check() at 1k … 100k regions vs a naive pairwise check
  "image-raw.bench.ts", // raw memory image vs truncate + dd
  "image-ihex.bench.ts", // Intel HEX vs objcopy -O ihex
  "cli-scale.bench.ts", // the CLI at 1k / 10k / 100k modules
  "cold-start.bench.ts", // the packed CLI's cold start vs node -e 0 (dist)
  "first-paint.bench.ts", // the app's first paint and initial JS (dist)
  "app.bench.ts", // arrow-key move and drag frame times at 2…500 blobs (mapperf)
  "add-files.bench.ts", // add 200 files in the app (harden2)
  "dtb.bench.ts", // /chosen builder per drag frame
  "fdt.bench.ts", // FDT codec
  "image.bench.ts", // image writer memory at a 4 GiB span
  "pack.bench.ts", // pack / fixAll vs ImageBuilder's rule
  "persist.bench.ts", // the app's per-edit journal
];

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..");
const args = process.argv.slice(2);
const write = args.includes("--write");
const only = args.filter((a) => !a.startsWith("--"));

// A bench file nobody registered would silently never run: refuse that.
function benchFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() && e.name !== "node_modules"
      ? benchFiles(join(dir, e.name))
      : e.name.endsWith(".bench.ts")
        ? [relative(here, join(dir, e.name))]
        : [],
  );
}
const unregistered = benchFiles(here).filter((f) => !BENCHES.includes(f));
const missing = BENCHES.filter((f) => !benchFiles(here).includes(f));
if (unregistered.length || missing.length) {
  for (const f of unregistered)
    console.error(`bench/${f} is not registered: add a line to BENCHES in bench/run.ts`);
  for (const f of missing) console.error(`bench/run.ts registers bench/${f}, which does not exist`);
  process.exit(2);
}

const selected = BENCHES.filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
// The CLI rows time the bundle users install (bench/harness.ts cliMain): build it from the
// current sources, never time a stale one.
if (spawnSync(process.execPath, [join(repo, "scripts/bundle-cli.mjs")], { stdio: "inherit" }).status !== 0) {
  console.error("cannot build the CLI bundle (scripts/bundle-cli.mjs)");
  process.exit(2);
}
const scratch = mkdtempSync(join(tmpdir(), "guestmap-bench-"));
const rowsFile = join(scratch, "rows.jsonl");
writeFileSync(rowsFile, "");
const failed: string[] = [];
try {
  for (const f of selected) {
    process.stdout.write(`\n=== ${f} ===\n`);
    const r = spawnSync(
      process.execPath,
      ["--expose-gc", "--conditions=source", "--import", "tsx", join(here, f)],
      {
        stdio: "inherit",
        cwd: repo,
        env: { ...process.env, GUESTMAP_BENCH_ROWS: rowsFile, GUESTMAP_BENCH_FILE: f },
      },
    );
    if (r.status !== 0) failed.push(f);
  }
  const rows = readFileSync(rowsFile, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row & { bench: string });
  process.stdout.write(`\n${markdownTable(rows)}\n`);
  if (write) record(rows);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.stdout.write(
  `\n${selected.length - failed.length} of ${selected.length} benches met their targets${failed.length ? `; missed: ${failed.join(", ")}` : ""}\n`,
);
process.exitCode = failed.length ? 1 : 0;

function markdownTable(rows: readonly Row[]): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const lines = [
    "| what | anchor | guestmap | anchor's | ratio | target | met |",
    "|---|---|---|---|---|---|---|",
    ...rows
      .map((r) =>
        [
          r.what,
          r.anchor,
          r.guestmap,
          r.anchorValue ?? "—",
          r.ratio === undefined ? "—" : `${r.ratio.toFixed(2)}×`,
          r.target,
          r.met === undefined ? "—" : r.met ? "yes" : "**no**",
        ]
          .map(cell)
          .join(" | "),
      )
      .map((l) => `| ${l} |`),
  ];
  return lines.join("\n");
}

/** Stores this run's rows in bench/results.json (per bench) and rewrites BENCHMARKS.md's table. */
function record(rows: readonly (Row & { bench: string })[]): void {
  const resultsFile = join(here, "results.json");
  let saved: Record<string, { ran: string; rows: Row[] }> = {};
  try {
    saved = JSON.parse(readFileSync(resultsFile, "utf8"));
  } catch {
    // First run, or a file someone broke: start afresh.
  }
  const ran = new Date().toISOString().slice(0, 16).replace("T", " ");
  for (const f of selected) {
    const mine = rows.filter((r) => r.bench === f).map(({ bench: _, ...r }) => r);
    if (mine.length) saved[f] = { ran, rows: mine };
  }
  const ordered = Object.fromEntries(BENCHES.filter((f) => saved[f]).map((f) => [f, saved[f]!]));
  writeFileSync(resultsFile, `${JSON.stringify(ordered, null, 2)}\n`);
  const all = BENCHES.flatMap((f) => saved[f]?.rows ?? []);
  const runs = [...new Set(Object.values(ordered).map((s) => s.ran))].sort();
  const stamp = `Rows from \`npm run bench -- --write\` runs at ${runs.join(", ")} UTC (bench/results.json).`;
  const file = join(repo, "BENCHMARKS.md");
  const text = readFileSync(file, "utf8");
  const start = "<!-- bench:table -->";
  const end = "<!-- /bench:table -->";
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) {
    console.error(`BENCHMARKS.md has no ${start} … ${end} markers: table not written`);
    return;
  }
  writeFileSync(
    file,
    `${text.slice(0, a + start.length)}\n${stamp}\n\n${markdownTable(all)}\n${text.slice(b)}`,
  );
  // Aligned as the lint (Biome) formats Markdown, so a written table is committed as it is.
  spawnSync(
    process.execPath,
    [join(repo, "node_modules/@biomejs/biome/bin/biome"), "format", "--write", file],
    {
      stdio: "ignore",
    },
  );
  console.log("bench/results.json and BENCHMARKS.md's table written");
}
