import { isIP, isIPv4 } from "node:net";
import { type HostPort, parseHostPort } from "./address.js";

/** Zero-configuration ways to find the cluster, besides seeds and the data dir's peer snapshot. */
export type DiscoverMethod = "multicast";
const METHODS: readonly DiscoverMethod[] = ["multicast"];

/** UDP multicast beacons on the LAN (`--discover multicast`); IPv4 only. */
export interface MulticastConfig {
  /** Group and UDP port beacons go to; an IPv4 multicast address (224.0.0.0/4). @default 239.255.72.73:7947 */
  group: HostPort;
  /** IP TTL of beacons: 1 = this LAN segment, 0 = this host only. 0-32. @default 1 */
  ttl: number;
  /**
   * Local IPv4 address of the interface to beacon and listen on; null = the advertised address when it
   * is a specific IPv4 address, else the interface the OS routes the group to. @default null
   */
  interface: string | null;
  /**
   * Beacon period of a node that is alone, ms; in a cluster of N live members each node beacons every
   * intervalMs x N (at most 60 s), so the LAN carries about one beacon per interval. 100-60000. @default 1000
   */
  intervalMs: number;
}

export const DEFAULT_MULTICAST_GROUP = "239.255.72.73:7947";
export const DEFAULT_MULTICAST: MulticastConfig = {
  group: { host: "239.255.72.73", port: 7947 },
  ttl: 1,
  interface: null,
  intervalMs: 1_000,
};
export const MAX_MULTICAST_TTL = 32;
export const MIN_BEACON_INTERVAL_MS = 100;
export const MAX_BEACON_INTERVAL_MS = 60_000;

const MULTICAST_KEYS = ["group", "ttl", "interface", "intervalMs"];

/** `discover`: "multicast", "off", or a list of methods. */
export function discoverField(v: unknown, errors: string[]): DiscoverMethod[] {
  if (v === undefined || v === null || v === "off" || v === "") return [];
  const list = typeof v === "string" ? v.split(",").map((s) => s.trim()) : v;
  if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) {
    errors.push(`discover: expected "multicast", "off" or a list of methods`);
    return [];
  }
  const out: DiscoverMethod[] = [];
  for (const m of list as string[]) {
    if (!METHODS.includes(m as DiscoverMethod)) {
      errors.push(`discover: "${m}" is not one of ${METHODS.join(", ")}, off`);
    } else if (!out.includes(m as DiscoverMethod)) out.push(m as DiscoverMethod);
  }
  return out;
}

/** `multicast`: {group, ttl, interface, intervalMs}, each optional. */
export function multicastField(v: unknown, errors: string[]): MulticastConfig {
  const out: MulticastConfig = { ...DEFAULT_MULTICAST, group: { ...DEFAULT_MULTICAST.group } };
  if (v === undefined || v === null) return out;
  if (typeof v !== "object" || Array.isArray(v)) {
    errors.push(`multicast: expected a map of ${MULTICAST_KEYS.join(", ")}`);
    return out;
  }
  const o = v as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !MULTICAST_KEYS.includes(k));
  if (unknown.length > 0) {
    errors.push(`multicast: unknown keys ${unknown.join(", ")}; allowed: ${MULTICAST_KEYS.join(", ")}`);
  }
  if (o.group !== undefined) {
    const r = typeof o.group === "string" ? parseHostPort(o.group) : null;
    if (r === null || !r.ok) {
      errors.push(`multicast.group: expected GROUP:PORT such as ${DEFAULT_MULTICAST_GROUP}`);
    } else if (!isMulticastV4(r.value.host)) {
      errors.push(`multicast.group: "${r.value.host}" is not an IPv4 multicast address (224.0.0.0/4)`);
    } else if (r.value.port === 0) {
      errors.push("multicast.group: needs a port other than 0");
    } else out.group = r.value;
  }
  if (o.ttl !== undefined) {
    const ttl = integerIn(o.ttl, 0, MAX_MULTICAST_TTL);
    if (ttl === null) {
      errors.push(`multicast.ttl: expected an integer 0-${MAX_MULTICAST_TTL}, got ${JSON.stringify(o.ttl)}`);
    } else out.ttl = ttl;
  }
  if (o.interface !== undefined && o.interface !== null) {
    if (typeof o.interface !== "string" || !isIPv4(o.interface) || isMulticastV4(o.interface)) {
      errors.push(`multicast.interface: expected a local IPv4 address, got ${JSON.stringify(o.interface)}`);
    } else out.interface = o.interface;
  }
  if (o.intervalMs !== undefined) {
    const ms = integerIn(o.intervalMs, MIN_BEACON_INTERVAL_MS, MAX_BEACON_INTERVAL_MS);
    if (ms === null) {
      errors.push(
        `multicast.intervalMs: expected an integer ${MIN_BEACON_INTERVAL_MS}-${MAX_BEACON_INTERVAL_MS}, ` +
          `got ${JSON.stringify(o.intervalMs)}`,
      );
    } else out.intervalMs = ms;
  }
  return out;
}

/** `dnsServer`: the resolver for DNS seeds, HOST:PORT (an IP address); null = the system's. */
export function dnsServerField(v: unknown, errors: string[]): HostPort | null {
  if (v === undefined || v === null || v === "") return null;
  const r = typeof v === "string" ? parseHostPort(v) : null;
  if (r === null || !r.ok || !isIpLiteral(r.value.host) || r.value.port === 0) {
    errors.push(
      `dnsServer: expected IP:PORT of a DNS server ([ADDR]:PORT for IPv6), got ${JSON.stringify(v)}`,
    );
    return null;
  }
  return r.value;
}

function isMulticastV4(host: string): boolean {
  if (!isIPv4(host)) return false;
  const first = Number(host.split(".")[0]);
  return first >= 224 && first <= 239;
}

function isIpLiteral(host: string): boolean {
  return isIP(host) !== 0;
}

function integerIn(v: unknown, min: number, max: number): number | null {
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : null;
}
