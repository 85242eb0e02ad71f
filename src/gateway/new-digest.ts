import type { ClientLimits } from "../config/index.js";
import type { NewDigest } from "../gen/proto/hearsay/v1/types.js";
import { InvalidArgument, NotFound, ResourceExhausted } from "../errors/index.js";
import type { TypeRegistry } from "./digest-types.js";
import { schemaError } from "./digest-types.js";

/** A digest ready for the bus: its type known, its payload checked against the type's schema. */
export interface CheckedDigest {
  type: string;
  payload: Uint8Array;
  headers: Record<string, string>;
}

/**
 * Checks one NewDigest the way every publish path must: type registered,
 * JSON encoded by the schema (or binary payload validated, unless the type
 * skips validation), size and header limits. `field` prefixes error messages
 * ("digest" for Publish, "digests[7]" in a batch) so the client sees where.
 */
export function checkNewDigest(
  d: NewDigest | undefined,
  registry: TypeRegistry,
  limits: ClientLimits,
  field = "digest",
): CheckedDigest {
  if (!d) throw InvalidArgument.at(field, "required");
  if (!d.type) throw InvalidArgument.at(`${field}.type`, "required: a registered digest type name");
  checkHeaders(d.headers, limits, `${field}.headers`);
  const held = registry.get(d.type);
  if (!held) throw new NotFound(`${field}.type: digest type "${d.type}" is not registered`);
  const body = d.body;
  if (!body) throw InvalidArgument.at(`${field}.body`, "required: payload or json");
  let payload: Uint8Array;
  if (body.$case === "json") {
    if (Buffer.byteLength(body.json) > limits.maxDigestBytes * 4) {
      throw new ResourceExhausted(`${field}.json: over ${limits.maxDigestBytes * 4} bytes`);
    }
    const enc = held.compiled.fromJson(body.json);
    if (!enc.ok) throw schemaError(enc.error, `${field}.json.`);
    payload = enc.payload;
  } else {
    payload = body.payload;
  }
  if (payload.length > limits.maxDigestBytes) {
    throw new ResourceExhausted(
      `${field}.payload: ${payload.length} bytes is over the ${limits.maxDigestBytes}-byte digest limit`,
    );
  }
  if (body.$case === "payload" && !held.entry.skipPayloadValidation) {
    const ok = held.compiled.validate(payload);
    if (!ok.ok) {
      const e = ok.error;
      throw InvalidArgument.at(
        `${field}.payload`,
        `does not decode as ${d.type}${e.field ? ` (at ${e.field})` : ""}: ${e.message}`,
      );
    }
  }
  return { type: d.type, payload, headers: d.headers };
}

function checkHeaders(headers: Record<string, string>, limits: ClientLimits, field: string): void {
  const entries = Object.entries(headers);
  if (entries.length > limits.maxHeaders) {
    throw new ResourceExhausted(`${field}: ${entries.length} headers, at most ${limits.maxHeaders}`);
  }
  let bytes = 0;
  for (const [k, v] of entries) bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  if (bytes > limits.maxHeaderBytes) {
    throw new ResourceExhausted(`${field}: ${bytes} bytes of headers, at most ${limits.maxHeaderBytes}`);
  }
}
