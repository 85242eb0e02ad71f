import type { Channels } from "../bus/index.js";
import type { ServiceCatalog } from "../gateway/index.js";
import type { Logger, MemoryMetrics } from "../observe/index.js";
import type { Overlay } from "../overlay/index.js";
import {
  Catalog,
  CatalogSync,
  DEFAULT_SERVICE_LIMITS,
  LocalServices,
  SERVICES_CHANNEL,
} from "../services/index.js";
import { cryptoRng, realClock } from "../transport/index.js";
import { replicationLink } from "./replication-link.js";

/**
 * The replicated service catalog of an agent: this node's registrations
 * (LocalServices), every node's newest snapshot (Catalog), synchronised over
 * the overlay's services channel; failed and departed members' instances
 * expire on the overlay's events.
 */
export function startServiceCatalog(
  overlay: Overlay,
  channels: Channels,
  advertisedHost: string,
  log: Logger,
  metrics: MemoryMetrics,
): { api: ServiceCatalog; sync: CatalogSync } {
  const clock = realClock();
  const catalog = new Catalog();
  const local = new LocalServices(overlay.name, clock.nowMs(), () => advertisedHost, DEFAULT_SERVICE_LIMITS);
  const port = channels.claim(SERVICES_CHANNEL, "services");
  const link = {
    ...replicationLink(overlay, port),
    isLive: (node: string) => {
      const m = overlay.member(node);
      return m !== undefined && (m.status === "alive" || m.status === "suspect");
    },
  };
  const sync = new CatalogSync(local, catalog, link, clock, cryptoRng(), log, metrics);
  overlay.on((e) => {
    if (e.type === "fail" || e.type === "leave") sync.nodeGone(e.member.name);
    else if (e.type === "join") sync.nodeArrived(e.member.address);
  });
  return {
    sync,
    api: {
      register: (r) => sync.register(r),
      deregister: (name, id) => sync.deregister(name, id),
      list: (f) => catalog.list(f),
      onEvent: (fn) => catalog.onEvent(fn),
    },
  };
}
