import type { LocalKeyring } from "./local-keyring.js";
import {
  decodeKeyReply,
  decodeKeyRequest,
  encodeKeyReply,
  encodeKeyRequest,
  type KeyOpRequest,
} from "./wire.js";

/** How keyring operations reach the other members (channel 3 of the bus's mux in the agent). */
export interface KeysLink {
  /** This node's member name. */
  readonly self: string;
  /** Members alive or suspect, this node included. */
  members(): { name: string; address: string }[];
  request(to: string, bytes: Uint8Array, timeoutMs: number, done: (reply: Uint8Array | null) => void): void;
  onRequest(fn: (from: string, bytes: Uint8Array, reply: (bytes: Uint8Array) => void) => void): void;
}

export interface ClusterKeysOptions {
  /** How long one member has to answer, ms. A whole fan-out takes at most ceil(N / maxConcurrent) x this. @default 5000 */
  memberTimeoutMs: number;
  /** Members asked at once. @default 16 */
  maxConcurrent: number;
}

export const DEFAULT_CLUSTER_KEYS_OPTIONS: ClusterKeysOptions = { memberTimeoutMs: 5_000, maxConcurrent: 16 };

/** One member's answer to a fanned-out operation. */
export interface MemberKeyResult {
  node: string;
  /** False when the member did not answer in time (or answered garbage). */
  responded: boolean;
  ok: boolean;
  error: string;
  /** The member's keys after the operation, primary first. */
  keys: Uint8Array[];
}

/**
 * Cluster-wide keyring management, like `serf keys`: an operation is applied
 * here and sent to every live member, each applies it to its own keyring and
 * answers with its keys. Members that do not answer are reported, not retried:
 * the operator re-runs the (idempotent) operation.
 */
export class ClusterKeys {
  constructor(
    private readonly local: LocalKeyring,
    private readonly link: KeysLink,
    private readonly opts: ClusterKeysOptions = DEFAULT_CLUSTER_KEYS_OPTIONS,
  ) {
    link.onRequest((_from, bytes, reply) => {
      const d = decodeKeyRequest(bytes);
      if (!d.ok)
        return reply(encodeKeyReply({ ok: false, error: `malformed request: ${d.error}`, keys: [] }));
      void this.local.apply(d.value).then((r) => reply(encodeKeyReply(r)));
    });
  }

  /** True when gossip is encrypted on this node. */
  get enabled(): boolean {
    return this.local.enabled;
  }

  /** Applies `req` on every live member; one result per member, sorted by name. Never rejects. */
  async run(req: KeyOpRequest): Promise<MemberKeyResult[]> {
    const bytes = encodeKeyRequest(req);
    const members = this.link.members();
    if (!members.some((m) => m.name === this.link.self)) members.push({ name: this.link.self, address: "" });
    const results = await mapBounded(members, this.opts.maxConcurrent, (m) =>
      m.name === this.link.self ? this.applyHere(req) : this.ask(m.name, m.address, bytes),
    );
    return results.sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  }

  private async applyHere(req: KeyOpRequest): Promise<MemberKeyResult> {
    const r = await this.local.apply(req);
    return { node: this.link.self, responded: true, ...r };
  }

  private ask(node: string, address: string, bytes: Uint8Array): Promise<MemberKeyResult> {
    return new Promise((resolve) =>
      this.link.request(address, bytes, this.opts.memberTimeoutMs, (reply) => {
        if (reply === null) {
          resolve({ node, responded: false, ok: false, error: "no answer in time", keys: [] });
          return;
        }
        const d = decodeKeyReply(reply);
        resolve(
          d.ok
            ? { node, responded: true, ...d.value }
            : { node, responded: false, ok: false, error: `unreadable answer: ${d.error}`, keys: [] },
        );
      }),
    );
  }
}

/** `fn` over `items`, at most `limit` at a time; results in input order. */
async function mapBounded<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}
