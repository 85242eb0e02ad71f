import { guard, notBytes } from "../common/guard.js";
import { sha256Hex } from "../common/digest.js";
import { parseJsonText } from "../common/json.js";
import type { CompiledType, FromJsonResult, SchemaFormat, ToJsonResult } from "../compiled-type.js";
import type { SchemaLimits } from "../limits.js";
import { fail, OK, type Check } from "../../errors/index.js";
import { canonicalProto } from "./canonical.js";
import { decodeProto } from "./decode.js";
import { encodeProto } from "./encode.js";
import { FromJson } from "./from-json.js";
import type { ProtoModel } from "./model.js";
import { ToJson } from "./to-json.js";

/** Wraps a checked protobuf model as a CompiledType. */
export function compiledProto(
  name: string,
  format: SchemaFormat,
  model: ProtoModel,
  limits: Readonly<SchemaLimits>,
): CompiledType {
  const canonical = canonicalProto(model);
  const root = model.messages.get(model.root)!;
  return Object.freeze({
    name,
    format,
    canonical,
    fingerprint: sha256Hex(canonical),
    model,
    limits,
    validate(payload: Uint8Array): Check {
      if (!(payload instanceof Uint8Array)) return notBytes();
      return guard("validate", () => {
        const r = decodeProto(model, model.root, payload, limits, false);
        return r.ok ? OK : r;
      });
    },
    toJson(payload: Uint8Array): ToJsonResult {
      if (!(payload instanceof Uint8Array)) return notBytes();
      return guard("toJson", () => {
        const decoded = decodeProto(model, model.root, payload, limits, true);
        if (!decoded.ok) return decoded;
        const render = new ToJson(model, limits);
        const json = render.message(root, decoded.value, 1, "");
        if (render.error !== null) return { ok: false, error: render.error };
        return { ok: true, json: JSON.stringify(json) };
      });
    },
    fromJson(json: string): FromJsonResult {
      return guard("fromJson", () => {
        const parsed = parseJsonText(json, limits);
        if (!parsed.ok) return parsed;
        const reader = new FromJson(model, limits);
        const value = reader.message(root, parsed.value, 1, "");
        if (value === undefined || reader.error !== null) {
          return {
            ok: false,
            error: reader.error ?? { code: "INVALID_ARGUMENT", message: "JSON does not match" },
          };
        }
        const payload = encodeProto(model, root, value);
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
