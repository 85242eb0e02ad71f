/** JSON for a double: a number, or "NaN" / "Infinity" / "-Infinity" (proto3 JSON convention). */
export function doubleToJson(v: number): number | string {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return "NaN";
  return v > 0 ? "Infinity" : "-Infinity";
}

/** JSON for a float32: the shortest decimal that reads back as the same float32 (0.1f -> 0.1). */
export function floatToJson(v: number): number | string {
  if (!Number.isFinite(v)) return doubleToJson(v);
  for (let digits = 1; digits <= 9; digits++) {
    const shortest = Number(v.toPrecision(digits));
    if (Math.fround(shortest) === v) return shortest;
  }
  return v;
}

/** Reads a JSON number or numeric string as a double; undefined if it is neither. */
export function jsonToDouble(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v !== "string") return undefined;
  if (v === "NaN") return NaN;
  if (v === "Infinity") return Infinity;
  if (v === "-Infinity") return -Infinity;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return undefined;
  return Number(v);
}

/**
 * Reads a JSON integer (number or decimal string, exponent allowed when the value is whole) as a
 * bigint. Numbers beyond 2^53 are refused: JSON.parse already rounded them, so the value is not
 * what the sender wrote; such values must travel as strings.
 */
export function jsonToBigInt(v: unknown): bigint | "unsafe" | undefined {
  if (typeof v === "number") {
    if (!Number.isInteger(v)) return undefined;
    if (!Number.isSafeInteger(v)) return "unsafe";
    return BigInt(v);
  }
  if (typeof v !== "string") return undefined;
  if (/^-?\d{1,40}$/.test(v)) return BigInt(v);
  const n = jsonToDouble(v);
  if (n === undefined || !Number.isSafeInteger(n)) return undefined;
  return BigInt(n);
}

/** Reads a JSON integer within [min, max] (32-bit and smaller kinds); undefined if not one. */
export function jsonToInt(v: unknown, min: number, max: number): number | undefined {
  const n = typeof v === "number" ? v : typeof v === "string" ? jsonToDouble(v) : undefined;
  if (n === undefined || !Number.isInteger(n) || n < min || n > max) return undefined;
  return n;
}
