// RSS of real agent processes: one idle agent, and every agent of an idle
// loopback cluster, read from /proc after they idled.
import { execFile } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { Agent } from "./agent-process.js";
import type { Row } from "./report.js";
import { max, median } from "./stats.js";

export interface RssOptions {
  root: string;
  idleMs: number;
  /** Agents in the loopback cluster; 0 skips it. */
  clusterSize: number;
  log: (line: string) => void;
}

export interface RssRun {
  agents: number;
  rssBytes: number[];
  hwmBytes: number[];
  /** Members the last agent lists alive (null = could not ask). */
  aliveSeen: number | null;
  wallMs: number;
}

const GOAL_MB = 80;
const MB = 2 ** 20;

async function aliveSeen(root: string, grpc: string): Promise<number | null> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["bin/hearsay.js", "members", "--json", "--agent", grpc],
      { cwd: root, timeout: 15_000 },
    );
    const members = JSON.parse(stdout) as Array<{ status: string }>;
    return members.filter((m) => m.status === "alive").length;
  } catch {
    return null;
  }
}

async function measure(o: RssOptions, size: number): Promise<RssRun> {
  const t0 = Date.now();
  const agents: Agent[] = [];
  try {
    const first = new Agent(o.root, "m1", null, 30_000);
    agents.push(first);
    const seed = await first.ready;
    for (let i = 2; i <= size; i++) agents.push(new Agent(o.root, `m${i}`, seed.gossip, 30_000));
    const ready = await Promise.all(agents.map((a) => a.ready));
    await sleep(o.idleMs);
    const mem = agents.map((a) => a.rss());
    const seen =
      size > 1 ? await aliveSeen(o.root, (ready[ready.length - 1] as { grpc: string }).grpc) : null;
    return {
      agents: size,
      rssBytes: mem.map((m) => m.rss),
      hwmBytes: mem.map((m) => m.hwm),
      aliveSeen: seen,
      wallMs: Date.now() - t0,
    };
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
  }
}

export async function runRss(o: RssOptions): Promise<{ rows: Row[]; runs: RssRun[] }> {
  const sizes = o.clusterSize > 1 ? [1, o.clusterSize] : [1];
  const runs: RssRun[] = [];
  const rows: Row[] = [];
  for (const size of sizes) {
    const r = await measure(o, size);
    runs.push(r);
    const mb = r.rssBytes.map((b) => b / MB);
    o.log(
      `rss ${size} agent(s): median ${median(mb).toFixed(1)} MiB, max ${max(mb).toFixed(1)} MiB, peak ${(max(r.hwmBytes) / MB).toFixed(1)} MiB (${r.wallMs} ms wall)`,
    );
    const kase =
      size === 1
        ? `1 idle agent, ${o.idleMs / 1000} s`
        : `${size}-agent loopback cluster, idle ${o.idleMs / 1000} s`;
    const base = {
      bench: "rss",
      case: kase,
      unit: "MiB",
      anchor: GOAL_MB,
      anchorName: "goal",
      samples: size,
    };
    const seen =
      r.aliveSeen === null
        ? size > 1
          ? "membership not verified"
          : undefined
        : `last agent lists ${r.aliveSeen}/${size} alive`;
    rows.push(
      { ...base, metric: size === 1 ? "VmRSS" : "VmRSS median", value: median(mb), note: seen },
      {
        ...base,
        metric: size === 1 ? "VmHWM (peak)" : "VmRSS max",
        value: size === 1 ? max(r.hwmBytes) / MB : max(mb),
      },
    );
  }
  return { rows, runs };
}
