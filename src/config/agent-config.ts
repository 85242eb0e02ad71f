import { type HostPort, type ParseResult, parseHostPort } from "./address.js";
import {
  type DiscoverMethod,
  discoverField,
  dnsServerField,
  type MulticastConfig,
  multicastField,
} from "./discovery-config.js";
import { type ClientLimits, DEFAULT_CLIENT_LIMITS } from "./limits.js";
import { formatSeed, parseSeed, SEED_SYNTAX } from "./seeds.js";

/** Everything one agent (gateway) process needs; built once, passed in, never global. */
export interface AgentConfig {
  /** Unique node name in the overlay. @default the host name */
  nodeName: string;
  /** Overlay this agent serves. @default "default" */
  overlay: string;
  /** gRPC client API listener; null = off. @default 127.0.0.1:7400 */
  grpc: HostPort | null;
  /** Thrift client API listener (framed; binary or compact, chosen per connection); null = off. @default null */
  thrift: HostPort | null;
  limits: ClientLimits;
  /** Overlay (gossip) UDP + TCP address. @default 0.0.0.0:7946 */
  bind: HostPort;
  /** Address advertised to other members; null = the bind address, or this host's first non-loopback IP when bound to a wildcard. @default null */
  advertise: HostPort | null;
  /**
   * Seeds to join, each HOST:PORT, dns:NAME[:PORT] (every A/AAAA record) or dns:srv:NAME (SRV records);
   * retried with backoff until one answers, DNS names resolved again on every attempt. @default []
   */
  join: string[];
  /** DNS server for dns: seeds, IP:PORT; null = the system resolver. @default null */
  dnsServer: HostPort | null;
  /** Zero-config discovery: "multicast" beacons on the LAN. @default [] */
  discover: DiscoverMethod[];
  /** Multicast beacon settings (used with discover: multicast). */
  multicast: MulticastConfig;
  /** Gossip timing preset (memberlist's numbers). @default "lan" */
  profile: Profile;
  /** JSON file holding the cluster keys (base64, primary first); null = unencrypted, with a warning. @default null */
  keyringFile: string | null;
  /**
   * Directory for state that survives restarts (incarnation, retention log, digest types, the peer
   * snapshot a restarted node rejoins from); null = none. @default null
   */
  dataDir: string | null;
  /** Member tags, visible to every member. @default {} */
  tags: Record<string, string>;
  /** Client tokens with the digest types each may publish / subscribe to; none = open (warned). @default [] */
  tokens: ClientToken[];
  /** TLS on the gRPC port; null = plaintext. @default null */
  tls: TlsFiles | null;
}

/** A client token and its allow-lists (`*` matches any run of characters: "demo.*"). */
export interface ClientToken {
  name: string;
  token: string;
  publish: string[];
  subscribe: string[];
  /** May call the operator API (cluster-wide keyring management). @default false */
  admin: boolean;
}

/** PEM files for the gRPC port; with clientCaFile, clients must present a certificate it signed (mTLS). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  clientCaFile: string | null;
}

export type Profile = "lan" | "wan" | "local";
const PROFILES: readonly Profile[] = ["lan", "wan", "local"];

/** Raw settings as they come from flags or a config file, all optional. */
export interface AgentConfigInput {
  nodeName?: unknown;
  overlay?: unknown;
  grpc?: unknown;
  thrift?: unknown;
  limits?: Record<string, unknown>;
  bind?: unknown;
  advertise?: unknown;
  join?: unknown;
  dnsServer?: unknown;
  discover?: unknown;
  multicast?: unknown;
  profile?: unknown;
  keyringFile?: unknown;
  dataDir?: unknown;
  tags?: unknown;
  tokens?: unknown;
  tls?: unknown;
}

