import { createHash } from "node:crypto";
import { PermissionDenied, Unauthenticated } from "../errors/index.js";

/** One client token and what it may do; patterns use `*` for any run of characters ("demo.*"). */
export interface TokenRule {
  /** Label for logs; never the secret. */
  name: string;
  token: string;
  /** Digest types it may publish (and register). */
  publish: string[];
  /** Digest types it may subscribe to. */
  subscribe: string[];
  /** May call the operator API (keyring management). */
  admin?: boolean;
}

export type Action = "publish" | "subscribe";

/** Who is calling: the token presented, or null when none was sent. */
export interface Caller {
  token: string | null;
}

interface Grant {
  name: string;
  admin: boolean;
  publish: RegExp[];
  subscribe: RegExp[];
}

const hash = (t: string) => createHash("sha256").update(t).digest("hex");

function pattern(p: string): RegExp {
  return new RegExp(
    `^${p
      .split("*")
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
}

/**
 * Per-client tokens with allow-lists. With no tokens configured the gateway is
 * open (the agent warns at start-up). Tokens are compared by their SHA-256, so
 * lookups do not leak how much of a guess matched.
 */
export class Authorizer {
  private readonly grants = new Map<string, Grant>();

  constructor(rules: TokenRule[]) {
    for (const r of rules) {
      this.grants.set(hash(r.token), {
        name: r.name,
        admin: r.admin === true,
        publish: r.publish.map(pattern),
        subscribe: r.subscribe.map(pattern),
      });
    }
  }

  get open(): boolean {
    return this.grants.size === 0;
  }

  /** The caller's grant; UNAUTHENTICATED when tokens are configured and it has none or an unknown one. */
  authenticate(caller: Caller): Grant | null {
    if (this.open) return null;
    if (!caller.token) {
      throw new Unauthenticated(
        "missing token: send metadata authorization: Bearer <token> (Thrift: the token argument)",
      );
    }
    const g = this.grants.get(hash(caller.token));
    if (!g) throw new Unauthenticated("unknown token");
    return g;
  }

  /** PERMISSION_DENIED unless the caller's token is an admin token (or no tokens are configured). */
  authorizeAdmin(caller: Caller): void {
    const g = this.authenticate(caller);
    if (g !== null && !g.admin) {
      throw new PermissionDenied(`token "${g.name}" may not manage the keyring`);
    }
  }

  /** PERMISSION_DENIED naming the first type the caller may not use this way. */
  authorize(caller: Caller, action: Action, types: string[]): void {
    const g = this.authenticate(caller);
    if (g === null) return;
    const allowed = action === "publish" ? g.publish : g.subscribe;
    for (const t of types) {
      if (!allowed.some((re) => re.test(t))) {
        throw new PermissionDenied(`token "${g.name}" may not ${action} digest type "${t}"`);
      }
    }
  }
}

/** The token of a gRPC call from `authorization: Bearer <token>`; null when absent or malformed. */
export function bearerToken(header: unknown): string | null {
  if (typeof header !== "string") return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m ? m[1]! : null;
}
