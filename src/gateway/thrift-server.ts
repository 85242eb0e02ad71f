import { createRequire } from "node:module";
import { type AddressInfo, createServer, type Socket } from "node:net";
import type { HostPort } from "../config/index.js";
import type { InfoResponse } from "../gen/proto/hearsay/v1/gateway.js";
import type { Client as GatewayClient } from "../gen/thrift/Gateway.js";
import type { MemberEvent, ServiceEvent } from "../gen/proto/hearsay/v1/types.js";
import type { Logger } from "../observe/index.js";
import { asHearsayError, HearsayError, InvalidArgument } from "../errors/index.js";
import type { GatewayApi } from "./api.js";
import type { Caller } from "./auth.js";
import type { OpenSubscription } from "./digest-service.js";
import { LongPoll } from "./long-poll.js";
import { BoundedPoll } from "./thrift-poll.js";
import { fixApplicationExceptionType } from "./thrift-compat.js";
import { serveThriftConnection, type ThriftProcessor } from "./thrift-connection.js";
import {
  listServicesFromThrift,
  memberEventToThrift,
  registerServiceFromThrift,
  serviceEventToThrift,
  serviceToThrift,
  watchMembersFromThrift,
  watchServicesFromThrift,
} from "./thrift-services.js";
import { toThriftI64 } from "./thrift-i64.js";
import {
  digestTypeToThrift,
  isStringMap,
  memberToThrift,
  newDigestFromThrift,
  pollItemsToThrift,
  publishResponseToThrift,
  registerFromThrift,
  str,
  subscribeFromThrift,
  ttypes,
} from "./thrift-types.js";
import { WatchQueue } from "./watch-queue.js";

// Thrift's Node generator emits CommonJS; load it natively (see scripts/gen/ts.sh).
const require = createRequire(import.meta.url);
const Gateway = require("../gen/thrift/Gateway.js") as {
  Processor: new (handler: ThriftHandler) => ThriftProcessor;
};

/** Member or service events held for one watcher between polls before it is ended. */
const MAX_QUEUED_WATCH_EVENTS = 10_000;

/** What a Thrift connection polls: subscriptions, member watches, service watches. */
interface Polls {
  subscriptions: LongPoll<ReturnType<OpenSubscription["drain"]>[number]>;
  members: LongPoll<MemberEvent>;
  services: LongPoll<ServiceEvent>;
}

function toThriftError(err: unknown): object {
  const e = asHearsayError(err);
  return new ttypes.HearsayError!({ code: e.code, message: e.message });
}

function infoToThrift(i: InfoResponse): object {
  return new ttypes.InfoResponse!({
    nodeName: i.nodeName,
    overlay: i.overlay,
    version: i.version,
    apiVersion: i.apiVersion,
    protocolVersion: i.protocolVersion,
    overlayAddress: i.overlayAddress,
    uptimeMs: toThriftI64(i.uptimeMs),
    aliveMembers: i.aliveMembers,
    limits: new ttypes.Limits!({ ...i.limits }),
    features: i.features,
  });
}

type Callback = (err: unknown, result?: unknown) => void;

/** The service's methods, as the generated client declares them. */
type ThriftMethod = keyof GatewayClient;
/** A method's arguments (token first), from the client's promise overload. */
type ThriftArgs<K extends ThriftMethod> = GatewayClient[K] extends {
  (...args: infer A): Promise<unknown>;
  (...args: never[]): void;
}
  ? A
  : never;
/**
 * What the generated Processor calls: every service method, with its arguments, then a
 * callback. The Processor takes the callback path when a function's `length` differs
 * from the argument count: rest parameters keep it 0.
 */
type ThriftHandler = { [K in ThriftMethod]: (...args: [...ThriftArgs<K>, Callback]) => void };

