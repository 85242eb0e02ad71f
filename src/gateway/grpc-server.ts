import * as grpc from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { formatHostPort, type HostPort } from "../config/index.js";
import {
  GatewayService,
  type GatewayServer,
  type GetDigestTypeRequest,
  type ListDigestTypesRequest,
  type ListMembersRequest,
  type RegisterDigestTypeRequest,
  type WatchMembersRequest,
} from "../gen/proto/hearsay/v1/gateway.js";
import type { MemberEvent } from "../gen/proto/hearsay/v1/types.js";
import type { Logger } from "../logging/index.js";
import type { GatewayApi } from "./api.js";
import { ApiError, asApiError, codeName } from "./errors.js";
import { StreamPump } from "./stream-pump.js";

/** Member events held for one slow watcher before its stream is ended. */
const MAX_QUEUED_MEMBER_EVENTS = 10_000;

/** The status object grpc-js sends for an ApiError (codes are gRPC numbers). */
function toStatus(err: unknown): Partial<grpc.StatusObject> {
  const e = asApiError(err);
  return { code: e.code as number as grpc.status, details: e.message };
}

function unary<Req, Res>(log: Logger, name: string, fn: (req: Req) => Res): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    try {
      callback(null, fn(call.request));
    } catch (err) {
      const status = toStatus(err);
      if (!(err instanceof ApiError)) log.error("rpc failed", { rpc: name, error: String(err) });
      log.debug("rpc refused", { rpc: name, code: codeName(status.code as number), details: status.details });
      callback(status, null);
    }
  };
}

function handlers(api: GatewayApi, log: Logger): GatewayServer {
  const pendingUnary = (name: string) => unary(log, name, () => api.pending(name));
  const pendingStream =
    (name: string) =>
    (call: grpc.ServerWritableStream<unknown, unknown>): void => {
      call.emit("error", toStatus(catchPending(api, name)));
    };
  return {
    info: unary(log, "Info", (req: { overlay: string }) => api.info(req.overlay)),
    registerDigestType: unary(log, "RegisterDigestType", (req: RegisterDigestTypeRequest) =>
      api.registerDigestType(req),
    ),
    getDigestType: unary(log, "GetDigestType", (req: GetDigestTypeRequest) =>
      api.getDigestType(req.overlay, req.name),
    ),
    listDigestTypes: unary(log, "ListDigestTypes", (req: ListDigestTypesRequest) => ({
      types: api.listDigestTypes(req.overlay, req.namePrefix),
    })),
    publish: pendingUnary("Publish"),
    publishStream: (call, callback) => {
      call.on("data", () => {});
      call.on("error", () => {});
      callback(toStatus(catchPending(api, "PublishStream")), null);
    },
    subscribe: pendingStream("Subscribe"),
    listMembers: unary(log, "ListMembers", (req: ListMembersRequest) => ({ members: api.listMembers(req) })),
    watchMembers: (call) => watchMembers(api, call),
    registerService: pendingUnary("RegisterService"),
    deregisterService: pendingUnary("DeregisterService"),
    listServices: pendingUnary("ListServices"),
    watchServices: pendingStream("WatchServices"),
  };
}

/** Streams membership events until the client cancels or falls too far behind. */
function watchMembers(
  api: GatewayApi,
  call: grpc.ServerWritableStream<WatchMembersRequest, MemberEvent>,
): void {
  let stop = (): void => {};
  const end = () => stop();
  call.on("cancelled", end);
  call.on("close", end);
  call.on("error", end);
  const pump = new StreamPump<MemberEvent>(call, MAX_QUEUED_MEMBER_EVENTS, () => {
    stop();
    call.emit(
      "error",
      toStatus(
        ApiError.resourceExhausted(
          `member watcher fell ${MAX_QUEUED_MEMBER_EVENTS} events behind; watch again`,
        ),
      ),
    );
  });
  try {
    stop = api.watchMembers(call.request, (e) => pump.push(e));
  } catch (err) {
    call.emit("error", toStatus(err));
  }
}

function catchPending(api: GatewayApi, name: string): unknown {
  try {
    return api.pending(name);
  } catch (err) {
    return err;
  }
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
): Promise<GrpcListener> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": maxMessageBytes,
    "grpc.max_send_message_length": maxMessageBytes,
    // Let SDKs ping quiet streams (keep-alive) without being told off.
    "grpc.keepalive_permit_without_calls": 1,
    "grpc.http2.min_ping_interval_without_data_ms": 5_000,
  });
  server.addService(GatewayService, handlers(api, log));
  const health = new HealthImplementation({ "": "SERVING", "hearsay.v1.Gateway": "SERVING" });
  health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(formatHostPort(at), grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  const address = { host: at.host, port };
  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        health.setStatus("", "NOT_SERVING");
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
