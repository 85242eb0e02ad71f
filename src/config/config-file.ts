import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import type { ParseResult } from "./address.js";
import type { AgentConfigInput } from "./agent-config.js";

/** Keys a config file may hold, with what each accepts (printed when a key is unknown). */
const KEYS: Record<string, string> = {
  name: "node name",
  overlay: "overlay name",
  bind: "HOST:PORT",
  advertise: "HOST:PORT",
  join: "list of HOST:PORT, dns:NAME[:PORT], dns:srv:NAME",
  dnsServer: "IP:PORT",
  discover: "multicast | off",
  multicast: "{group, ttl, interface, intervalMs}",
  profile: "lan | wan | local",
  keyringFile: "path",
  dataDir: "path",
  tags: "map of key: value",
  grpc: 'HOST:PORT or "off"',
  thrift: 'HOST:PORT or "off"',
  limits: "map of limit: integer",
  tokens: "list of {name, token, publish, subscribe}",
  tls: "{cert, key, clientCa}",
};
const MAX_FILE_BYTES = 1024 * 1024;

/** Reads a YAML config file into raw settings; buildAgentConfig validates the values. */
export async function readConfigFile(path: string): Promise<ParseResult<AgentConfigInput>> {
  let text: string;
  try {
    const buf = await readFile(path);
    if (buf.length > MAX_FILE_BYTES)
      return { ok: false, error: `${path}: larger than ${MAX_FILE_BYTES} bytes` };
    text = buf.toString("utf8");
  } catch (err) {
    return { ok: false, error: `${path}: ${(err as Error).message}` };
  }
  return parseConfigText(text, path);
}

export function parseConfigText(text: string, source: string): ParseResult<AgentConfigInput> {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, error: `${source}: not valid YAML: ${(err as Error).message.split("\n")[0]}` };
  }
  if (doc === null || doc === undefined) return { ok: true, value: {} };
  if (typeof doc !== "object" || Array.isArray(doc))
    return { ok: false, error: `${source}: expected a map of settings` };
  const o = doc as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !(k in KEYS));
  if (unknown.length > 0) {
    const known = Object.entries(KEYS)
      .map(([k, v]) => `${k} (${v})`)
      .join(", ");
    return { ok: false, error: `${source}: unknown keys ${unknown.join(", ")}; known keys: ${known}` };
  }
  const { name, limits, ...rest } = o;
  if (limits !== undefined && (typeof limits !== "object" || limits === null || Array.isArray(limits))) {
    return { ok: false, error: `${source}: limits: expected a map of limit: integer` };
  }
  return {
    ok: true,
    value: { ...rest, nodeName: name, ...(limits ? { limits: limits as Record<string, unknown> } : {}) },
  };
}
