// Bandwidth of an idle converged cluster: bytes each node sends per second
// (datagrams plus push-pull stream frames), against Serf's estimate.
import { randomBytes } from "node:crypto";
import { lanConfig, pushPullScaleMs } from "../../src/overlay/index.js";
import { serfBandwidthKbit1024 } from "./anchors.js";
import type { Row } from "./report.js";
import { SimCluster, nodeNames } from "./sim-cluster.js";
import { max, mean } from "./stats.js";

export interface BandwidthOptions {
  nodes: number;
  seed: number;
  warmupMs: number;
  /** Measured window, rounded up to whole scaled push-pull periods (90 s at N=100). */
  windowMs: number;
  wallLimitMs: number;
  log: (line: string) => void;
}

export interface BandwidthRun {
  n: number;
  encrypted: boolean;
  windowS: number;
  /** Per-node bytes/s sent: datagram payloads, stream frames, and datagrams per second. */
  udpBytesPerS: number[];
  streamBytesPerS: number[];
  packetsPerS: number[];
  wallMs: number;
}

/** IPv4 + UDP headers per datagram, for the on-the-wire figure. */
const UDP_IP_HEADER_BYTES = 28;

function measure(o: BandwidthOptions, encrypted: boolean): BandwidthRun {
  const t0 = Date.now();
  const c = new SimCluster({ seed: o.seed, loss: 0, key: encrypted ? randomBytes(32) : undefined });
  c.addConverged(nodeNames(o.nodes));
  // Each node's first push-pull falls in [0, interval) after start, later ones one scaled period
  // apart: a warm-up of one interval and a window of whole periods count exactly one per period.
  const lan = lanConfig("x");
  const period = pushPullScaleMs(lan.pushPullIntervalMs, o.nodes);
  const windowMs = Math.ceil(o.windowMs / period) * period;
  c.sim.runFor(Math.max(o.warmupMs, lan.pushPullIntervalMs));
  c.resetCounters();
  const start = c.sim.nowMs();
  c.runUntil(() => c.sim.nowMs() >= start + windowMs, windowMs, 1000, o.wallLimitMs);
  const windowS = (c.sim.nowMs() - start) / 1000;
  const nodes = [...c.nodes.values()];
  return {
    n: o.nodes,
    encrypted,
    windowS,
    udpBytesPerS: nodes.map((x) => x.counter.udpBytes / windowS),
    streamBytesPerS: nodes.map((x) => x.counter.streamBytes / windowS),
    packetsPerS: nodes.map((x) => x.counter.udpPackets / windowS),
    wallMs: Date.now() - t0,
  };
}

const kbit = (bytesPerS: number): number => (bytesPerS * 8) / 1024;

function rows(r: BandwidthRun): Row[] {
  const anchor = serfBandwidthKbit1024();
  const sent = r.udpBytesPerS.map((u, i) => u + (r.streamBytesPerS[i] ?? 0));
  const wire = sent.map((s, i) => s + (r.packetsPerS[i] ?? 0) * UDP_IP_HEADER_BYTES);
  const base = {
    bench: "bandwidth",
    case: `N=${r.n} idle, ${r.encrypted ? "AES-GCM" : "plaintext"}, ${r.windowS} s`,
    unit: "kbit/s",
    samples: r.n,
  };
  const serf = { anchor, anchorName: "Serf estimate (in+out)" };
  return [
    {
      ...base,
      metric: "sent per node, mean",
      value: kbit(mean(sent)),
      note: `stream ${kbit(mean(r.streamBytesPerS)).toFixed(2)} kbit/s of it; ${mean(r.packetsPerS).toFixed(1)} datagrams/s`,
    },
    { ...base, metric: "sent per node, max", value: kbit(max(sent)) },
    {
      ...base,
      metric: "sent + received per node, mean",
      value: kbit(2 * mean(sent)),
      ...serf,
      note: "received = sent on a lossless net",
    },
    {
      ...base,
      metric: "same, with IP/UDP headers",
      value: kbit(2 * mean(wire)),
      ...serf,
      note: "+28 B per datagram",
    },
  ];
}

export function runBandwidth(
  o: BandwidthOptions,
  variants: boolean[],
): { rows: Row[]; runs: BandwidthRun[] } {
  const runs = variants.map((enc) => {
    const r = measure(o, enc);
    o.log(
      `bandwidth N=${o.nodes} ${enc ? "encrypted" : "plaintext"}: ${kbit(mean(r.udpBytesPerS)).toFixed(2)} kbit/s datagrams + ${kbit(mean(r.streamBytesPerS)).toFixed(2)} kbit/s streams per node sent (${r.wallMs} ms wall)`,
    );
    return r;
  });
  return { rows: runs.flatMap(rows), runs };
}
