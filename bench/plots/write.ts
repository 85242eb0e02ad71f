// Writes plots into a directory: what `--plots DIR` of every benchmark program and
// bench/plots/main.ts call. A file is rewritten only when its content changes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Plot } from "./source.js";

export function writePlots(
  dir: string,
  plots: readonly Plot[],
  log: (m: string) => void = console.error,
): void {
  mkdirSync(dir, { recursive: true });
  for (const p of plots) {
    const path = join(dir, p.name);
    if (existsSync(path) && readFileSync(path, "utf8") === p.svg) continue;
    writeFileSync(path, p.svg);
    log(`plot: ${path}`);
  }
}
