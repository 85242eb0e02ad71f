import { randomBytes } from "node:crypto";
import type { ClientLimits } from "../config/index.js";
import {
  type PublishResponse,
  type SubscribeRequest,
  StartPosition,
} from "../gen/proto/hearsay/v1/gateway.js";
import { type Digest, type GapNotice, GapReason, type NewDigest } from "../gen/proto/hearsay/v1/types.js";
import type { CaughtUp } from "../gen/proto/hearsay/v1/gateway.js";
import { atItem, fromProblem, InvalidArgument, NotFound, ResourceExhausted } from "../errors/index.js";
import type { BusDigest, BusGap, BusSubscription, DigestBus, SubscriptionItem } from "./digest-bus.js";
import type { TypeRegistry } from "./digest-types.js";
import { checkNewDigest } from "./new-digest.js";

const GAP_REASONS: Record<BusGap["reason"], GapReason> = {
  "slow-consumer": GapReason.GAP_REASON_SLOW_CONSUMER,
  "retention-expired": GapReason.GAP_REASON_RETENTION_EXPIRED,
  unrecoverable: GapReason.GAP_REASON_UNRECOVERABLE,
};

/** Digests queued for one subscriber before it gets a gap notice. @default 65536 */
export const DEFAULT_SUBSCRIBER_QUEUE = 65_536;

/**
 * A PublishResponse that builds its id and 64-bit fields when read. A
 * PublishStream call holds one per digest until the client ends it (the
 * reply lists them all): one small object each instead of an object, an id
 * string and two BigInts, which at 100,000 digests/s was garbage enough to
 * lengthen GC pauses.
 */
class Published implements PublishResponse {
  constructor(
    readonly origin: string,
    private readonly epochNum: number,
    private readonly seq: number,
    private readonly typeSeq: number,
    private readonly timeMs: number,
  ) {}

  get id(): string {
    return `${this.origin}:${this.epochNum}:${this.seq}`;
  }

  get epoch(): bigint {
    return BigInt(this.epochNum);
  }

  get streamSequence(): bigint {
    return BigInt(this.typeSeq);
  }

  get sequence(): bigint {
    return BigInt(this.seq);
  }

  get publishTimeMs(): bigint {
    return BigInt(Math.floor(this.timeMs));
  }
}

/** A subscription opened for a client, counted against its limit until closed. */
export interface OpenSubscription {
  readonly id: string;
  readonly types: string[];
  readonly includeJson: boolean;
  /** Items converted for the wire, at most `max`. */
  drain(max: number): WireItem[];
  /** Items as the bus queued them, at most `max` (for encoders that write digests themselves). */
  drainItems(max: number): SubscriptionItem[];
  /** The payload as JSON when the subscriber asked for it (includeJson), else null. */
  readonly json: ((d: BusDigest) => string | undefined) | null;
  onReadable(fn: () => void): void;
  close(): void;
}

/** Publish and subscribe for the client API, on the bus, with the gateway's checks and limits. */
export class DigestService {
  private readonly perClient = new Map<string, number>();
  private nextId = 1;

  constructor(
    private readonly bus: DigestBus,
    private readonly registry: TypeRegistry,
    private readonly limits: ClientLimits,
    private readonly nodeName: string,
  ) {}

  publish(d: NewDigest | undefined, field = "digest"): PublishResponse {
    const checked = checkNewDigest(d, this.registry, this.limits, field);
    const r = this.bus.publish(checked);
    if (!r.ok) throw fromProblem({ ...r.error, field });
    const p = r.digest;
    return new Published(p.origin, p.epoch, p.seq, p.typeSeq, p.publishTimeMs);
  }

  /**
   * Accepted in order; the first refusal throws with its `index` (and "digests[index]" in its
   * message), the ones before stay published. `offset` is the batch's first index in its stream.
   */
  publishBatch(digests: NewDigest[], offset = 0): PublishResponse[] {
    if (digests.length > this.limits.maxBatchDigests) {
      throw new ResourceExhausted(
        `digests: ${digests.length} in one batch, at most ${this.limits.maxBatchDigests}`,
      );
    }
    const out: PublishResponse[] = [];
    let i = offset;
    try {
      for (const d of digests) {
        out.push(this.publish(d, `digests[${i}]`));
        i++;
      }
    } catch (err) {
      throw atItem(err, i);
    }
    return out;
  }

