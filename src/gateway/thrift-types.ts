import { createRequire } from "node:module";
import {
  type CaughtUp,
  type PublishResponse,
  type RegisterDigestTypeRequest,
  type SubscribeRequest,
  StartPosition,
} from "../gen/proto/hearsay/v1/gateway.js";
import type {
  Digest,
  DigestType,
  GapNotice,
  Member,
  NewDigest,
  SourceFile,
} from "../gen/proto/hearsay/v1/types.js";
import { InvalidArgument } from "../errors/index.js";
import { fromThriftI64, toThriftI64 } from "./thrift-i64.js";

// Thrift's Node generator emits CommonJS; load it natively (see scripts/gen/ts.sh).
const require = createRequire(import.meta.url);
export const ttypes = require("../gen/thrift/hearsay_types.js") as Record<
  string,
  new (args?: object) => object
>;

/** Conversions between the Thrift API's structs and the gRPC API's messages, which the core speaks. */

export const str = (v: unknown): string => (typeof v === "string" ? v : "");
export const isStringMap = (v: unknown): v is Record<string, string> =>
  typeof v === "object" && v !== null && Object.values(v).every((x) => typeof x === "string");

function files(v: unknown, field: string): SourceFile[] {
  if (!Array.isArray(v)) throw InvalidArgument.at(field, "expected a list of files");
  return v.map((f, i) => {
    const o = (f ?? {}) as { path?: unknown; content?: unknown };
    if (typeof o.path !== "string" || typeof o.content !== "string") {
      throw InvalidArgument.at(`${field}[${i}]`, "path and content are required");
    }
    return { path: o.path, content: o.content };
  });
}

/** Thrift RegisterDigestTypeRequest -> the gRPC request; the union must have exactly one field set. */
export function registerFromThrift(req: unknown): RegisterDigestTypeRequest {
  const r = (req ?? {}) as Record<string, unknown>;
  const schema = (r.schema ?? {}) as Record<string, unknown>;
  const set = ["protoSource", "protoDescriptorSet", "thriftIdl"].filter((k) => schema[k] != null);
  if (set.length !== 1) {
    throw InvalidArgument.at("schema", "set exactly one of protoSource, protoDescriptorSet, thriftIdl");
  }
  let source: NonNullable<NonNullable<RegisterDigestTypeRequest["schema"]>["source"]>;
  if (set[0] === "protoSource") {
    source = {
      $case: "protoSource",
      protoSource: { files: files(schema.protoSource, "schema.protoSource") },
    };
  } else if (set[0] === "thriftIdl") {
    source = { $case: "thriftIdl", thriftIdl: { files: files(schema.thriftIdl, "schema.thriftIdl") } };
  } else {
    const b = schema.protoDescriptorSet;
    if (!Buffer.isBuffer(b)) throw InvalidArgument.at("schema.protoDescriptorSet", "expected bytes");
    source = { $case: "protoDescriptorSet", protoDescriptorSet: b };
  }
  return {
    overlay: str(r.overlay),
    name: str(r.name),
    schema: { source },
    skipPayloadValidation: r.skipPayloadValidation === true,
    description: str(r.description),
  };
}

export function digestTypeToThrift(t: DigestType): object {
  const s = t.schema?.source;
  const schema =
    s?.$case === "protoSource"
      ? { protoSource: s.protoSource.files.map((f) => new ttypes.SourceFile!(f)) }
      : s?.$case === "thriftIdl"
        ? { thriftIdl: s.thriftIdl.files.map((f) => new ttypes.SourceFile!(f)) }
        : { protoDescriptorSet: s?.protoDescriptorSet ?? Buffer.alloc(0) };
  return new ttypes.DigestType!({
    name: t.name,
    version: toThriftI64(t.version),
    format: t.format,
    schema: new ttypes.Schema!(schema),
    skipPayloadValidation: t.skipPayloadValidation,
    description: t.description,
    registeredBy: t.registeredBy,
    registeredAtMs: toThriftI64(t.registeredAtMs),
    fingerprint: t.fingerprint,
  });
}

export function memberToThrift(m: Member): object {
  return new ttypes.Member!({
    name: m.name,
    address: m.address,
    status: m.status,
    incarnation: toThriftI64(m.incarnation),
    tags: m.tags,
    statusSinceMs: toThriftI64(m.statusSinceMs),
    protocolVersion: m.protocolVersion,
    subscribedTypes: m.subscribedTypes,
  });
}

/** Thrift NewDigest -> the gRPC message; the body union must have exactly one field set. */
export function newDigestFromThrift(d: unknown, field: string): NewDigest {
  const o = (d ?? {}) as {
    type?: unknown;
    body?: { payload?: unknown; json?: unknown } | null;
    headers?: unknown;
  };
  const body = o.body ?? {};
  const hasPayload = body.payload != null;
  const hasJson = body.json != null;
  if (hasPayload === hasJson) throw InvalidArgument.at(`${field}.body`, "set exactly one of payload, json");
  if (hasPayload && !Buffer.isBuffer(body.payload))
    throw InvalidArgument.at(`${field}.body.payload`, "expected bytes");
  if (o.headers != null && !isStringMap(o.headers))
    throw InvalidArgument.at(`${field}.headers`, "expected a string map");
  return {
    type: str(o.type),
    body: hasPayload
      ? { $case: "payload", payload: body.payload as Buffer }
      : { $case: "json", json: str(body.json) },
    headers: (o.headers as Record<string, string> | null) ?? {},
  };
}

