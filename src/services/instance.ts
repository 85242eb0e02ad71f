import { fail, type Failure } from "../errors/index.js";

/** One registered instance of a service, as every gateway's catalog holds it. */
export interface ServiceInstance {
  readonly name: string;
  /** Unique within `name`; defaults to "<node>:<name>:<port>". */
  readonly id: string;
  /** Node whose gateway holds the registration. */
  readonly node: string;
  readonly address: string;
  readonly port: number;
  readonly tags: Readonly<Record<string, string>>;
  /** 0 = no TTL; otherwise the client must re-register within this period. */
  readonly ttlMs: number;
  readonly registeredAtMs: number;
  /** Critical once its TTL lapsed without a refresh (removed after the grace period). */
  readonly health: "passing" | "critical";
}

/** What a client asks for; empty id / address take defaults. */
export interface RegisterInput {
  name: string;
  id: string;
  address: string;
  port: number;
  tags: Record<string, string>;
  ttlMs: number;
}

/** Bounds on registrations; anything beyond is refused with a named field. */
export interface ServiceLimits {
  /** Most instances one gateway holds for its clients. @default 512 */
  maxServicesPerNode: number;
  /** Most tags on one instance. @default 32 */
  maxTags: number;
  /** Most bytes of one instance's tag keys + values. @default 2048 */
  maxTagBytes: number;
  /** Shortest TTL a client may ask for (0 = none is always allowed). @default 500 */
  minTtlMs: number;
  /** Longest TTL. @default 86400000 (one day) */
  maxTtlMs: number;
  /** How long an instance stays listed as critical after its TTL lapsed, then it is removed. @default 5000 */
  criticalGraceMs: number;
}

export const DEFAULT_SERVICE_LIMITS: ServiceLimits = {
  maxServicesPerNode: 512,
  maxTags: 32,
  maxTagBytes: 2048,
  minTtlMs: 500,
  maxTtlMs: 86_400_000,
  criticalGraceMs: 5000,
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ID = /^[\x21-\x7e]{1,256}$/;
const HOST = /^[A-Za-z0-9._:%[\]-]{1,255}$/;

/** A checked request with its defaults filled, or what is wrong with it (`field` names where). */
export type Normalized = { readonly ok: true; readonly req: RegisterInput } | Failure;

/** Checks a request and fills its defaults. Malformed: INVALID_ARGUMENT; over a limit: RESOURCE_EXHAUSTED. */
export function normalize(
  input: RegisterInput,
  node: string,
  defaultAddress: string,
  limits: ServiceLimits,
): Normalized {
  const invalid = (field: string, problem: string) => fail("INVALID_ARGUMENT", problem, field);
  if (!input.name) return invalid("name", "required");
  if (!NAME.test(input.name)) {
    return invalid("name", "1-128 of A-Z a-z 0-9 . _ -, starting with a letter or digit");
  }
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535) {
    return invalid("port", `must be 1-65535, got ${input.port}`);
  }
  const id = input.id || `${node}:${input.name}:${input.port}`;
  if (!ID.test(id)) return invalid("id", "1-256 printable ASCII characters, no spaces");
  const address = input.address || defaultAddress;
  if (!HOST.test(address)) return invalid("address", "a host name or IP address");
  const ttl = input.ttlMs;
  if (!Number.isInteger(ttl) || ttl < 0) return invalid("ttl_ms", "must be >= 0");
  if (ttl !== 0 && (ttl < limits.minTtlMs || ttl > limits.maxTtlMs)) {
    return invalid("ttl_ms", `0 or ${limits.minTtlMs}-${limits.maxTtlMs}, got ${ttl}`);
  }
  const tags = Object.entries(input.tags);
  if (tags.length > limits.maxTags) {
    return fail("RESOURCE_EXHAUSTED", `at most ${limits.maxTags} tags, got ${tags.length}`, "tags");
  }
  let bytes = 0;
  for (const [k, v] of tags) {
    if (!k) return invalid("tags", "empty tag key");
    bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (bytes > limits.maxTagBytes) {
    return fail("RESOURCE_EXHAUSTED", `at most ${limits.maxTagBytes} bytes of tags, got ${bytes}`, "tags");
  }
  const req = { name: input.name, id, address, port: input.port, tags: Object.fromEntries(tags), ttlMs: ttl };
  return { ok: true, req };
}

/** Catalog key of an instance. */
export function instanceKey(name: string, id: string): string {
  return `${name}\u0000${id}`;
}

export function sameInstance(a: ServiceInstance, b: ServiceInstance): boolean {
  if (
    a.address !== b.address ||
    a.port !== b.port ||
    a.ttlMs !== b.ttlMs ||
    a.health !== b.health ||
    a.node !== b.node
  )
    return false;
  const ak = Object.keys(a.tags);
  if (ak.length !== Object.keys(b.tags).length) return false;
  return ak.every((k) => a.tags[k] === b.tags[k]);
}

/** Sort order of every listing: name, then id. */
export function byNameThenId(a: ServiceInstance, b: ServiceInstance): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