export const DEFAULT_GRPC_ADDRESS = "127.0.0.1:7400";
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Validates raw settings; errors name the key and what it accepts. */
export function buildAgentConfig(input: AgentConfigInput, hostName: string): ParseResult<AgentConfig> {
  const errors: string[] = [];
  const name = stringField(input.nodeName, "nodeName", hostName, errors);
  if (name !== undefined && !NAME_RE.test(name)) {
    errors.push(
      `nodeName: "${name}" must be 1-128 characters of A-Z a-z 0-9 . _ - starting with a letter or digit`,
    );
  }
  const overlay = stringField(input.overlay, "overlay", "default", errors);
  if (overlay !== undefined && !NAME_RE.test(overlay)) {
    errors.push(`overlay: "${overlay}" must be 1-128 characters of A-Z a-z 0-9 . _ -`);
  }
  const grpc = addressField(input.grpc, "grpc", DEFAULT_GRPC_ADDRESS, errors);
  const thrift = addressField(input.thrift, "thrift", null, errors);
  const limits = limitsField(input.limits ?? {}, errors);
  const bind = addressField(input.bind, "bind", DEFAULT_BIND_ADDRESS, errors) ?? defaultBind();
  const advertise = addressField(input.advertise, "advertise", null, errors);
  const join = joinField(input.join, errors);
  const dnsServer = dnsServerField(input.dnsServer, errors);
  const discover = discoverField(input.discover, errors);
  const multicast = multicastField(input.multicast, errors);
  const profile = stringField(input.profile, "profile", "lan", errors) as Profile;
  if (profile !== undefined && !PROFILES.includes(profile)) {
    errors.push(`profile: "${profile}" is not one of ${PROFILES.join(", ")}`);
  }
  const keyringFile = optionalPath(input.keyringFile, "keyringFile", errors);
  const dataDir = optionalPath(input.dataDir, "dataDir", errors);
  const tags = tagsField(input.tags, errors);
  const tokens = tokensField(input.tokens, errors);
  const tls = tlsField(input.tls, errors);
  if (errors.length > 0) return { ok: false, error: errors.join("\n") };
  return {
    ok: true,
    value: {
      nodeName: name!,
      overlay: overlay!,
      grpc,
      thrift,
      limits,
      bind,
      advertise,
      join,
      dnsServer,
      discover,
      multicast,
      profile,
      keyringFile,
      dataDir,
      tags,
      tokens,
      tls,
    },
  };
}

export const DEFAULT_BIND_ADDRESS = "0.0.0.0:7946";
const defaultBind = (): HostPort => ({ host: "0.0.0.0", port: 7946 });
/** Tags travel in every alive message, so they stay small (the overlay bounds the total too). */
const MAX_TAGS = 64;
const MAX_TAG_KEY_BYTES = 128;
const MAX_TAG_VALUE_BYTES = 512;
const MAX_SEEDS = 256;

function joinField(v: unknown, errors: string[]): string[] {
  if (v === undefined || v === null) return [];
  const list = typeof v === "string" ? v.split(",").filter((s) => s.trim() !== "") : v;
  if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) {
    errors.push(`join: expected HOST:PORT[,HOST:PORT...] or a list of seeds (${SEED_SYNTAX})`);
    return [];
  }
  if (list.length > MAX_SEEDS) errors.push(`join: at most ${MAX_SEEDS} seeds, got ${list.length}`);
  const out: string[] = [];
  for (const item of list as string[]) {
    const r = parseSeed(item);
    if (!r.ok) errors.push(`join: ${r.error}`);
    else out.push(formatSeed(r.value));
  }
  return out;
}

const MAX_TOKENS = 1024;

function tokensField(v: unknown, errors: string[]): ClientToken[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    errors.push("tokens: expected a list of {name, token, publish: [...], subscribe: [...]}");
    return [];
  }
  if (v.length > MAX_TOKENS) errors.push(`tokens: at most ${MAX_TOKENS}, got ${v.length}`);
  const out: ClientToken[] = [];
  const seen = new Set<string>();
  v.forEach((t, i) => {
    const o = (t ?? {}) as Record<string, unknown>;
    const key = `tokens[${i}]`;
    const unknown = Object.keys(o).filter(
      (k) => !["name", "token", "publish", "subscribe", "admin"].includes(k),
    );
    if (unknown.length > 0)
      errors.push(
        `${key}: unknown keys ${unknown.join(", ")}; allowed: name, token, publish, subscribe, admin`,
      );
    if (typeof o.token !== "string" || o.token.length < 16 || /\s/.test(o.token)) {
      errors.push(`${key}.token: expected at least 16 characters without spaces`);
      return;
    }
    if (seen.has(o.token)) errors.push(`${key}.token: the same token appears twice`);
    seen.add(o.token);
    const list = (field: "publish" | "subscribe"): string[] => {
      const l = o[field] ?? [];
      if (!Array.isArray(l) || l.some((p) => typeof p !== "string" || p === "")) {
        errors.push(`${key}.${field}: expected a list of type patterns such as "demo.*"`);
        return [];
      }
      return l as string[];
    };
    out.push({
      name: typeof o.name === "string" ? o.name : `token-${i}`,
      token: o.token,
      publish: list("publish"),
      subscribe: list("subscribe"),
      admin: o.admin === true,
    });
  });
  return out;
}

