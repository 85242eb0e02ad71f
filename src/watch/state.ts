/** One passing instance of the watched service, as commands and templates see it. */
export interface InstanceInfo {
  id: string;
  name: string;
  /** Node whose gateway holds the registration. */
  node: string;
  address: string;
  port: number;
  tags: Record<string, string>;
}

/** One live member, as commands and templates see it. */
export interface MemberInfo {
  name: string;
  /** Overlay (gossip) address, "host:port" or "[v6]:port". */
  address: string;
  tags: Record<string, string>;
}

/** What a watch reacts to: the passing instances of a service, or the live members carrying some tags. */
export type WatchState =
  | { kind: "service"; service: string; instances: InstanceInfo[] }
  | { kind: "members"; tags: Record<string, string>; members: MemberInfo[] };

/** "host:port", with an IPv6 host in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Splits "host:port" / "[v6]:port"; host without brackets, port 0 when there is none. */
export function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(":");
  if (i < 0 || address.endsWith("]")) return { host: address.replace(/^\[|\]$/g, ""), port: 0 };
  const port = Number(address.slice(i + 1));
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ""), port: Number.isInteger(port) ? port : 0 };
}

const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** The state in a stable order (instances by id, members by name), tags sorted by key. */
export function normalizeState(s: WatchState): WatchState {
  if (s.kind === "service") {
    const instances = s.instances
      .map((i) => ({ ...i, tags: sortedTags(i.tags) }))
      .sort(byKey((i) => `${i.name}\u0000${i.id}`));
    return { kind: "service", service: s.service, instances };
  }
  const members = s.members.map((m) => ({ ...m, tags: sortedTags(m.tags) })).sort(byKey((m) => m.name));
  return { kind: "members", tags: sortedTags(s.tags), members };
}

function sortedTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).sort(byKey(([k]) => k)));
}

/** What a command reads on stdin: the whole state as one JSON document. */
export function stateJson(s: WatchState): Record<string, unknown> {
  const n = normalizeState(s);
  if (n.kind === "service") {
    return {
      watch: "service",
      service: n.service,
      count: n.instances.length,
      instances: n.instances.map((i) => ({ ...i, hostport: hostPort(i.address, i.port) })),
    };
  }
  return {
    watch: "members",
    tags: n.tags,
    count: n.members.length,
    members: n.members.map((m) => ({ ...m, ...splitHostPort(m.address) })),
  };
}

/** The change key: equal keys = the command has nothing new to act on. Order-insensitive. */
export function stateKey(s: WatchState): string {
  return JSON.stringify(stateJson(s));
}

/** Longest value of one list variable (HEARSAY_INSTANCES, ...); Linux refuses one over 128 KiB. */
export const MAX_ENV_VALUE_BYTES = 64 * 1024;

/**
 * Environment variables for a command (Serf-handler style). A list longer
 * than maxValueBytes is left empty and HEARSAY_TRUNCATED=1 set, rather than
 * handing over part of a broker list: stdin always has all of it.
 */
export function stateEnv(s: WatchState, maxValueBytes = MAX_ENV_VALUE_BYTES): Record<string, string> {
  const n = normalizeState(s);
  let truncated = false;
  const list = (items: string[]) => {
    const v = items.join(",");
    if (Buffer.byteLength(v) <= maxValueBytes) return v;
    truncated = true;
    return "";
  };
  const env: Record<string, string> =
    n.kind === "service"
      ? {
          HEARSAY_WATCH: "service",
          HEARSAY_SERVICE: n.service,
          HEARSAY_INSTANCE_COUNT: String(n.instances.length),
          HEARSAY_INSTANCES: list(n.instances.map((i) => hostPort(i.address, i.port))),
        }
      : {
          HEARSAY_WATCH: "members",
          HEARSAY_MEMBER_COUNT: String(n.members.length),
          HEARSAY_MEMBERS: list(n.members.map((m) => m.name)),
          HEARSAY_MEMBER_ADDRESSES: list(n.members.map((m) => m.address)),
        };
  if (truncated) env.HEARSAY_TRUNCATED = "1";
  return env;
}
