import { createRequire } from "node:module";
import type { AddressInfo, Server } from "node:net";
import thrift from "thrift";
import type { HostPort } from "../config/index.js";
import type { InfoResponse } from "../gen/proto/hearsay/v1/gateway.js";
import type { Logger } from "../logging/index.js";
import type { GatewayApi } from "./api.js";
import { ApiError, asApiError } from "./errors.js";
import { toThriftI64 } from "./thrift-i64.js";
import {
  digestTypeToThrift,
  isStringMap,
  memberToThrift,
  registerFromThrift,
  str,
  ttypes,
} from "./thrift-types.js";

// Thrift's Node generator emits CommonJS; load it natively (see scripts/gen/ts.sh).
const require = createRequire(import.meta.url);
const Gateway = require("../gen/thrift/Gateway.js") as { Processor: unknown };

/** Thrift methods that are not built yet, with the gRPC operation each mirrors. */
const PENDING: Readonly<Record<string, string>> = {
  publish: "Publish",
  publishBatch: "PublishStream",
  subscribe: "Subscribe",
  poll: "Subscribe",
  unsubscribe: "Subscribe",
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

function handler(api: GatewayApi, log: Logger): Record<string, (...args: unknown[]) => void> {
  // Callback style (the handler's arity differs from the method's), so errors map cleanly.
  const method =
    (name: string, fn: (args: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      const cb = args[args.length - 1] as Callback;
      try {
        cb(null, fn(args.slice(0, -1)));
      } catch (err) {
        if (!(err instanceof ApiError)) log.error("thrift call failed", { method: name, error: String(err) });
        cb(toThriftError(err));
      }
    };
  const h: Record<string, (...args: unknown[]) => void> = {
    info: method("info", ([, overlay]) => infoToThrift(api.info(str(overlay)))),
    registerDigestType: method("registerDigestType", ([, req]) => {
      const r = api.registerDigestType(registerFromThrift(req));
      return new ttypes.RegisterDigestTypeResponse!({
        type: digestTypeToThrift(r.type!),
        created: r.created,
      });
    }),
    getDigestType: method("getDigestType", ([, overlay, name]) =>
      digestTypeToThrift(api.getDigestType(str(overlay), str(name))),
    ),
    listDigestTypes: method("listDigestTypes", ([, overlay, prefix]) =>
      api.listDigestTypes(str(overlay), str(prefix)).map(digestTypeToThrift),
    ),
    listMembers: method("listMembers", ([, req]) => {
      const r = (req ?? {}) as { overlay?: unknown; statuses?: unknown; tags?: unknown };
      const members = api.listMembers({
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
  const server = thrift.createServer(
    Gateway as never,
    handler(api, log) as never,
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
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