export function publishResponseToThrift(r: PublishResponse): object {
  return new ttypes.PublishResponse!({
    id: r.id,
    origin: r.origin,
    sequence: toThriftI64(r.sequence),
    publishTimeMs: toThriftI64(r.publishTimeMs),
    epoch: toThriftI64(r.epoch),
    streamSequence: toThriftI64(r.streamSequence),
  });
}

/** Thrift SubscribeRequest -> the gRPC message. */
export function subscribeFromThrift(req: unknown): SubscribeRequest {
  const r = (req ?? {}) as Record<string, unknown>;
  if (!Array.isArray(r.types) || r.types.some((t) => typeof t !== "string")) {
    throw InvalidArgument.at("types", "expected a list of type names");
  }
  const cursor = r.resumeFrom as { positions?: unknown } | null | undefined;
  let resumeFrom: SubscribeRequest["resumeFrom"];
  if (cursor != null) {
    if (!Array.isArray(cursor.positions)) throw InvalidArgument.at("resumeFrom.positions", "expected a list");
    resumeFrom = {
      positions: cursor.positions.map((p, i) => {
        const o = (p ?? {}) as { origin?: unknown; type?: unknown; sequence?: unknown; epoch?: unknown };
        const seq = fromThriftI64(o.sequence as never);
        if (seq > BigInt(Number.MAX_SAFE_INTEGER))
          throw InvalidArgument.at(`resumeFrom.positions[${i}].sequence`, "out of range");
        const epoch = o.epoch == null ? 0n : fromThriftI64(o.epoch as never);
        if (epoch > BigInt(Number.MAX_SAFE_INTEGER))
          throw InvalidArgument.at(`resumeFrom.positions[${i}].epoch`, "out of range");
        return { origin: str(o.origin), type: str(o.type), sequence: seq, epoch };
      }),
    };
  }
  return {
    overlay: str(r.overlay),
    types: r.types as string[],
    resumeFrom,
    start: r.start === 1 ? StartPosition.START_POSITION_EARLIEST : StartPosition.START_POSITION_LATEST,
    includeJson: r.includeJson === true,
    maxBatchDigests: 0,
    keepaliveIntervalMs: 0,
  };
}

function digestToThrift(d: Digest): object {
  return new ttypes.Digest!({
    type: d.type,
    payload: d.payload,
    origin: d.origin,
    sequence: toThriftI64(d.sequence),
    publishTimeMs: toThriftI64(d.publishTimeMs),
    headers: d.headers,
    id: d.id,
    json: d.json ?? null,
    epoch: toThriftI64(d.epoch),
    streamSequence: toThriftI64(d.streamSequence),
  });
}

function gapToThrift(g: GapNotice): object {
  return new ttypes.GapNotice!({
    reason: g.reason,
    ranges: g.ranges.map(
      (r) =>
        new ttypes.GapRange!({
          origin: r.origin,
          type: r.type,
          fromSequence: toThriftI64(r.fromSequence),
          toSequence: toThriftI64(r.toSequence),
          epoch: toThriftI64(r.epoch),
        }),
    ),
    message: g.message,
    resumeFrom: new ttypes.Cursor!({
      positions: (g.resumeFrom?.positions ?? []).map(
        (p) =>
          new ttypes.CursorPosition!({
            origin: p.origin,
            type: p.type,
            sequence: toThriftI64(p.sequence),
            epoch: toThriftI64(p.epoch),
          }),
      ),
    }),
  });
}

/** Poll items -> SubscriptionItem unions: consecutive digests share one batch. */
export function pollItemsToThrift(
  items: Array<{ digest: Digest } | { gap: GapNotice } | { caughtUp: CaughtUp }>,
): object[] {
  const out: object[] = [];
  let batch: object[] = [];
  const flush = () => {
    if (batch.length > 0) out.push(new ttypes.SubscriptionItem!({ batch }));
    batch = [];
  };
  for (const item of items) {
    if ("digest" in item) batch.push(digestToThrift(item.digest));
    else if ("gap" in item) {
      flush();
      out.push(new ttypes.SubscriptionItem!({ gap: gapToThrift(item.gap) }));
    } else {
      flush();
      const c = item.caughtUp;
      out.push(
        new ttypes.SubscriptionItem!({
          caughtUp: new ttypes.CaughtUp!({
            serverTimeMs: toThriftI64(c.serverTimeMs),
            backlogDigests: toThriftI64(c.backlogDigests),
          }),
        }),
      );
    }
  }
  flush();
  return out;
}
