import type { Channels } from "../bus/index.js";
import type { Logger, Metrics } from "../observe/index.js";
import type { Overlay } from "../overlay/index.js";
import {
  Catalog,
  CatalogSync,
  DEFAULT_SERVICE_LIMITS,
  LocalServices,
  SERVICES_CHANNEL,
} from "../services/index.js";
import type { Clock, Rng } from "../transport/index.js";
import { replicationLink } from "./replication-link.js";

/** The replicated service catalog of a node: its own registrations, every node's newest snapshot, their sync. */
export interface NodeCatalog {
  readonly local: LocalServices;
  readonly catalog: Catalog;
  readonly sync: CatalogSync;
}

/**
 * This node's registrations (LocalServices) and every node's newest snapshot
 * (Catalog), synchronised over the overlay's services channel; failed and
 * departed members' instances expire on the overlay's events. `bootMs` is the
 * node's wall-clock start: it orders its snapshots across restarts.
 */
export function startServiceCatalog(
  overlay: Overlay,
  channels: Channels,
  advertisedHost: string,
  deps: { clock: Clock; rng: Rng; log: Logger; metrics: Metrics },
): NodeCatalog {
  const catalog = new Catalog();
  const bootMs = Math.floor(deps.clock.nowMs());
  const local = new LocalServices(overlay.name, bootMs, () => advertisedHost, DEFAULT_SERVICE_LIMITS);
  const port = channels.claim(SERVICES_CHANNEL, "services");
  const link = {
    ...replicationLink(overlay, port),
    isLive: (node: string) => {
      const m = overlay.member(node);
      return m !== undefined && (m.status === "alive" || m.status === "suspect");
    },
  };
  const sync = new CatalogSync(local, catalog, link, deps.clock, deps.rng, deps.log, deps.metrics);
  overlay.on((e) => {
    if (e.type === "fail" || e.type === "leave") sync.nodeGone(e.member.name);
    else if (e.type === "join") sync.nodeArrived(e.member.address);
  });
  return { local, catalog, sync };
}
