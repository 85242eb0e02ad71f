/**
 * The swarm campaign: `npm run swarm -- --seeds 1000` runs seeds 1..1000 (or
 * from --from); `--seed N --verbose` replays one and prints what it does.
 * Exits 1 when any seed breaks an invariant, naming each seed and its replay.
 */
import { describeResult, runSeed, type SwarmResult } from "./run.js";

interface Args {
  seeds: number[];
  verbose: boolean;
  keepGoing: boolean;
}

function parse(argv: string[]): Args {
  let count = 100;
  let from = 1;
  let one: number | null = null;
  let verbose = false;
  let keepGoing = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 0) usage(`${a} needs a whole number`);
      return v;
    };
    if (a === "--seeds") count = num();
    else if (a === "--from") from = num();
    else if (a === "--seed") one = num();
    else if (a === "--verbose" || a === "-v") verbose = true;
    else if (a === "--keep-going") keepGoing = true;
    else usage(`unknown argument ${a}`);
  }
  const seeds = one !== null ? [one] : Array.from({ length: count }, (_, i) => from + i);
  return { seeds, verbose, keepGoing };
}

function usage(problem: string): never {
  console.error(`swarm: ${problem}
usage: npm run swarm -- [--seeds N] [--from S] [--seed N] [--verbose] [--keep-going]
  --seeds N     run N seeds (default 100), starting at --from (default 1)
  --seed N      run only seed N (replay a failure); with --verbose, print every event
  --keep-going  do not stop a run at its first violation`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const t0 = Date.now();
  const failed: SwarmResult[] = [];
  const faults = new Map<string, number>();
  let virtualMs = 0;
  for (const seed of args.seeds) {
    const r = await runSeed(seed, { verbose: args.verbose, keepGoing: args.keepGoing });
    virtualMs += r.virtualMs;
    for (const f of r.faults) faults.set(f, (faults.get(f) ?? 0) + 1);
    if (!r.ok) failed.push(r);
    console.log(describeResult(r));
  }
  const tally = [...faults].map(([f, n]) => `${f} ${n}`).join(", ");
  console.log(
    `\nswarm: ${args.seeds.length} seeds, ${failed.length} failed, ${(virtualMs / 3_600_000).toFixed(1)} h virtual in ${((Date.now() - t0) / 1000).toFixed(0)} s; seeds with each fault: ${tally}`,
  );
  if (failed.length > 0) {
    const kinds = new Map<string, number[]>();
    for (const r of failed)
      for (const k of new Set(r.violations.map((v) => v.kind)))
        kinds.set(k, [...(kinds.get(k) ?? []), r.seed]);
    for (const [k, seeds] of kinds)
      console.log(`  ${k}: seeds ${seeds.slice(0, 20).join(" ")}${seeds.length > 20 ? " ..." : ""}`);
    process.exitCode = 1;
  }
}

void main();