function handler(api: GatewayApi, log: Logger, polls: Polls, maxFrameBytes: number): ThriftHandler {
  // Callback style (the handler's arity differs from the method's), so errors map cleanly.
  const method =
    <K extends ThriftMethod>(name: K, fn: (args: ThriftArgs<K>, caller: Caller) => unknown) =>
    (...args: [...ThriftArgs<K>, Callback]) => {
      const cb = args[args.length - 1] as Callback;
      try {
        cb(null, fn(args.slice(0, -1) as ThriftArgs<K>, { token: str(args[0]) || null }));
      } catch (err) {
        if (!(err instanceof HearsayError))
          log.error("thrift call failed", { method: name, error: String(err) });
        cb(toThriftError(err));
      }
    };
  /** poll(token, id, maxItems, waitMs): waits without blocking the connection's other calls. */
  const poll =
    <T>(from: LongPoll<T>, convert: (items: T[]) => unknown) =>
    (...args: [...ThriftArgs<"poll">, Callback]) => {
      const [token, id, maxItems, waitMs] = args;
      const cb = args[args.length - 1] as Callback;
      Promise.resolve()
        .then(() => api.authenticate({ token: str(token) || null }))
        .then(() => from.poll(str(id), Number(maxItems) || 0, Number(waitMs) || 0))
        .then((items) => cb(null, convert(items)))
        .catch((err: unknown) => cb(toThriftError(err)));
    };
  let nextWatch = 1;
  const watchId = (kind: string) => `${kind}-${Date.now().toString(36)}-${nextWatch++}`;
  return {
    info: method("info", ([, overlay], c) => infoToThrift(api.info(c, str(overlay)))),
    registerDigestType: method("registerDigestType", ([, req], c) => {
      const r = api.registerDigestType(c, registerFromThrift(req));
      return new ttypes.RegisterDigestTypeResponse!({
        type: digestTypeToThrift(r.type!),
        created: r.created,
      });
    }),
    getDigestType: method("getDigestType", ([, overlay, name], c) =>
      digestTypeToThrift(api.getDigestType(c, str(overlay), str(name))),
    ),
    listDigestTypes: method("listDigestTypes", ([, overlay, prefix], c) =>
      api.listDigestTypes(c, str(overlay), str(prefix)).map(digestTypeToThrift),
    ),
    publish: method("publish", ([, overlay, digest], c) =>
      publishResponseToThrift(api.publish(c, str(overlay), newDigestFromThrift(digest, "digest"))),
    ),
    publishBatch: method("publishBatch", ([, overlay, digests], c) => {
      if (!Array.isArray(digests)) throw InvalidArgument.at("digests", "expected a list");
      const batch = digests.map((d, i) => newDigestFromThrift(d, `digests[${i}]`));
      return api.publishBatch(c, str(overlay), batch).map(publishResponseToThrift);
    }),
    subscribe: method("subscribe", ([token, req], c) => {
      const sub = api.subscribe(c, subscribeFromThrift(req), `thrift:${str(token)}`);
      const budget = api.config.limits.maxSubscribeBatchBytes;
      return polls.subscriptions.open(new BoundedPoll(sub, budget, maxFrameBytes, api.metrics));
    }),
    poll: poll(polls.subscriptions, pollItemsToThrift),
    unsubscribe: method("unsubscribe", ([, id], c) => {
      api.authenticate(c);
      // One call ends a subscription or a member or service watch.
      for (const p of [polls.subscriptions, polls.members, polls.services]) p.close(str(id));
    }),
    listMembers: method("listMembers", ([, req], c) => {
      const r = (req ?? {}) as { overlay?: unknown; statuses?: unknown; tags?: unknown };
      const members = api.listMembers(c, {
        overlay: str(r.overlay),
        statuses: Array.isArray(r.statuses) ? r.statuses.map(Number) : [],
        tags: isStringMap(r.tags) ? r.tags : {},
      });
      return members.map(memberToThrift);
    }),
    watchMembers: method("watchMembers", ([, req], c) => {
      const r = watchMembersFromThrift(req);
      const q = new WatchQueue<MemberEvent>(watchId("members"), "member", MAX_QUEUED_WATCH_EVENTS, (emit) =>
        api.watchMembers(c, r, emit),
      );
      return polls.members.open(q);
    }),
    pollMembers: poll(polls.members, (items) => items.map(memberEventToThrift)),
    registerService: method("registerService", ([, req], c) =>
      serviceToThrift(api.registerService(c, registerServiceFromThrift(req))),
    ),
    deregisterService: method("deregisterService", ([, overlay, name, id], c) =>
      api.deregisterService(c, { overlay: str(overlay), name: str(name), id: str(id) }),
    ),
    listServices: method("listServices", ([, req], c) =>
      api.listServices(c, listServicesFromThrift(req)).map(serviceToThrift),
    ),
    watchServices: method("watchServices", ([, req], c) => {
      const r = watchServicesFromThrift(req);
      const q = new WatchQueue<ServiceEvent>(
        watchId("services"),
        "service",
        MAX_QUEUED_WATCH_EVENTS,
        (emit) => api.watchServices(c, r, emit),
      );
      return polls.services.open(q);
    }),
    pollServices: poll(polls.services, (items) => items.map(serviceEventToThrift)),
  };
}

export interface ThriftListener {
  readonly address: HostPort;
  close(): Promise<void>;
}

/**
 * Framed transport; binary or compact protocol, picked per connection from its first message
 * (see thrift-connection.ts). Frames bounded by `maxFrameBytes`.
 */
export async function startThriftServer(
  api: GatewayApi,
  at: HostPort,
  maxFrameBytes: number,
  log: Logger,
): Promise<ThriftListener> {
  fixApplicationExceptionType();
  const polls: Polls = {
    subscriptions: new LongPoll("subscription"),
    members: new LongPoll("watch"),
    services: new LongPoll("watch"),
  };
  const processor = new Gateway.Processor(handler(api, log, polls, maxFrameBytes));
  const sockets = new Set<Socket>();
  // Malformed frames and oversize lengths close that connection only (logged there); the server lives on.
  const server = createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    serveThriftConnection(s, processor, maxFrameBytes, log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(at.port, at.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Accept failures (e.g. EMFILE) surface on the server; without a listener they would end the process.
  server.on("error", (err: Error) => log.warn("thrift listener error", { error: err.message }));
  const port = (server.address() as AddressInfo).port;
  return {
    address: { host: at.host, port },
    close: () =>
      new Promise<void>((resolve) => {
        polls.subscriptions.closeAll();
        polls.members.closeAll();
        polls.services.closeAll();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
