import type { Bus, Subscription } from "../bus/index.js";
import type { BusError, BusSubscription, DigestBus, SubscriptionItem } from "../gateway/index.js";

const GAP_REASON = {
  SLOW_CONSUMER: "slow-consumer",
  RETENTION_EXPIRED: "retention-expired",
  UNRECOVERABLE: "unrecoverable",
} as const;

/** The bus as the client API sees it: one-shot readable callbacks, gateway-shaped items. */
export function digestBus(bus: Bus): DigestBus {
  return {
    publish(d) {
      const r = bus.publish({ type: d.type, payload: d.payload, headers: d.headers });
      return r.ok ? { ok: true, digest: r.digest } : { ok: false, error: busError(r.error) };
    },
    subscribe(opts) {
      const r = bus.subscribe({
        types: opts.types,
        start: opts.start,
        maxQueued: opts.maxQueued,
        ...(opts.resumeFrom
          ? { resumeFrom: opts.resumeFrom.map((p) => ({ origin: p.origin, type: p.type, sequence: p.seq })) }
          : {}),
      });
      return r.ok
        ? { ok: true, subscription: wrap(r.subscription) }
        : { ok: false, error: busError(r.error) };
    },
  };
}

function busError(e: { code: string; message: string }): BusError {
  const code = e.code === "RESOURCE_EXHAUSTED" ? "RESOURCE_EXHAUSTED" : "INVALID_ARGUMENT";
  return { code, message: e.message };
}

function wrap(sub: Subscription): BusSubscription {
  return {
    drain: (max) =>
      sub.drain(max).map((item): SubscriptionItem => {
        if (item.kind === "digest") return item;
        const g = item.gap;
        return {
          kind: "gap",
          gap: {
            reason: GAP_REASON[g.reason],
            ranges: g.ranges,
            message: g.message,
            resumeFrom: g.resumeFrom.positions.map((p) => ({
              origin: p.origin,
              type: p.type,
              seq: p.sequence,
            })),
          },
        };
      }),
    onReadable: (fn) => {
      const off = sub.onReadable(() => {
        off();
        fn();
      });
    },
    close: () => sub.close(),
  };
}
