import { type HostPort, type ParseResult, parseHostPort } from "./address.js";
import { type ClientLimits, DEFAULT_CLIENT_LIMITS } from "./limits.js";

/** Everything one agent (gateway) process needs; built once, passed in, never global. */
export interface AgentConfig {
  /** Unique node name in the overlay. @default the host name */
  nodeName: string;
  /** Overlay this agent serves. @default "default" */
  overlay: string;
  /** gRPC client API listener; null = off. @default 127.0.0.1:7400 */
  grpc: HostPort | null;
  /** Thrift client API listener (framed, binary); null = off. @default null */
  thrift: HostPort | null;
  limits: ClientLimits;
}

/** Raw settings as they come from flags or a config file, all optional. */
export interface AgentConfigInput {
  nodeName?: unknown;
  overlay?: unknown;
  grpc?: unknown;
  thrift?: unknown;
  limits?: Record<string, unknown>;
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
  if (errors.length > 0) return { ok: false, error: errors.join("\n") };
  return { ok: true, value: { nodeName: name!, overlay: overlay!, grpc, thrift, limits } };
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
  return limits;
}
