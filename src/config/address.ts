/** A listening or dialling address, "host:port" or "[v6]:port". */
export interface HostPort {
  host: string;
  port: number;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Parses "host:port", "[::1]:port" or ":port" (host defaults to `defaultHost`).
 * Port 0 asks the OS for a free port.
 */
export function parseHostPort(text: string, defaultHost = "127.0.0.1"): ParseResult<HostPort> {
  // Host: a DNS name or IPv4 literal, or a bracketed IPv6 literal (zone id allowed).
  const m = /^(?:\[([0-9a-fA-F:.]+(?:%[\w.-]+)?)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) return { ok: false, error: `"${text}" is not HOST:PORT (IPv6 as [ADDR]:PORT)` };
  const port = Number(m[3]);
  if (port > 65535) return { ok: false, error: `port ${port} in "${text}" is above 65535` };
  const host = m[1] ?? (m[2] === "" ? defaultHost : m[2]!);
  return { ok: true, value: { host, port } };
}

/** Formats an address back, bracketing IPv6 hosts. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
