// Axis scales and tick positions for bench/common/plot.ts: linear or log10,
// "nice" steps of 1, 2 or 5 x 10^k. Pure functions, so plots are deterministic.

export interface Scale {
  /** Data value -> pixel. */
  at(v: number): number;
  ticks: number[];
  min: number;
  max: number;
  log: boolean;
}

/** A step of 1, 2 or 5 x 10^k near span / count. */
function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const f = raw / p;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
}

/** Data extent -> axis extent: linear from 0 (or the nice floor) up to a nice ceiling; log to whole decades. */
export function scale(
  values: readonly number[],
  pxFrom: number,
  pxTo: number,
  o: { log?: boolean; min?: number; max?: number; ticks?: number; at?: readonly number[] },
): Scale {
  if (o.at !== undefined && o.at.length > 0) return fixed(o.at, pxFrom, pxTo, o);
  const finite = values.filter((v) => Number.isFinite(v) && (!o.log || v > 0));
  let lo = o.min ?? Math.min(...finite);
  let hi = o.max ?? Math.max(...finite);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) [lo, hi] = o.log ? [1, 10] : [0, 1];
  if (o.log) {
    const a = o.min ?? 10 ** Math.floor(Math.log10(lo));
    let b = o.max ?? 10 ** Math.ceil(Math.log10(hi));
    if (b <= a) b = a * 10;
    const ticks = logTicks(a, b);
    const la = Math.log10(a);
    const lb = Math.log10(b);
    const at = (v: number) => pxFrom + ((Math.log10(Math.max(v, a)) - la) / (lb - la)) * (pxTo - pxFrom);
    return { at, ticks, min: a, max: b, log: true };
  }
  if (o.min === undefined) lo = Math.min(0, lo);
  if (hi <= lo) hi = lo + 1;
  const step = niceStep(hi - lo, o.ticks ?? 5);
  const a = o.min ?? Math.floor(lo / step) * step;
  const b = o.max ?? Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = a; t <= b + step * 1e-6; t += step) ticks.push(Number(t.toPrecision(12)));
  const at = (v: number) => pxFrom + ((v - a) / (b - a)) * (pxTo - pxFrom);
  return { at, ticks, min: a, max: b, log: false };
}

/** Decades, with 2 and 5 between them when the axis spans at most three decades. */
function logTicks(a: number, b: number): number[] {
  const decades = Math.round(Math.log10(b / a));
  const mults = decades <= 3 ? [1, 2, 5] : [1];
  const out: number[] = [];
  for (let d = Math.floor(Math.log10(a)); d <= Math.ceil(Math.log10(b)); d++) {
    for (const m of mults) {
      const t = Number((m * 10 ** d).toPrecision(12));
      if (t >= a * (1 - 1e-9) && t <= b * (1 + 1e-9)) out.push(t);
    }
  }
  return out;
}

/** A tick label: thousands separated, at most 3 significant decimals, "k" and "M" for large values. */
export function tickLabel(v: number): string {
  const abs = Math.abs(v);
  if (abs >= 1e6 && v % 1e5 === 0) return `${v / 1e6}M`;
  if (abs >= 1e4 && v % 100 === 0) return `${v / 1e3}k`;
  if (abs >= 1000) return v.toLocaleString("en-US", { maximumFractionDigits: 0 });
  return String(Number(v.toPrecision(3)));
}

/** Ticks given by the caller (e.g. N = 8, 16, 32 on a log axis), with a margin of 8 % of the span either side. */
function fixed(
  at: readonly number[],
  pxFrom: number,
  pxTo: number,
  o: { log?: boolean; min?: number; max?: number },
): Scale {
  const ticks = [...at].sort((a, b) => a - b);
  const first = ticks[0] as number;
  const last = ticks[ticks.length - 1] as number;
  const f = o.log === true ? Math.log10 : (v: number) => v;
  const pad = (f(last) - f(first)) * 0.08 || 1;
  const a = o.min ?? (o.log === true ? 10 ** (f(first) - pad) : first - pad);
  const b = o.max ?? (o.log === true ? 10 ** (f(last) + pad) : last + pad);
  const at2 = (v: number) => pxFrom + ((f(v) - f(a)) / (f(b) - f(a))) * (pxTo - pxFrom);
  return { at: at2, ticks, min: a, max: b, log: o.log === true };
}
