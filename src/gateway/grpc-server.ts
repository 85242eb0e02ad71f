import * as grpc from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { formatHostPort, type HostPort } from "../config/index.js";
import {
  type GatewayServer,
  type GetDigestTypeRequest,
  type ListDigestTypesRequest,
  type DeregisterServiceRequest,
  type ListMembersRequest,
  type ListServicesRequest,
  type PublishRequest,
  type PublishResponse,
  type PublishStreamRequest,
  type PublishStreamResponse,
  type RegisterDigestTypeRequest,
  type RegisterServiceRequest,
} from "../gen/proto/hearsay/v1/gateway.js";
import type { Logger } from "../observe/index.js";
import {
  asHearsayError,
  codeName,
  errorFromCode,
  HearsayError,
  InvalidArgument,
  ResourceExhausted,
} from "../errors/index.js";
import type { GatewayApi } from "./api.js";
import { bearerToken, type Caller } from "./auth.js";
import { type SubscribeBatching, streamSubscription } from "./grpc-subscribe.js";
import { GatewayServiceWithRawSubscribe } from "./subscribe-wire.js";
import { raiseReceiveWindows } from "./http2-window.js";
import { addReflection } from "./reflection.js";
import { StreamPump } from "./stream-pump.js";

/** Most digests one PublishStream call may carry: its reply holds one result per digest. */
const MAX_STREAM_DIGESTS = 100_000;

/** Member or service events held for one slow watcher before its stream is ended. */
const MAX_QUEUED_WATCH_EVENTS = 10_000;

/** The status object grpc-js sends for an error (codes are gRPC numbers). */
function toStatus(err: unknown): Partial<grpc.StatusObject> {
  const e = asHearsayError(err);
  return { code: e.code as number as grpc.status, details: e.message };
}

/** The caller of a gRPC call: the token of its `authorization: Bearer` metadata. */
function callerOf(call: { metadata: grpc.Metadata }): Caller {
  return { token: bearerToken(call.metadata.get("authorization")[0]) };
}

function unary<Req, Res>(
  log: Logger,
  name: string,
  fn: (req: Req, caller: Caller) => Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    try {
      callback(null, fn(call.request, callerOf(call)));
    } catch (err) {
      const status = toStatus(err);
      if (!(err instanceof HearsayError)) log.error("rpc failed", { rpc: name, error: String(err) });
      log.debug("rpc refused", { rpc: name, code: codeName(status.code as number), details: status.details });
      callback(status, null);
    }
  };
}

/** Who a call counts against for per-client limits: its token, else its peer address. */
function clientKey(call: { metadata: grpc.Metadata; getPeer(): string }): string {
  const auth = call.metadata.get("authorization")[0];
  return typeof auth === "string" && auth !== "" ? `token:${auth}` : `peer:${call.getPeer()}`;
}

/** Batches in, accepted in order; the first refusal ends the call naming the digest's index in the stream. */
function publishStream(
  api: GatewayApi,
  call: grpc.ServerReadableStream<PublishStreamRequest, PublishStreamResponse>,
  callback: grpc.sendUnaryData<PublishStreamResponse>,
): void {
  const results: PublishResponse[] = [];
  let overlay: string | null = null;
  let failed = false;
  call.on("data", (req: PublishStreamRequest) => {
    if (failed) return;
    try {
      if (overlay === null) overlay = req.overlay;
      else if (req.overlay !== overlay)
        throw InvalidArgument.at("overlay", "must be the same in every request of a stream");
      const offset = results.length;
      if (offset + req.digests.length > MAX_STREAM_DIGESTS) {
        throw new ResourceExhausted(
          `digests: one PublishStream call carries at most ${MAX_STREAM_DIGESTS} digests (its reply lists each); start a new call`,
        );
      }
      try {
        results.push(...api.publishBatch(callerOf(call), req.overlay, req.digests, offset));
      } catch (err) {
        // A refusal names the digest's index in the stream; the ones before it were accepted.
        const e = asHearsayError(err);
        const accepted = e.index ?? offset;
        throw errorFromCode(e.code, `${e.message} (${accepted} accepted before it)`, e);
      }
    } catch (err) {
      failed = true;
      callback(toStatus(err), null);
    }
  });
  call.on("end", () => {
    if (!failed) callback(null, { accepted: BigInt(results.length), results });
  });
  call.on("error", () => {
    failed = true;
  });
}

