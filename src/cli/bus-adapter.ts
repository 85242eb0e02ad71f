import type { Bus, Subscription } from "../bus/index.js";
import type { BusSubscription, DigestBus, SubscriptionItem } from "../gateway/index.js";

const GAP_REASON = {
  SLOW_CONSUMER: "slow-consumer",
  RETENTION_EXPIRED: "retention-expired",
  UNRECOVERABLE: "unrecoverable",
} as const;

/** The bus as the client API sees it: one-shot readable callbacks, gateway-shaped items. */
export function digestBus(bus: Bus): DigestBus {
  return {
    // Bus refusals are the gateway's Problems already: codes pass through as they are.
    publish: (d) => bus.publish({ type: d.type, payload: d.payload, headers: d.headers }),
    subscribe(opts) {
      const r = bus.subscribe({
        types: opts.types,
        start: opts.start,
        maxQueued: opts.maxQueued,
        ...(opts.resumeFrom
          ? {
              resumeFrom: opts.resumeFrom.map((p) => ({
                origin: p.origin,
                type: p.type,
                epoch: p.epoch,
                sequence: p.seq,
              })),
            }
          : {}),
      });
      return r.ok ? { ok: true, subscription: wrap(r.subscription) } : r;
    },
  };
}

function wrap(sub: Subscription): BusSubscription {
  return {
    drain: (max) =>
      sub.drain(max).map((item): SubscriptionItem => {
        if (item.kind !== "gap") return item;
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
              epoch: p.epoch,
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
