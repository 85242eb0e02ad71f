import { formatHostPort, type SeedSpec } from "../config/index.js";

/** Name lookups for seeds; dns-client.ts implements it on node:dns, tests with a table. */
export interface DnsClient {
  /** Every IPv4 and IPv6 address of `name`; rejects when it has none. */
  addresses(name: string): Promise<string[]>;
  /** The SRV records of `name`; rejects when it has none. */
  srv(name: string): Promise<SrvRecord[]>;
}

export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** Bounds of one resolution; hits are counted as errors of the attempt. */
export interface SeedResolveLimits {
  /** Addresses taken from one name (A + AAAA), first ones kept. @default 64 */
  maxAddressesPerName: number;
  /** SRV records taken from one name, by priority then weight. @default 64 */
  maxSrvRecords: number;
  /** Addresses of one join attempt, all seeds together. @default 256 */
  maxAddresses: number;
}

export const DEFAULT_SEED_RESOLVE_LIMITS: SeedResolveLimits = {
  maxAddressesPerName: 64,
  maxSrvRecords: 64,
  maxAddresses: 256,
};

export interface ResolvedSeeds {
  /** "host:port" of every seed address found, without duplicates. */
  addresses: string[];
  /** One line per seed that failed to resolve or was cut by a limit. */
  errors: string[];
}

/**
 * Expands seeds to addresses: HOST:PORT as is, dns:NAME to each A/AAAA record at the port, dns:srv:NAME
 * to each SRV target's A/AAAA records at the record's port. Called before every join attempt, so DNS
 * changes are followed. Never rejects.
 */
export async function resolveSeeds(
  seeds: SeedSpec[],
  dns: DnsClient,
  limits: SeedResolveLimits = DEFAULT_SEED_RESOLVE_LIMITS,
): Promise<ResolvedSeeds> {
  const errors: string[] = [];
  const lists = await Promise.all(seeds.map((s) => expand(s, dns, limits, errors)));
  const all = [...new Set(lists.flat())];
  if (all.length > limits.maxAddresses) {
    errors.push(`seeds: ${all.length} addresses, only the first ${limits.maxAddresses} tried`);
  }
  return { addresses: all.slice(0, limits.maxAddresses), errors };
}

async function expand(s: SeedSpec, dns: DnsClient, limits: SeedResolveLimits, errors: string[]) {
  switch (s.kind) {
    case "address":
      return [formatHostPort(s.address)];
    case "dns":
      return (await lookup(`dns:${s.name}`, s.name, dns, limits, errors)).map((host) =>
        formatHostPort({ host, port: s.port }),
      );
    case "srv": {
      let records: SrvRecord[];
      try {
        records = await dns.srv(s.name);
      } catch (err) {
        errors.push(`dns:srv:${s.name}: ${describe(err)}`);
        return [];
      }
      const usable = records
        .filter((r) => r.name !== "" && r.name !== "." && r.port > 0)
        .sort((a, b) => a.priority - b.priority || b.weight - a.weight);
      if (usable.length > limits.maxSrvRecords) {
        errors.push(`dns:srv:${s.name}: ${usable.length} records, only ${limits.maxSrvRecords} used`);
      }
      const per = await Promise.all(
        usable
          .slice(0, limits.maxSrvRecords)
          .map(async (r) =>
            (await lookup(`dns:srv:${s.name} -> ${r.name}`, r.name, dns, limits, errors)).map((host) =>
              formatHostPort({ host, port: r.port }),
            ),
          ),
      );
      return per.flat();
    }
  }
}

async function lookup(
  what: string,
  name: string,
  dns: DnsClient,
  limits: SeedResolveLimits,
  errors: string[],
): Promise<string[]> {
  try {
    const hosts = [...new Set(await dns.addresses(name))];
    if (hosts.length > limits.maxAddressesPerName) {
      errors.push(`${what}: ${hosts.length} addresses, only ${limits.maxAddressesPerName} used`);
    }
    return hosts.slice(0, limits.maxAddressesPerName);
  } catch (err) {
    errors.push(`${what}: ${describe(err)}`);
    return [];
  }
}

function describe(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ?? (e instanceof Error ? e.message : String(err));
}