function handlers(
  api: GatewayApi,
  log: Logger,
  streams: Set<() => void>,
  maxMessageBytes: number,
): GatewayServer {
  const batching: SubscribeBatching = {
    maxBatchDigests: api.config.limits.maxBatchDigests,
    maxBatchBytes: api.config.limits.maxSubscribeBatchBytes,
    maxMessageBytes,
    metrics: api.metrics,
  };
  /** Serves a watch stream and tracks it so shutdown can end it first. */
  const watch =
    <Req, Ev>(what: string, start: (c: Caller, req: Req, emit: (e: Ev) => void) => () => void) =>
    (call: grpc.ServerWritableStream<Req, Ev>): void => {
      const end = watchStream(call, what, (emit) => start(callerOf(call), call.request, emit));
      streams.add(end);
      call.on("close", () => streams.delete(end));
    };
  return {
    info: unary(log, "Info", (req: { overlay: string }, c) => api.info(c, req.overlay)),
    registerDigestType: unary(log, "RegisterDigestType", (req: RegisterDigestTypeRequest, c) =>
      api.registerDigestType(c, req),
    ),
    getDigestType: unary(log, "GetDigestType", (req: GetDigestTypeRequest, c) =>
      api.getDigestType(c, req.overlay, req.name),
    ),
    listDigestTypes: unary(log, "ListDigestTypes", (req: ListDigestTypesRequest, c) => ({
      types: api.listDigestTypes(c, req.overlay, req.namePrefix),
    })),
    publish: unary(log, "Publish", (req: PublishRequest, c) => api.publish(c, req.overlay, req.digest)),
    publishStream: (call, callback) => publishStream(api, call, callback),
    subscribe: (call) => {
      let sub;
      try {
        sub = api.subscribe(callerOf(call), call.request, clientKey(call));
      } catch (err) {
        call.emit("error", toStatus(err));
        return;
      }
      const end = streamSubscription(call, sub, batching);
      streams.add(end);
      call.on("close", () => streams.delete(end));
    },
    listMembers: unary(log, "ListMembers", (req: ListMembersRequest, c) => ({
      members: api.listMembers(c, req),
    })),
    watchMembers: watch("member", (c, req, emit) => api.watchMembers(c, req, emit)),
    registerService: unary(log, "RegisterService", (req: RegisterServiceRequest, c) => ({
      service: api.registerService(c, req),
    })),
    deregisterService: unary(log, "DeregisterService", (req: DeregisterServiceRequest, c) => ({
      removed: api.deregisterService(c, req),
    })),
    listServices: unary(log, "ListServices", (req: ListServicesRequest, c) => ({
      services: api.listServices(c, req),
    })),
    watchServices: watch("service", (c, req, emit) => api.watchServices(c, req, emit)),
  };
}

/** Streams watch events until the client cancels or falls too far behind. */
function watchStream<Req, Ev>(
  call: grpc.ServerWritableStream<Req, Ev>,
  what: string,
  start: (emit: (e: Ev) => void) => () => void,
): () => void {
  let stop = (): void => {};
  const end = () => stop();
  call.on("cancelled", end);
  call.on("close", end);
  call.on("error", end);
  const pump = new StreamPump<Ev>(call, MAX_QUEUED_WATCH_EVENTS, () => {
    stop();
    call.emit(
      "error",
      toStatus(
        new ResourceExhausted(`${what} watcher fell ${MAX_QUEUED_WATCH_EVENTS} events behind; watch again`),
      ),
    );
  });
  try {
    stop = start((e: Ev) => pump.push(e));
  } catch (err) {
    call.emit("error", toStatus(err));
  }
  return () => {
    stop();
    call.end();
  };
}

/** A gRPC service served beside hearsay.v1.Gateway on the same port (e.g. hearsay.v1.Admin). */
export interface ExtraService {
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
}

/** A running gRPC listener for hearsay.v1.Gateway plus grpc.health.v1. */
export interface GrpcListener {
  readonly address: HostPort;
  close(): Promise<void>;
}

export async function startGrpcServer(
  api: GatewayApi,
  at: HostPort,
  maxMessageBytes: number,
  log: Logger,
  credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
  extra: ExtraService[] = [],
): Promise<GrpcListener> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": maxMessageBytes,
    "grpc.max_send_message_length": maxMessageBytes,
    // Let SDKs ping quiet streams (keep-alive) without being told off.
    "grpc.keepalive_permit_without_calls": 1,
    "grpc.http2.min_ping_interval_without_data_ms": 5_000,
  });
  if (!raiseReceiveWindows(server))
    log.warn("gRPC: HTTP/2 receive windows left at 64 KiB (grpc-js hook missing)");
  const streams = new Set<() => void>();
  // Subscribe writes pre-encoded digest batches (subscribe-wire.ts); every other method is as generated.
  server.addService(GatewayServiceWithRawSubscribe, handlers(api, log, streams, maxMessageBytes));
  for (const e of extra) server.addService(e.definition, e.implementation);
  const health = new HealthImplementation({ "": "SERVING", "hearsay.v1.Gateway": "SERVING" });
  health.addToServer(server);
  if (!addReflection(server)) log.warn("gRPC reflection off: proto/ not found beside the code");
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(formatHostPort(at), credentials, (err, p) => (err ? reject(err) : resolve(p))),
  );
  const address = { host: at.host, port };
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        health.setStatus("", "NOT_SERVING");
        // tryShutdown waits for open streams: end ours first.
        for (const end of streams) end();
        streams.clear();
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
