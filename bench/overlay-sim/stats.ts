// Small summaries of repeated runs.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function max(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : Math.max(...xs);
}

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/** The value by which `fraction` of the (sorted) samples are in: the ceil(fraction x n)-th smallest. */
export function reachedBy(sorted: readonly number[], fraction: number, total: number): number | null {
  const need = Math.ceil(fraction * total);
  return sorted.length >= need && need > 0 ? (sorted[need - 1] as number) : null;
}

export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
