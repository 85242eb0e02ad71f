// Results -> table rows (bench/bus/report.ts's Row), each time and CPU figure
// beside the JetStream replay of the same count and payload in the same run.
import type { Row } from "../bus/report.js";
import type { NatsReplayResult } from "./nats-anchor.js";
import type { CatchUpResult, Sample } from "./catch-up.js";
import type { CaseResult } from "./scenarios.js";

const MiB = 2 ** 20;
const JS = "JetStream replay";

const pct = (cpuS: number, wallS: number): number | null => (wallS > 0 ? (cpuS / wallS) * 100 : null);

/** Highest CPU % of one core of A between two consecutive samples up to the last digest. */
function peakOriginPct(r: CatchUpResult): number | null {
  let peak: number | null = null;
  const samples: Pick<Sample, "atS" | "originCpuS">[] = [{ atS: 0, originCpuS: 0 }, ...r.samples];
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1] as Sample, samples[i] as Sample];
    if (b.atS > r.cpu.wallS + 0.25) break;
    const p = pct(b.originCpuS - a.originCpuS, b.atS - a.atS);
    if (p !== null) peak = Math.max(peak ?? 0, p);
  }
  return peak;
}

export function caseRows(c: CaseResult, nats: NatsReplayResult | undefined): Row[] {
  const r = c.catchUp;
  const n = nats?.payloadBytes === c.payloadBytes && nats.outcome === "ok" ? nats : undefined;
  const base = { bench: "backfill", case: `${c.name}, ${c.payloadBytes} B`, load: c.load };
  const nth = `subscribe -> ${c.digests.toLocaleString("en-US")}th digest`;
  const rate = r.targetS === null ? null : c.digests / r.targetS;
  const note =
    `${r.outcome}; ${r.received.toLocaleString("en-US")} received, seq ${r.firstSeq ?? "-"}..${r.lastSeq ?? "-"}, ` +
    `${r.outOfOrder} out of order, gaps: ${r.gaps.length === 0 ? "none" : r.gaps.join("; ")}`;
  return [
    {
      ...base,
      metric: "subscribe -> first digest",
      value: r.firstDigestS,
      unit: "s",
      anchor: n?.firstS,
      anchorName: JS,
      better: "lower",
    },
    {
      ...base,
      metric: "subscribe -> caught-up marker",
      value: r.caughtUpS,
      unit: "s",
      note: `backlog ${r.caughtUpBacklog ?? "-"} digests by the gateway, ${r.receivedAtCaughtUp ?? "-"} received then`,
    },
    {
      ...base,
      metric: nth,
      value: r.targetS,
      unit: "s",
      anchor: n?.lastS,
      anchorName: JS,
      better: "lower",
      note,
    },
    {
      ...base,
      metric: "catch-up rate",
      value: rate,
      unit: "digests/s",
      anchor: n?.lastS ? n.count / n.lastS : null,
      anchorName: JS,
      better: "higher",
    },
    {
      ...base,
      metric: "origin A CPU (user+sys)",
      value: r.cpu.origin,
      unit: "s",
      anchor: n?.cpu.origin,
      anchorName: `${JS}: origin server`,
      better: "lower",
      note: `over the ${r.cpu.wallS.toFixed(2)} s to the ${r.targetS !== null ? "last digest" : r.caughtUpS !== null ? "caught-up marker" : "end"}; A idle ${c.idleCpuPct.origin.toFixed(1)} % before`,
    },
    {
      ...base,
      metric: "origin A CPU, % of one core",
      value: pct(r.cpu.origin, r.cpu.wallS),
      unit: "%",
      anchor: n ? pct(n.cpu.origin, n.cpu.wallS) : null,
      anchorName: `${JS}: origin server`,
      note: `peak ${peakOriginPct(r)?.toFixed(0) ?? "-"} % between 250 ms samples`,
    },
    {
      ...base,
      metric: "origin A CPU per digest",
      value: (r.cpu.origin / c.digests) * 1e6,
      unit: "us",
      anchor: n ? (n.cpu.origin / n.count) * 1e6 : null,
      anchorName: `${JS}: origin server`,
      better: "lower",
    },
    {
      ...base,
      metric: "gateway B CPU (user+sys)",
      value: r.cpu.local,
      unit: "s",
      anchor: n?.cpu.local,
      anchorName: `${JS}: consumer's server`,
      better: "lower",
      note: `${pct(r.cpu.local, r.cpu.wallS)?.toFixed(0) ?? "-"} % of one core; B idle ${c.idleCpuPct.local.toFixed(1)} % before`,
    },
    {
      ...base,
      metric: "subscriber process CPU (TS SDK)",
      value: r.cpu.bench,
      unit: "s",
      anchor: n?.cpu.bench,
      anchorName: `${JS}: bench's NATS client`,
      note: "the bench process: SDK decode + counting (and the anchor's minimal client)",
    },
    {
      ...base,
      metric: "gateway B VmRSS after / peak sampled",
      value: r.localRssEnd / MiB,
      unit: "MiB",
      anchor: n ? n.localRssEnd / MiB : null,
      anchorName: `${JS}: consumer's server`,
      note: `${(r.localRssBefore / MiB).toFixed(1)} MiB before; peak ${(r.localRssPeak / MiB).toFixed(1)} MiB (250 ms samples), VmHWM ${(r.localHwm / MiB).toFixed(1)} MiB`,
    },
  ];
}

/** One line per case: the bus counters each gateway incremented over the catch-up. */
export function counterNotes(cases: readonly CaseResult[]): string[] {
  const fmt = (c: Record<string, number> | null): string =>
    c === null
      ? "not available"
      : Object.entries(c)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k}=${v}`)
          .join(", ") || "none";
  return cases.map(
    (c) =>
      `counters over the catch-up, ${c.name} ${c.payloadBytes} B${c.heldAtB === null ? "" : ` (B held the last ${c.heldAtB} before)`}: ` +
      `B: ${fmt(c.counters.local)}; A: ${fmt(c.counters.origin)}` +
      (c.heldAtB === null ? "" : `; B before it (the setup): ${fmt(c.localBefore)}`),
  );
}
