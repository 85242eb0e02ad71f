import type * as grpc from "@grpc/grpc-js";
import type { WatchServicesRequest } from "../gen/proto/hearsay/v1/gateway.js";
import type { Service, ServiceEvent } from "../gen/proto/hearsay/v1/types.js";
import type { ReconnectOptions } from "./backoff.js";
import type { HearsayError } from "./errors.js";
import type { Watch } from "./members.js";
import { ResilientStream } from "./stream.js";

export interface ServiceSpec {
  /** Service name, e.g. "kafka". */
  name: string;
  /** Port clients should connect to (1-65535). */
  port: number;
  /** Instance id; default "<node>:<name>:<port>". */
  id?: string;
  /** Address clients should use; default the gateway's advertised host. */
  address?: string;
  tags?: Record<string, string>;
  /**
   * Health TTL, ms (0 = none: lives until deregistered or its node goes).
   * With a TTL the SDK re-registers every ttlMs / 3 until deregister() or
   * the client's close(); after that the instance turns critical and expires.
   */
  ttlMs?: number;
}

/** A registered instance; deregister() removes it (and stops its TTL heartbeat). */
export interface ServiceRegistration {
  readonly service: Service;
  deregister(): Promise<boolean>;
  /** Stops the heartbeat without deregistering (the TTL then lapses). */
  close(): void;
}

export interface WatchServicesOptions {
  /** Start with a CURRENT event for every known instance. @default false */
  includeCurrent?: boolean;
  signal?: AbortSignal;
  reconnect?: ReconnectOptions | false;
  onRetry?: (err: HearsayError, attempt: number, delayMs: number) => void;
}

/** Events held before the SDK stops reading. */
const MAX_QUEUED_EVENTS = 1_024;

/**
 * Keeps a registration alive: one RegisterService every ttl/3 (a refresh);
 * a failed refresh is reported to `onError` and retried on the next tick.
 */
export function heartbeat(
  service: Service,
  refresh: () => Promise<unknown>,
  remove: () => Promise<boolean>,
  onError: (err: unknown) => void,
  onEnd: (r: ServiceRegistration) => void,
): ServiceRegistration {
  let timer: NodeJS.Timeout | null = null;
  const reg: ServiceRegistration = {
    service,
    close: () => {
      if (timer) clearInterval(timer);
      timer = null;
      onEnd(reg);
    },
    deregister: async () => {
      reg.close();
      return remove();
    },
  };
  if (service.ttlMs > 0) {
    timer = setInterval(() => void refresh().catch(onError), Math.max(100, Math.floor(service.ttlMs / 3)));
    timer.unref();
  }
  return reg;
}

/**
 * Service events as they happen. Like member watches, events during a
 * disconnection are not replayed: after a reconnect the watch asks again
 * with include_current, and each event carries every passing instance of
 * the watched name, so a consumer can always reconfigure from one event.
 */
export function watchServices(
  open: (req: WatchServicesRequest) => grpc.ClientReadableStream<ServiceEvent>,
  overlay: string,
  name: string,
  opts: WatchServicesOptions,
  onEnd: (w: Watch<ServiceEvent>) => void,
): Watch<ServiceEvent> {
  let opened = 0;
  const stream: ResilientStream<ServiceEvent> = new ResilientStream<ServiceEvent>({
    open: () => open({ overlay, name, includeCurrent: opened++ > 0 || (opts.includeCurrent ?? false) }),
    handle: (e) => [e as ServiceEvent],
    reconnect: opts.reconnect ?? {},
    idleTimeoutMs: 0,
    maxQueued: MAX_QUEUED_EVENTS,
    signal: opts.signal,
    onRetry: opts.onRetry,
    onEnd: () => queueMicrotask(() => onEnd(stream)),
  });
  return stream;
}
