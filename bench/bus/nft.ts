// Gossip bytes between two gateways, counted by the kernel: an nftables table
// of its own (output hook, so each loopback packet is counted once) with one
// counter per direction and protocol. Bytes are IP packet lengths (IP + UDP/TCP
// headers included). Needs root; the table is deleted at the end.
import { execFileSync } from "node:child_process";

export interface Traffic {
  udp12: { packets: number; bytes: number };
  udp21: { packets: number; bytes: number };
  /** TCP to or from either gateway's gossip listener (both directions, any peer). */
  tcp: { packets: number; bytes: number };
}

const KEYS = ["udp12", "udp21", "tcp"] as const;

export class NftCounters {
  private readonly table = `hearsay_bench_${process.pid}`;
  private created = false;

  /** Throws (with nft's message) when nftables is unavailable. */
  constructor(p1: number, p2: number) {
    const t = this.table;
    const script = [
      `table inet ${t} {`,
      `  chain out {`,
      `    type filter hook output priority 0; policy accept;`,
      `    udp sport ${p1} udp dport ${p2} counter comment "udp12"`,
      `    udp sport ${p2} udp dport ${p1} counter comment "udp21"`,
      `    tcp dport { ${p1}, ${p2} } counter comment "tcp"`,
      `    tcp sport { ${p1}, ${p2} } counter comment "tcp"`,
      `  }`,
      `}`,
    ].join("\n");
    execFileSync("nft", ["-f", "-"], { input: script, timeout: 5_000 });
    this.created = true;
  }

  read(): Traffic {
    const out = execFileSync("nft", ["-j", "list", "table", "inet", this.table], {
      encoding: "utf8",
      timeout: 5_000,
    });
    const t: Traffic = {
      udp12: { packets: 0, bytes: 0 },
      udp21: { packets: 0, bytes: 0 },
      tcp: { packets: 0, bytes: 0 },
    };
    const j = JSON.parse(out) as { nftables: Array<{ rule?: { comment?: string; expr?: unknown[] } }> };
    for (const item of j.nftables) {
      const key = item.rule?.comment as (typeof KEYS)[number] | undefined;
      if (key === undefined || !KEYS.includes(key)) continue;
      for (const e of item.rule?.expr ?? []) {
        const c = (e as { counter?: { packets: number; bytes: number } }).counter;
        if (c === undefined) continue;
        t[key].packets += c.packets;
        t[key].bytes += c.bytes;
      }
    }
    return t;
  }

  remove(): void {
    if (!this.created) return;
    this.created = false;
    try {
      execFileSync("nft", ["delete", "table", "inet", this.table], { timeout: 5_000 });
    } catch {
      // already gone
    }
  }
}

export function diff(a: Traffic, b: Traffic): Traffic {
  const d = (k: (typeof KEYS)[number]) => ({
    packets: b[k].packets - a[k].packets,
    bytes: b[k].bytes - a[k].bytes,
  });
  return { udp12: d("udp12"), udp21: d("udp21"), tcp: d("tcp") };
}

export function totalBytes(t: Traffic): number {
  return t.udp12.bytes + t.udp21.bytes + t.tcp.bytes;
}
