/** "1500ms", "30s", "2m", "1h" or a number of milliseconds. */
export type Duration = number | `${number}${"ms" | "s" | "m" | "h"}`;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Duration to milliseconds; throws on malformed input (test and config edge only). */
export function toMs(d: Duration): number {
  if (typeof d === "number") return d;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  if (!m) throw new Error(`bad duration ${JSON.stringify(d)}`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}