function tlsField(v: unknown, errors: string[]): TlsFiles | null {
  if (v === undefined || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof v !== "object" || typeof o.cert !== "string" || typeof o.key !== "string") {
    errors.push("tls: expected {cert: FILE, key: FILE, clientCa?: FILE}");
    return null;
  }
  if (o.clientCa !== undefined && o.clientCa !== null && typeof o.clientCa !== "string") {
    errors.push("tls.clientCa: expected a file path");
  }
  return {
    certFile: o.cert,
    keyFile: o.key,
    clientCaFile: typeof o.clientCa === "string" ? o.clientCa : null,
  };
}

function optionalPath(v: unknown, key: string, errors: string[]): string | null {
  if (v === undefined || v === null || v === "") return null;
  if (typeof v !== "string" || v.includes("\0")) {
    errors.push(`${key}: expected a file system path`);
    return null;
  }
  return v;
}

function tagsField(v: unknown, errors: string[]): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v)) {
    errors.push("tags: expected a map of key -> value");
    return {};
  }
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length > MAX_TAGS) errors.push(`tags: at most ${MAX_TAGS} tags, got ${entries.length}`);
  const out: Record<string, string> = {};
  for (const [k, val] of entries) {
    if (typeof val !== "string") errors.push(`tags.${k}: expected a string value`);
    else if (k === "" || Buffer.byteLength(k) > MAX_TAG_KEY_BYTES)
      errors.push(`tags: key "${k}" must be 1-${MAX_TAG_KEY_BYTES} bytes`);
    else if (Buffer.byteLength(val) > MAX_TAG_VALUE_BYTES)
      errors.push(`tags.${k}: value over ${MAX_TAG_VALUE_BYTES} bytes`);
    else out[k] = val;
  }
  return out;
}

function stringField(v: unknown, key: string, dflt: string, errors: string[]): string | undefined {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== "string") {
    errors.push(`${key}: expected a string, got ${typeof v}`);
    return undefined;
  }
  return v;
}

function addressField(v: unknown, key: string, dflt: string | null, errors: string[]): HostPort | null {
  if (v === undefined) return dflt === null ? null : (parseHostPort(dflt) as { value: HostPort }).value;
  if (v === null || v === "off" || v === "") return null;
  if (typeof v !== "string") {
    errors.push(`${key}: expected HOST:PORT or "off", got ${typeof v}`);
    return null;
  }
  const r = parseHostPort(v);
  if (!r.ok) {
    errors.push(`${key}: ${r.error}`);
    return null;
  }
  return r.value;
}

function limitsField(raw: Record<string, unknown>, errors: string[]): ClientLimits {
  const limits: ClientLimits = { ...DEFAULT_CLIENT_LIMITS };
  for (const [key, v] of Object.entries(raw)) {
    if (!(key in limits)) {
      errors.push(`limits.${key}: unknown limit; known: ${Object.keys(limits).join(", ")}`);
      continue;
    }
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > 2 ** 31 - 1) {
      errors.push(`limits.${key}: expected an integer from 1 to 2147483647, got ${JSON.stringify(v)}`);
      continue;
    }
    limits[key as keyof ClientLimits] = v;
  }
  // A response may reach the budget; the transports must carry it (and clients receive it).
  const transport = Math.min(limits.maxGrpcMessageBytes, limits.maxThriftFrameBytes);
  if (limits.maxSubscribeBatchBytes > transport) {
    errors.push(
      `limits.maxSubscribeBatchBytes: ${limits.maxSubscribeBatchBytes} is over the transport limit ${transport} (maxGrpcMessageBytes, maxThriftFrameBytes)`,
    );
  }
  return limits;
}