  subscribe(req: SubscribeRequest, client: string): OpenSubscription {
    const types = [...new Set(req.types)];
    if (types.length === 0) throw InvalidArgument.at("types", "at least one digest type");
    if (types.length > this.limits.maxTypesPerSubscription) {
      throw new ResourceExhausted(
        `types: ${types.length} types, at most ${this.limits.maxTypesPerSubscription}`,
      );
    }
    for (const t of types) {
      if (!this.registry.get(t)) throw new NotFound(`types: digest type "${t}" is not registered`);
    }
    const open = this.perClient.get(client) ?? 0;
    if (open >= this.limits.maxSubscriptionsPerClient) {
      throw new ResourceExhausted(
        `client ${client} already has ${open} subscriptions, at most ${this.limits.maxSubscriptionsPerClient}`,
      );
    }
    const resumeFrom = req.resumeFrom
      ? req.resumeFrom.positions.map((p, i) => {
          if (!p.origin || !p.type)
            throw InvalidArgument.at(`resume_from.positions[${i}]`, "origin and type are required");
          if (p.sequence > BigInt(Number.MAX_SAFE_INTEGER)) {
            throw InvalidArgument.at(`resume_from.positions[${i}].sequence`, "beyond 2^53");
          }
          if (p.epoch > BigInt(Number.MAX_SAFE_INTEGER)) {
            throw InvalidArgument.at(`resume_from.positions[${i}].epoch`, "beyond 2^53");
          }
          return { origin: p.origin, type: p.type, epoch: Number(p.epoch), seq: Number(p.sequence) };
        })
      : null;
    const r = this.bus.subscribe({
      types,
      resumeFrom,
      start: req.start === StartPosition.START_POSITION_EARLIEST ? "earliest" : "latest",
      maxQueued: DEFAULT_SUBSCRIBER_QUEUE,
    });
    if (!r.ok) throw fromProblem({ ...r.error, message: `subscribe: ${r.error.message}` });
    this.perClient.set(client, open + 1);
    return this.wrap(r.subscription, types, req.includeJson, client);
  }

  private wrap(
    sub: BusSubscription,
    types: string[],
    includeJson: boolean,
    client: string,
  ): OpenSubscription {
    let closed = false;
    return {
      // Unguessable: a Thrift poll names its subscription by id alone.
      id: `${this.nodeName}/${this.nextId++}-${randomBytes(6).toString("hex")}`,
      types,
      includeJson,
      drain: (max) => sub.drain(max).map((item) => this.toWire(item, includeJson)),
      drainItems: (max) => sub.drain(max),
      json: includeJson ? (d) => this.jsonOf(d) : null,
      onReadable: (fn) => sub.onReadable(fn),
      close: () => {
        if (closed) return;
        closed = true;
        sub.close();
        const n = (this.perClient.get(client) ?? 1) - 1;
        if (n <= 0) this.perClient.delete(client);
        else this.perClient.set(client, n);
      },
    };
  }

  private toWire(item: SubscriptionItem, includeJson: boolean): WireItem {
    if (item.kind === "gap") return { gap: gapToProto(item.gap) };
    if (item.kind === "caught-up") return { caughtUp: caughtUpToProto(item.backlog) };
    return { digest: this.digestToProto(item.digest, includeJson) };
  }

  private jsonOf(d: BusDigest): string | undefined {
    const r = this.registry.get(d.type)?.compiled.toJson(d.payload);
    return r?.ok ? r.json : undefined;
  }

  private digestToProto(d: BusDigest, includeJson: boolean): Digest {
    const json = includeJson ? this.jsonOf(d) : undefined;
    return {
      type: d.type,
      payload: Buffer.from(d.payload.buffer, d.payload.byteOffset, d.payload.byteLength),
      origin: d.origin,
      sequence: BigInt(d.seq),
      publishTimeMs: BigInt(Math.floor(d.publishTimeMs)),
      headers: { ...d.headers },
      id: `${d.origin}:${d.epoch}:${d.seq}`,
      json,
      epoch: BigInt(d.epoch),
      streamSequence: BigInt(d.typeSeq),
    };
  }
}

export function gapToProto(g: BusGap): GapNotice {
  return {
    reason: GAP_REASONS[g.reason],
    ranges: g.ranges.map((r) => ({
      origin: r.origin,
      type: r.type,
      fromSequence: BigInt(r.fromSeq),
      toSequence: BigInt(r.toSeq),
      epoch: BigInt(r.epoch),
    })),
    message: g.message,
    resumeFrom: {
      positions: g.resumeFrom.map((p) => ({
        origin: p.origin,
        type: p.type,
        sequence: BigInt(p.seq),
        epoch: BigInt(p.epoch),
      })),
    },
  };
}

export function caughtUpToProto(backlog: number): CaughtUp {
  return { serverTimeMs: BigInt(Date.now()), backlogDigests: BigInt(backlog) };
}

/** A subscription item as the wire carries it. */
export type WireItem = { digest: Digest } | { gap: GapNotice } | { caughtUp: CaughtUp };
