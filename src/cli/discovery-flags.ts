import type { AgentConfigInput } from "../config/index.js";

/** `hearsay agent` flags about finding the cluster (besides --join and --data-dir). */
export interface DiscoveryOpts {
  dnsServer?: string;
  discover?: string;
  multicastGroup?: string;
  multicastTtl?: string;
  multicastInterface?: string;
  multicastIntervalMs?: string;
}

/**
 * The settings these flags give, to lay over the config file's. The `multicast` map is merged key by
 * key, so `--multicast-ttl 2` keeps the file's `multicast.group`.
 */
export function discoveryFlags(
  opts: DiscoveryOpts,
  file: AgentConfigInput,
): Pick<AgentConfigInput, "dnsServer" | "discover" | "multicast"> {
  const given: Record<string, unknown> = {};
  if (opts.multicastGroup !== undefined) given.group = opts.multicastGroup;
  if (opts.multicastTtl !== undefined) given.ttl = integer(opts.multicastTtl);
  if (opts.multicastInterface !== undefined) given.interface = opts.multicastInterface;
  if (opts.multicastIntervalMs !== undefined) given.intervalMs = integer(opts.multicastIntervalMs);
  const fromFile = file.multicast;
  const base = typeof fromFile === "object" && fromFile !== null && !Array.isArray(fromFile) ? fromFile : {};
  return {
    dnsServer: opts.dnsServer,
    discover: opts.discover,
    multicast: Object.keys(given).length > 0 ? { ...base, ...given } : undefined,
  };
}

/** Digits become a number; anything else stays text, for the validator to name. */
const integer = (v: string): number | string => (/^\d{1,9}$/.test(v) ? Number(v) : v);
