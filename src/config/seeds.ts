import { formatHostPort, type HostPort, type ParseResult, parseHostPort } from "./address.js";

/**
 * A seed as configured (`--join`, `join:`):
 *   HOST:PORT          one address (a host name here is resolved by the OS when dialled, first address only)
 *   dns:NAME[:PORT]    every A and AAAA record of NAME, each at PORT (default 7946)
 *   dns:srv:NAME       every SRV record of NAME: its target's A and AAAA records, at the record's port
 * DNS seeds are resolved again before every join attempt, so a name may list nodes that come and go.
 */
export type SeedSpec =
  | { kind: "address"; address: HostPort }
  | { kind: "dns"; name: string; port: number }
  | { kind: "srv"; name: string };

/** Port of `dns:NAME` seeds without one: the default gossip port. */
export const DEFAULT_SEED_PORT = 7946;

/** RFC 1035 limits; "_" is allowed because SRV names use it (_hearsay._tcp.example.org). */
const LABEL_RE = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const MAX_NAME_BYTES = 253;

export const SEED_SYNTAX = "HOST:PORT, dns:NAME[:PORT] or dns:srv:NAME";

/** Parses one seed; errors quote the text and name the accepted forms. */
export function parseSeed(text: string): ParseResult<SeedSpec> {
  const t = text.trim();
  if (t.startsWith("dns:srv:")) {
    const name = t.slice("dns:srv:".length);
    const bad = checkDnsName(name);
    return bad ? { ok: false, error: `"${text}": ${bad}` } : { ok: true, value: { kind: "srv", name } };
  }
  if (t.startsWith("dns:")) {
    const m = /^([^:]*)(?::(\d{1,5}))?$/.exec(t.slice("dns:".length));
    if (!m) return { ok: false, error: `"${text}" is not dns:NAME[:PORT]` };
    const name = m[1]!;
    const bad = checkDnsName(name);
    if (bad) return { ok: false, error: `"${text}": ${bad}` };
    const port = m[2] === undefined ? DEFAULT_SEED_PORT : Number(m[2]);
    if (port < 1 || port > 65535) return { ok: false, error: `"${text}": port must be 1-65535` };
    return { ok: true, value: { kind: "dns", name, port } };
  }
  const r = parseHostPort(t);
  if (!r.ok) return r;
  if (r.value.port === 0) return { ok: false, error: `"${text}" needs a port other than 0` };
  return { ok: true, value: { kind: "address", address: r.value } };
}

/** The canonical text of a seed (what parseSeed reads back). */
export function formatSeed(s: SeedSpec): string {
  switch (s.kind) {
    case "address":
      return formatHostPort(s.address);
    case "dns":
      return `dns:${s.name}:${s.port}`;
    case "srv":
      return `dns:srv:${s.name}`;
  }
}

function checkDnsName(name: string): string | null {
  const n = name.endsWith(".") ? name.slice(0, -1) : name;
  if (n === "") return "needs a DNS name";
  if (Buffer.byteLength(n) > MAX_NAME_BYTES) return `DNS name longer than ${MAX_NAME_BYTES} bytes`;
  if (!n.split(".").every((l) => LABEL_RE.test(l))) {
    return "not a DNS name (labels of 1-63 A-Z a-z 0-9 _ -, separated by dots)";
  }
  return null;
}
