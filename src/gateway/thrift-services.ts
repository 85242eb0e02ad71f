import type {
  ListServicesRequest,
  RegisterServiceRequest,
  WatchMembersRequest,
  WatchServicesRequest,
} from "../gen/proto/hearsay/v1/gateway.js";
import type { MemberEvent, Service, ServiceEvent } from "../gen/proto/hearsay/v1/types.js";
import { InvalidArgument } from "../errors/index.js";
import { toThriftI64 } from "./thrift-i64.js";
import { isStringMap, memberToThrift, str, ttypes } from "./thrift-types.js";

/** Thrift <-> gRPC messages of the member-watch and service operations. */

type Fields = Record<string, unknown>;

function fields(req: unknown, name: string): Fields {
  if (req === null || req === undefined) throw InvalidArgument.at(name, "required");
  return req as Fields;
}

function tagsOf(v: unknown, field: string): Record<string, string> {
  if (v === null || v === undefined) return {};
  if (!isStringMap(v)) throw InvalidArgument.at(field, "expected a map of strings to strings");
  return v;
}

function int(v: unknown, field: string): number {
  if (v === null || v === undefined) return 0;
  if (typeof v !== "number" || !Number.isInteger(v)) throw InvalidArgument.at(field, "expected an integer");
  if (v < 0) throw InvalidArgument.at(field, `must be >= 0, got ${v}`);
  return v;
}

export function watchMembersFromThrift(req: unknown): WatchMembersRequest {
  const r = (req ?? {}) as Fields;
  return { overlay: str(r.overlay), includeCurrent: r.includeCurrent === true, tags: tagsOf(r.tags, "tags") };
}

export function registerServiceFromThrift(req: unknown): RegisterServiceRequest {
  const r = fields(req, "request");
  return {
    overlay: str(r.overlay),
    name: str(r.name),
    id: str(r.id),
    address: str(r.address),
    port: int(r.port, "port"),
    tags: tagsOf(r.tags, "tags"),
    ttlMs: int(r.ttlMs, "ttlMs"),
  };
}

export function listServicesFromThrift(req: unknown): ListServicesRequest {
  const r = (req ?? {}) as Fields;
  return {
    overlay: str(r.overlay),
    name: str(r.name),
    passingOnly: r.passingOnly === true,
    tags: tagsOf(r.tags, "tags"),
  };
}

export function watchServicesFromThrift(req: unknown): WatchServicesRequest {
  const r = (req ?? {}) as Fields;
  return { overlay: str(r.overlay), name: str(r.name), includeCurrent: r.includeCurrent === true };
}

export function serviceToThrift(s: Service): object {
  return new ttypes.Service!({
    name: s.name,
    id: s.id,
    node: s.node,
    address: s.address,
    port: s.port,
    tags: s.tags,
    health: s.health,
    ttlMs: s.ttlMs,
    registeredAtMs: toThriftI64(s.registeredAtMs),
  });
}

export function serviceEventToThrift(e: ServiceEvent): object {
  return new ttypes.ServiceEvent!({
    kind: e.kind,
    instance: e.instance ? serviceToThrift(e.instance) : null,
    instances: e.instances.map(serviceToThrift),
    timeMs: toThriftI64(e.timeMs),
  });
}

export function memberEventToThrift(e: MemberEvent): object {
  return new ttypes.MemberEvent!({
    kind: e.kind,
    member: e.member ? memberToThrift(e.member) : null,
    timeMs: toThriftI64(e.timeMs),
  });
}
