import type { PublishResponse } from "../gen/proto/hearsay/v1/gateway.js";
import type { NewDigest } from "../gen/proto/hearsay/v1/types.js";
import { type Codec, isCodec } from "./codec.js";
import { InvalidArgument } from "./errors.js";

/** A body the gateway encodes itself: a JSON document (text or a plain object) in proto3 JSON form. */
export interface JsonBody {
  json: string | object;
}

/** What can be published: encoded payload bytes, JSON, or (with a Codec) an application message. */
export type Body<T> = Uint8Array | JsonBody | T;

export interface PublishOptions {
  /** Application headers; count and size bounded by the gateway's limits. */
  headers?: Record<string, string>;
}

/** Where a published digest landed. */
export interface PublishResult {
  /** "origin:epoch:sequence", unique in the overlay. */
  readonly id: string;
  /** Node name of the gateway that accepted it. */
  readonly origin: string;
  /** The origin's sequence (across all types). */
  readonly sequence: bigint;
  readonly publishTimeMs: number;
  /** The origin's log epoch. */
  readonly epoch: bigint;
  /** Position in its stream (origin, epoch, type): what a cursor names. */
  readonly streamSequence: bigint;
}

export function toPublishResult(r: PublishResponse): PublishResult {
  return {
    id: r.id,
    origin: r.origin,
    sequence: r.sequence,
    publishTimeMs: Number(r.publishTimeMs),
    epoch: r.epoch,
    streamSequence: r.streamSequence,
  };
}

/**
 * The NewDigest for one publish. With a Codec as `type`, anything but bytes is
 * a message for the codec; with a type name, the body is bytes or `{ json }`.
 */
export function toNewDigest<T>(type: string | Codec<T>, body: Body<T>, opts: PublishOptions = {}): NewDigest {
  const headers = opts.headers ?? {};
  if (typeof type !== "string" && !isCodec(type)) {
    throw new InvalidArgument("type: expected a digest type name or a Codec");
  }
  const name = typeof type === "string" ? type : type.typeName;
  if (!name) throw new InvalidArgument("type: required: a registered digest type name");
  if (body instanceof Uint8Array)
    return { type: name, body: { $case: "payload", payload: toBuffer(body) }, headers };
  if (typeof type !== "string") {
    return { type: name, body: { $case: "payload", payload: toBuffer(type.encode(body as T)) }, headers };
  }
  const json = (body as Partial<JsonBody> | null)?.json;
  if (typeof json === "string") return { type: name, body: { $case: "json", json }, headers };
  if (typeof json === "object" && json !== null) {
    return { type: name, body: { $case: "json", json: JSON.stringify(json) }, headers };
  }
  throw new InvalidArgument(
    `body: for type "${name}" pass payload bytes or { json }, or publish with a Codec to send a message`,
  );
}

function toBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}
