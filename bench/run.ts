/**
 * `npm run bench`: runs every bench/*.bench.ts in its own Node process (so heap and RSS numbers
 * are not shared) and reports which stated targets were missed. Each bench prints its numbers
 * and exits non-zero when a target is missed.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const failed: string[] = [];
for (const f of benches) {
  process.stdout.write(`\n=== ${f} ===\n`);
  const r = spawnSync(
    process.execPath,
    ["--expose-gc", "--conditions=source", "--import", "tsx", join(here, f)],
    {
      stdio: "inherit",
    },
  );
  if (r.status !== 0) failed.push(f);
}
process.stdout.write(
  `\n${benches.length - failed.length} of ${benches.length} benches met their targets${failed.length ? `; missed: ${failed.join(", ")}` : ""}\n`,
);
process.exitCode = failed.length ? 1 : 0;
