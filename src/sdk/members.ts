import type * as grpc from "@grpc/grpc-js";
import type { WatchMembersRequest } from "../gen/proto/hearsay/v1/gateway.js";
import type { MemberEvent } from "../gen/proto/hearsay/v1/types.js";
import type { ReconnectOptions } from "./backoff.js";
import type { HearsayError } from "./errors.js";
import { ResilientStream } from "./stream.js";
import { MEMBER_SNAPSHOT, type MemberWatch, SnapshotWatchStream } from "./watch.js";

export type { Watch } from "./watch.js";

export interface WatchMembersOptions {
  /** Start with a CURRENT event for every known member. @default false */
  includeCurrent?: boolean;
  /** Only events of members carrying every one of these tags. */
  tags?: Record<string, string>;
  /** Ends iteration cleanly when aborted. */
  signal?: AbortSignal;
  /** Reconnect timing; false = throw on the first failure. */
  reconnect?: ReconnectOptions | false;
  /** Told about each failure that will be retried. */
  onRetry?: (err: HearsayError, attempt: number, delayMs: number) => void;
}

/** Events held before the SDK stops reading. */
const MAX_QUEUED_EVENTS = 1_024;

/**
 * Membership events as they happen. Events during a disconnection are not
 * replayed by the gateway, so after a reconnect the watch asks again with
 * include_current: a CURRENT event per member, then SNAPSHOT_END, re-syncs
 * the consumer (a member it holds that the re-sync did not name is gone).
 */
export function watchMembers(
  open: (req: WatchMembersRequest) => grpc.ClientReadableStream<MemberEvent>,
  overlay: string,
  opts: WatchMembersOptions,
  onEnd: (w: MemberWatch) => void,
): MemberWatch {
  let opened = 0;
  const stream: ResilientStream<MemberEvent> = new ResilientStream<MemberEvent>({
    open: () =>
      open({
        overlay,
        includeCurrent: opened++ > 0 || (opts.includeCurrent ?? false),
        tags: opts.tags ?? {},
      }),
    handle: (e) => [e as MemberEvent],
    reconnect: opts.reconnect ?? {},
    // The gateway sends no keep-alives on this stream; gRPC pings detect a dead connection.
    idleTimeoutMs: 0,
    maxQueued: MAX_QUEUED_EVENTS,
    signal: opts.signal,
    onRetry: opts.onRetry,
    // Deferred: with an already aborted signal this runs inside the constructor.
    onEnd: () => queueMicrotask(() => onEnd(watch)),
  });
  const watch = new SnapshotWatchStream(stream, MEMBER_SNAPSHOT);
  return watch;
}
