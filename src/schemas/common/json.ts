import type { SchemaLimits } from "../limits.js";
import { fail, type Failure } from "../../errors/index.js";
import { utf8Length } from "./utf8.js";

export type JsonObject = { [key: string]: unknown };

/** An object with no prototype, so keys from payload data ("__proto__") stay plain keys. */
export function jsonObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses a JSON document within maxJsonBytes. */
export function parseJsonText(text: string, limits: SchemaLimits): { ok: true; value: unknown } | Failure {
  if (typeof text !== "string") return fail("INVALID_ARGUMENT", "JSON input must be a string", "json");
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short texts need no counting.
  if (text.length * 3 > limits.maxJsonBytes && utf8Length(text) > limits.maxJsonBytes) {
    return fail("RESOURCE_EXHAUSTED", `JSON input over maxJsonBytes (${limits.maxJsonBytes})`, "json");
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return fail("INVALID_ARGUMENT", `JSON does not parse: ${(err as Error).message}`, "json");
  }
}

/** A short rendering of a JSON value for error messages. */
export function show(json: unknown): string {
  const text = JSON.stringify(json) ?? String(json);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
