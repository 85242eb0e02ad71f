// What one subscriber got, from its record file, against what the publishers
// say they published: exactly once per (publisher, seq), and per stream
// (origin, epoch, type; one type here) in stream-sequence order.
import { existsSync, readFileSync } from "node:fs";

export interface Tally {
  expected: number;
  /** Distinct (publisher, seq) of the run received. */
  received: number;
  missing: number;
  /** Deliveries of a (publisher, seq) already received, or of one never published. */
  duplicates: number;
  /** Deliveries whose stream sequence is below one delivered earlier on the same stream. */
  outOfOrder: number;
  gapNotices: number;
  /** Subscriptions the client had to open again after a refusal. */
  resubscribes: number;
  /** Missing seqs as ranges, e.g. "p2:100-180", the first few. */
  missingRanges: string[];
  /** Gap notice reasons and resubscribe codes, as they came. */
  notes: string[];
  /** Per publisher, 1 at each seq received. */
  marks: Map<string, Uint8Array>;
}

/** Seqs of `pub` in [from, to) the subscriber never received. */
export function missingIn(t: Tally, pub: string, from: number, to: number): number {
  const m = t.marks.get(pub);
  let n = 0;
  for (let i = from; m && i < Math.min(to, m.length); i++) if (!m[i]) n++;
  return n;
}

const MAX_RANGES_SHOWN = 4;

export function tally(file: string, published: ReadonlyMap<string, number>): Tally {
  const seen = new Map<string, Uint8Array>();
  for (const [p, n] of published) seen.set(p, new Uint8Array(n));
  const streamHead = new Map<string, number>();
  const t: Tally = {
    expected: [...published.values()].reduce((a, b) => a + b, 0),
    received: 0,
    missing: 0,
    duplicates: 0,
    outOfOrder: 0,
    gapNotices: 0,
    resubscribes: 0,
    missingRanges: [],
    notes: [],
    marks: seen,
  };
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  for (const line of text.split("\n")) {
    if (line.startsWith("G ")) t.gapNotices++;
    if (line.startsWith("R ")) t.resubscribes++;
    if (line.startsWith("G ") || line.startsWith("R ")) t.notes.push(line.slice(0, 160));
    if (!line.startsWith("D ")) continue;
    const [, pub, seqText, origin, epoch, sseqText] = line.split(" ");
    const seq = Number(seqText);
    const marks = seen.get(pub!);
    if (marks === undefined || seq >= marks.length || marks[seq]! > 0) {
      t.duplicates++;
      continue;
    }
    marks[seq] = 1;
    t.received++;
    const stream = `${origin} ${epoch}`;
    const sseq = Number(sseqText);
    if (sseq < (streamHead.get(stream) ?? 0)) t.outOfOrder++;
    else streamHead.set(stream, sseq);
  }
  t.missing = t.expected - t.received;
  for (const [p, marks] of seen) t.missingRanges.push(...ranges(p, marks));
  t.missingRanges = t.missingRanges.slice(0, MAX_RANGES_SHOWN);
  return t;
}

function ranges(pub: string, marks: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < marks.length; i++) {
    if (marks[i]) continue;
    let j = i;
    while (j + 1 < marks.length && !marks[j + 1]) j++;
    out.push(i === j ? `${pub}:${i}` : `${pub}:${i}-${j}`);
    i = j;
  }
  return out;
}

export interface Row {
  subscriber: string;
  host: string;
  sdk: string;
  tally: Tally;
}

/** The per-subscriber table, one line per subscriber. */
export function table(rows: readonly Row[]): string {
  const head = [
    "subscriber",
    "host",
    "sdk",
    "expected",
    "received",
    "missing",
    "dup",
    "ooo",
    "gaps",
    "resub",
  ];
  const lines = rows.map((r) => [
    r.subscriber,
    r.host,
    r.sdk,
    String(r.tally.expected),
    String(r.tally.received),
    String(r.tally.missing),
    String(r.tally.duplicates),
    String(r.tally.outOfOrder),
    String(r.tally.gapNotices),
    String(r.tally.resubscribes),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)));
  const body = [fmt(head).join("  "), widths.map((w) => "-".repeat(w)).join("  ")];
  for (const [k, l] of lines.entries()) {
    const t = rows[k]!.tally;
    const notes = [
      ...(t.missingRanges.length ? [`missing ${t.missingRanges.join(", ")}`] : []),
      ...t.notes.slice(0, MAX_RANGES_SHOWN),
    ];
    body.push(fmt(l).join("  ") + (notes.length ? `   ${notes.join("; ")}` : ""));
  }
  return body.join("\n");
}
