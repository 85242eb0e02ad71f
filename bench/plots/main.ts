// Draws docs/plots/*.svg from the benchmark results kept in docs/bench-data/*.json.
//   npm run build && node dist/bench/plots/main.js [--data docs/bench-data] [--out docs/plots]
// Each file is recognised by its shape (the JSON each benchmark program writes with --json); the
// same functions draw a program's own plots when it is run with --plots DIR.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { plotsOf } from "./plots-of.js";
import { writePlots } from "./write.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function main(): void {
  const { values } = parseArgs({
    options: { data: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help === true) {
    console.log(
      "usage: node dist/bench/plots/main.js [--data DIR (docs/bench-data)] [--out DIR (docs/plots)]",
    );
    return;
  }
  const data = resolve(ROOT, values.data ?? "docs/bench-data");
  const out = resolve(ROOT, values.out ?? "docs/plots");
  if (!existsSync(data)) return void console.error(`plots: no ${relative(ROOT, data)}, nothing to draw`);
  const seen = new Map<string, string>();
  for (const f of readdirSync(data)
    .filter((x) => x.endsWith(".json"))
    .sort()) {
    const path = join(data, f);
    const plots = plotsOf(JSON.parse(readFileSync(path, "utf8")), relative(ROOT, path));
    if (plots.length === 0) console.error(`plots: ${f}: not a known benchmark result, skipped`);
    for (const p of plots) {
      if (seen.has(p.name)) throw new Error(`${f} and ${seen.get(p.name)} both draw ${p.name}`);
      seen.set(p.name, f);
    }
    writePlots(out, plots, (m) => console.error(m.replace(ROOT, "")));
  }
  console.error(`plots: ${seen.size} drawn from ${relative(ROOT, data)} into ${relative(ROOT, out)}`);
}

main();
