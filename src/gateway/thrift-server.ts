import { createRequire } from "node:module";
import type { AddressInfo, Server } from "node:net";
import thrift from "thrift";
import type { HostPort } from "../config/index.js";
import type { InfoResponse } from "../gen/proto/hearsay/v1/gateway.js";
import type { Logger } from "../logging/index.js";
import type { GatewayApi } from "./api.js";
import type { Caller } from "./auth.js";
import { ApiError, asApiError } from "./errors.js";
import { LongPollSubscriptions } from "./long-poll.js";
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

// Thrift's Node generator emits CommonJS; load it natively (see scripts/gen/ts.sh).
const require = createRequire(import.meta.url);
const Gateway = require("../gen/thrift/Gateway.js") as { Processor: unknown };

/** Thrift methods that are not built yet, with the gRPC operation each mirrors. */
const PENDING: Readonly<Record<string, string>> = {
  watchMembers: "watchMembers (Thrift long-poll)",
  pollMembers: "watchMembers (Thrift long-poll)",
  registerService: "RegisterService",
  deregisterService: "DeregisterService",
  listServices: "ListServices",
  watchServices: "WatchServices",
  pollServices: "WatchServices",
};

function toThriftError(err: unknown): object {
  const e = asApiError(err);
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

function handler(
  api: GatewayApi,
  log: Logger,
  polls: LongPollSubscriptions,
): Record<string, (...args: unknown[]) => void> {
  // Callback style (the handler's arity differs from the method's), so errors map cleanly.
  const method =
    (name: string, fn: (args: unknown[], caller: Caller) => unknown) =>
    (...args: unknown[]) => {
      const cb = args[args.length - 1] as Callback;
      try {
        cb(null, fn(args.slice(0, -1), { token: str(args[0]) || null }));
      } catch (err) {
        if (!(err instanceof ApiError)) log.error("thrift call failed", { method: name, error: String(err) });
        cb(toThriftError(err));
      }
    };
  const h: Record<string, (...args: unknown[]) => void> = {
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
      if (!Array.isArray(digests)) throw ApiError.invalidArgument("digests", "expected a list");
      const batch = digests.map((d, i) => newDigestFromThrift(d, `digests[${i}]`));
      return api.publishBatch(c, str(overlay), batch).map(publishResponseToThrift);
    }),
    subscribe: method("subscribe", ([token, req], c) =>
      polls.open(api.subscribe(c, subscribeFromThrift(req), `thrift:${str(token)}`)),
    ),
    poll: (...args: unknown[]) => {
      const [token, id, maxItems, waitMs] = args;
      const cb = args[args.length - 1] as Callback;
      Promise.resolve()
        .then(() => api.authenticate({ token: str(token) || null }))
        .then(() => polls.poll(str(id), Number(maxItems) || 0, Number(waitMs) || 0))
        .then((items) => cb(null, pollItemsToThrift(items)))
        .catch((err: unknown) => cb(toThriftError(err)));
    },
    unsubscribe: method("unsubscribe", ([, id], c) => {
      api.authenticate(c);
      polls.close(str(id));
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
  };
  for (const [method, operation] of Object.entries(PENDING)) {
    h[method] = (...args: unknown[]) => {
      const cb = args[args.length - 1] as Callback;
      try {
        api.pending(operation);
      } catch (err) {
        cb(toThriftError(err));
      }
    };
  }
  return h;
}

export interface ThriftListener {
  readonly address: HostPort;
  close(): Promise<void>;
}

/** Framed transport + binary protocol, frames bounded by `maxFrameBytes`. */
export async function startThriftServer(
  api: GatewayApi,
  at: HostPort,
  maxFrameBytes: number,
  log: Logger,
): Promise<ThriftListener> {
  const polls = new LongPollSubscriptions();
  const server = thrift.createServer(
    Gateway as never,
    handler(api, log, polls) as never,
    {
      transport: thrift.TFramedTransport,
      protocol: thrift.TBinaryProtocol,
      maxLength: maxFrameBytes,
    } as never,
  ) as unknown as Server;
  // Malformed frames and oversize lengths surface here; the connection is closed, the server lives on.
  server.on("error", (err: Error) => log.warn("thrift connection dropped", { error: err.message }));
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(at.port, at.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address: { host: at.host, port },
    close: () =>
      new Promise<void>((resolve) => {
        polls.closeAll();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
