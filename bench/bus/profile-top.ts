// Top self-time functions of V8 .cpuprofile files (what --cpu-prof writes):
//   node dist/bench/bus/profile-top.js DIR [N]
import { readdirSync, readFileSync } from "node:fs";

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

export function topSelf(p: CpuProfile, n: number): { totalS: number; top: Array<[string, number]> } {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    if (f === undefined) return;
    const where = f.url.replace(/^.*\/(node_modules|dist)\//, "$1/");
    const k = `${f.functionName || "(anonymous)"} ${where}:${f.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + dt);
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { totalS: total / 1e6, top: top.map(([k, t]) => [k, (100 * t) / Math.max(1, total)]) };
}

function main(): void {
  const [dir, count] = process.argv.slice(2);
  if (dir === undefined) return void console.log("usage: node dist/bench/bus/profile-top.js DIR [N]");
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".cpuprofile"))) {
    const r = topSelf(JSON.parse(readFileSync(`${dir}/${f}`, "utf8")) as CpuProfile, Number(count ?? 20));
    console.log(`\n${f}: ${r.totalS.toFixed(1)} s sampled`);
    for (const [k, pct] of r.top) console.log(`${pct.toFixed(1).padStart(5)}%  ${k}`);
  }
}

main();
