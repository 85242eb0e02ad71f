import type * as grpc from "@grpc/grpc-js";
import type { WatchServicesRequest } from "../gen/proto/hearsay/v1/gateway.js";
import type { Service, ServiceEvent } from "../gen/proto/hearsay/v1/types.js";
import type { ReconnectOptions } from "./backoff.js";
import type { HearsayError } from "./errors.js";
import { ResilientStream } from "./stream.js";
import { SERVICE_SNAPSHOT, type ServiceWatch, SnapshotWatchStream } from "./watch.js";

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
  /** Stops the heartbeat, waits for a refresh in flight, then removes the instance. */
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

/** A registration the client keeps alive; stop() is what its deregister and close do first. */
export interface KeptRegistration extends ServiceRegistration {
  /** Stops refreshing; resolves once no refresh is in flight (never rejects). */
  stop(): Promise<void>;
}

/**
 * Keeps a registration alive: one RegisterService ttl/3 after the previous one ended (a
 * refresh); a failed refresh is reported to `onError` and retried on the next tick. A
 * refresh already sent could land after a DeregisterService and register the instance
 * again, so deregister() stops the timer, waits for the refresh in flight (at most one
 * call timeout), then removes; no refresh starts once stop(), close() or deregister() began.
 */
export function heartbeat(
  service: Service,
  refresh: () => Promise<unknown>,
  remove: () => Promise<boolean>,
  onError: (err: unknown) => void,
  onEnd: (r: ServiceRegistration) => void,
): KeptRegistration {
  const periodMs = Math.max(100, Math.floor(service.ttlMs / 3));
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let inFlight: Promise<void> = Promise.resolve(); // settles with the last refresh started
  const report = (err: unknown) => {
    try {
      onError(err);
    } catch {
      // the application's hook; the keeper goes on
    }
  };
  const schedule = () => {
    timer = setTimeout(tick, periodMs);
    timer.unref();
  };
  const tick = () => {
    timer = null;
    if (stopped) return;
    let sent: Promise<unknown>;
    try {
      sent = refresh();
    } catch (err) {
      sent = Promise.reject(err);
    }
    inFlight = sent.then(
      () => (stopped ? undefined : schedule()),
      (err: unknown) => {
        report(err);
        if (!stopped) schedule();
      },
    );
  };
  const stop = (): Promise<void> => {
    if (!stopped) {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      void inFlight.then(() => onEnd(reg));
    }
    return inFlight;
  };
  const reg: KeptRegistration = {
    service,
    stop,
    close: () => void stop(),
    deregister: async () => {
      await stop();
      return remove();
    },
  };
  if (service.ttlMs > 0) schedule();
  return reg;
}

/**
 * Service events as they happen. Like member watches, events during a
 * disconnection are not replayed: after a reconnect the watch asks again
 * with include_current (CURRENT events, then SNAPSHOT_END), and each event
 * carries every passing instance of the watched name, so a consumer can
 * always reconfigure from one event.
 */
export function watchServices(
  open: (req: WatchServicesRequest) => grpc.ClientReadableStream<ServiceEvent>,
  overlay: string,
  name: string,
  opts: WatchServicesOptions,
  onEnd: (w: ServiceWatch) => void,
): ServiceWatch {
  let opened = 0;
  const stream: ResilientStream<ServiceEvent> = new ResilientStream<ServiceEvent>({
    open: () => open({ overlay, name, includeCurrent: opened++ > 0 || (opts.includeCurrent ?? false) }),
    handle: (e) => [e as ServiceEvent],
    reconnect: opts.reconnect ?? {},
    idleTimeoutMs: 0,
    maxQueued: MAX_QUEUED_EVENTS,
    signal: opts.signal,
    onRetry: opts.onRetry,
    onEnd: () => queueMicrotask(() => onEnd(watch)),
  });
  const watch = new SnapshotWatchStream(stream, SERVICE_SNAPSHOT);
  return watch;
}
