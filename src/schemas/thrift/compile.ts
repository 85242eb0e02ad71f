import { sha256Hex } from "../common/digest.js";
import { guard, notBytes } from "../common/guard.js";
import { parseJsonText } from "../common/json.js";
import type { CompiledType, FromJsonResult, ToJsonResult } from "../compiled-type.js";
import type { SchemaLimits } from "../limits.js";
import { fail, OK, type Check } from "../../errors/index.js";
import { canonicalThrift } from "./canonical.js";
import { decodeThrift } from "./decode.js";
import { encodeThrift } from "./encode.js";
import { ThriftFromJson } from "./from-json.js";
import type { ThriftModel } from "./model.js";
import { structToJson } from "./to-json.js";

/** Wraps a checked Thrift model as a CompiledType. */
export function compiledThrift(
  name: string,
  model: ThriftModel,
  limits: Readonly<SchemaLimits>,
): CompiledType {
  const canonical = canonicalThrift(model);
  const root = model.structs.get(model.root)!;
  return Object.freeze({
    name,
    format: "thrift-idl" as const,
    canonical,
    fingerprint: sha256Hex(canonical),
    model,
    limits,
    validate(payload: Uint8Array): Check {
      if (!(payload instanceof Uint8Array)) return notBytes();
      return guard("validate", () => {
        const r = decodeThrift(model, payload, limits, false);
        return r.ok ? OK : r;
      });
    },
    toJson(payload: Uint8Array): ToJsonResult {
      if (!(payload instanceof Uint8Array)) return notBytes();
      return guard("toJson", () => {
        const decoded = decodeThrift(model, payload, limits, true);
        if (!decoded.ok) return decoded;
        return { ok: true, json: JSON.stringify(structToJson(model, root, decoded.value)) };
      });
    },
    fromJson(json: string): FromJsonResult {
      return guard("fromJson", () => {
        const parsed = parseJsonText(json, limits);
        if (!parsed.ok) return parsed;
        const reader = new ThriftFromJson(model, limits);
        const value = reader.struct(root, parsed.value, 1, "");
        if (value === undefined || reader.error !== null) {
          return {
            ok: false,
            error: reader.error ?? { code: "INVALID_ARGUMENT", message: "JSON does not match" },
          };
        }
        const payload = encodeThrift(model, root, value);
        if (payload.length > limits.maxPayloadBytes) {
          return fail(
            "RESOURCE_EXHAUSTED",
            `encoded payload over maxPayloadBytes (${limits.maxPayloadBytes})`,
            "json",
          );
        }
        return { ok: true, payload };
      });
    },
  });
}
