import type {
  DeregisterServiceRequest,
  ListServicesRequest,
  RegisterServiceRequest,
  WatchServicesRequest,
} from "../gen/proto/hearsay/v1/gateway.js";
import {
  type Service,
  type ServiceEvent,
  ServiceEventKind,
  ServiceHealth,
} from "../gen/proto/hearsay/v1/types.js";
import {
  fromProblem,
  type HearsayError,
  InvalidArgument,
  type Problem,
  ResourceExhausted,
} from "../errors/index.js";
import type {
  CatalogEvent,
  CatalogEventKind,
  ListFilter,
  RegisterServiceResult,
  ServiceInstance,
} from "../services/index.js";

/** What the client API needs of the replicated catalog (CatalogSync + Catalog in the agent). */
export interface ServiceCatalog {
  register(req: {
    name: string;
    id: string;
    address: string;
    port: number;
    tags: Record<string, string>;
    ttlMs: number;
  }): RegisterServiceResult;
  deregister(name: string, id: string): boolean;
  list(filter: ListFilter): ServiceInstance[];
  onEvent(fn: (e: CatalogEvent) => void): () => void;
}

const KIND: Record<CatalogEventKind, ServiceEventKind> = {
  registered: ServiceEventKind.SERVICE_EVENT_KIND_REGISTERED,
  updated: ServiceEventKind.SERVICE_EVENT_KIND_UPDATED,
  deregistered: ServiceEventKind.SERVICE_EVENT_KIND_DEREGISTERED,
  expired: ServiceEventKind.SERVICE_EVENT_KIND_EXPIRED,
};

/** Most tag filters in one request. */
const MAX_TAG_FILTERS = 64;

/** The service side of the client API: validation, conversion to the wire types, and watches. */
export class ServiceDirectory {
  constructor(
    private readonly catalog: ServiceCatalog,
    private readonly nowMs: () => number,
  ) {}

  register(req: RegisterServiceRequest): Service {
    const r = this.catalog.register({
      name: req.name,
      id: req.id,
      address: req.address,
      port: req.port,
      tags: { ...req.tags },
      ttlMs: req.ttlMs,
    });
    if (!r.ok) throw refusal(r.error);
    return toService(r.instance);
  }

  deregister(req: DeregisterServiceRequest): boolean {
    if (!req.name) throw InvalidArgument.at("name", "required");
    if (!req.id) throw InvalidArgument.at("id", "required (the id returned by RegisterService)");
    return this.catalog.deregister(req.name, req.id);
  }

  list(req: ListServicesRequest): Service[] {
    return this.catalog.list(filterOf(req.name, req.passingOnly, req.tags)).map(toService);
  }

  /**
   * CURRENT for every known instance first when asked, then one SNAPSHOT_END
   * (always, also without include_current; its `instances` is every passing
   * instance of `name`, or empty when watching all), then every change of
   * `name` (or all).
   */
  watch(req: WatchServicesRequest, emit: (e: ServiceEvent) => void): () => void {
    const name = req.name;
    const stop = this.catalog.onEvent((e) => {
      if (name && e.instance.name !== name) return;
      const instances = this.passingOf(e.instance.name);
      emit({ kind: KIND[e.kind], instance: toService(e.instance), instances, timeMs: BigInt(this.nowMs()) });
    });
    if (req.includeCurrent) {
      const now = BigInt(this.nowMs());
      for (const i of this.catalog.list(name ? { name } : {})) {
        emit({
          kind: ServiceEventKind.SERVICE_EVENT_KIND_CURRENT,
          instance: toService(i),
          instances: this.passingOf(i.name),
          timeMs: now,
        });
      }
    }
    emit({
      kind: ServiceEventKind.SERVICE_EVENT_KIND_SNAPSHOT_END,
      instance: undefined,
      instances: name ? this.passingOf(name) : [],
      timeMs: BigInt(this.nowMs()),
    });
    return stop;
  }

  private passingOf(name: string): Service[] {
    return this.catalog.list({ name, passingOnly: true }).map(toService);
  }
}

function filterOf(name: string, passingOnly: boolean, tags: Record<string, string>): ListFilter {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAG_FILTERS) {
    throw new ResourceExhausted(`tags: at most ${MAX_TAG_FILTERS} tag filters, got ${entries.length}`);
  }
  return { name, passingOnly, tags };
}

export function toService(i: ServiceInstance): Service {
  return {
    name: i.name,
    id: i.id,
    node: i.node,
    address: i.address,
    port: i.port,
    tags: { ...i.tags },
    health:
      i.health === "passing" ? ServiceHealth.SERVICE_HEALTH_PASSING : ServiceHealth.SERVICE_HEALTH_CRITICAL,
    ttlMs: i.ttlMs,
    registeredAtMs: BigInt(i.registeredAtMs),
  };
}

/** The catalog's refusal as the client sees it: "<field>: <problem>". */
function refusal(p: Problem): HearsayError {
  return fromProblem({ ...p, field: p.field ?? "request" });
}
