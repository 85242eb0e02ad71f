import { lookup, Resolver } from "node:dns/promises";
import { formatHostPort, type HostPort } from "../config/index.js";
import type { DnsClient, SrvRecord } from "./seed-resolver.js";

/** Per query, ms; c-ares retries `tries` times before giving up. */
const QUERY_TIMEOUT_MS = 2_000;
const TRIES = 2;
/** getaddrinfo has no timeout of its own. */
const LOOKUP_TIMEOUT_MS = 5_000;

/**
 * Seed lookups on node:dns. With `server`, A/AAAA and SRV queries go to that server only. Without,
 * addresses come from the system resolver (getaddrinfo: /etc/hosts, then DNS), SRV records from the
 * servers of /etc/resolv.conf.
 */
export function dnsClient(server: HostPort | null): DnsClient {
  const resolver = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: TRIES });
  if (server !== null) resolver.setServers([formatHostPort(server)]);
  return {
    async addresses(name) {
      if (server === null) {
        const all = await withTimeout(lookup(name, { all: true, verbatim: true }), LOOKUP_TIMEOUT_MS);
        return all.map((a) => a.address);
      }
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(name), resolver.resolve6(name)]);
      const found = [
        ...(v4.status === "fulfilled" ? v4.value : []),
        ...(v6.status === "fulfilled" ? v6.value : []),
      ];
      if (found.length > 0) return found;
      // Both failed or both empty: report the more telling error (a timeout over "no such record").
      const errs = [v4, v6].flatMap((r) =>
        r.status === "rejected" ? [r.reason as NodeJS.ErrnoException] : [],
      );
      throw errs.find((e) => e.code !== "ENODATA" && e.code !== "ENOTFOUND") ?? errs[0] ?? notFound(name);
    },
    async srv(name): Promise<SrvRecord[]> {
      return (await resolver.resolveSrv(name)).map((r) => ({
        name: r.name,
        port: r.port,
        priority: r.priority,
        weight: r.weight,
      }));
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("lookup timed out"), { code: "ETIMEOUT" })), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function notFound(name: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`no addresses for ${name}`), { code: "ENODATA" });
}
