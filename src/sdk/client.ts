import * as grpc from "@grpc/grpc-js";
import { GatewayClient, type InfoResponse } from "../gen/proto/hearsay/v1/gateway.js";
import { type Member, MemberStatus } from "../gen/proto/hearsay/v1/types.js";
import { fromGrpcError } from "./errors.js";

/** TLS settings for the gRPC connection (PEM contents). */
export interface TlsOptions {
  /** CA certificate(s) to verify the gateway with. */
  ca?: Buffer;
  /** Client certificate and key, for gateways that require mTLS. */
  cert?: Buffer;
  key?: Buffer;
}

export interface ConnectOptions {
  /** The local gateway's gRPC address. @default "127.0.0.1:7400" */
  address?: string;
  /** Client token, sent as `authorization: Bearer <token>`. */
  token?: string;
  tls?: TlsOptions;
  /** Overlay to address. @default "default" */
  overlay?: string;
  /** Deadline of unary calls, ms. @default 10000 */
  callTimeoutMs?: number;
  /** Keep-alive ping period on idle connections, ms; keeps quiet streams alive. @default 30000 */
  keepaliveMs?: number;
}

/** Who a gateway is (InfoResponse of the v1 API). */
export type GatewayInfo = InfoResponse;

/** A connection to one Hearsay gateway. Close it when done. */
export class HearsayClient {
  private readonly stub: GatewayClient;
  private readonly metadata = new grpc.Metadata();
  private readonly overlay: string;
  private readonly callTimeoutMs: number;

  constructor(opts: ConnectOptions = {}) {
    const creds = opts.tls
      ? grpc.credentials.createSsl(opts.tls.ca ?? null, opts.tls.key ?? null, opts.tls.cert ?? null)
      : grpc.credentials.createInsecure();
    this.stub = new GatewayClient(opts.address ?? "127.0.0.1:7400", creds, {
      "grpc.keepalive_time_ms": opts.keepaliveMs ?? 30_000,
      "grpc.keepalive_permit_without_calls": 1,
    });
    if (opts.token) this.metadata.set("authorization", `Bearer ${opts.token}`);
    this.overlay = opts.overlay ?? "";
    this.callTimeoutMs = opts.callTimeoutMs ?? 10_000;
  }

  /** The gateway's node name, version, limits and features. */
  info(): Promise<GatewayInfo> {
    return new Promise((resolve, reject) =>
      this.stub.info({ overlay: this.overlay }, this.metadata, this.callOptions(), (err, res) =>
        err ? reject(fromGrpcError(err)) : resolve(res),
      ),
    );
  }

  /** Members of the overlay as the gateway sees them, optionally only those in `statuses`. */
  members(opts: { statuses?: MemberStatus[]; tags?: Record<string, string> } = {}): Promise<Member[]> {
    return new Promise((resolve, reject) =>
      this.stub.listMembers(
        { overlay: this.overlay, statuses: opts.statuses ?? [], tags: opts.tags ?? {} },
        this.metadata,
        this.callOptions(),
        (err, res) => (err ? reject(fromGrpcError(err)) : resolve(res.members)),
      ),
    );
  }

  close(): void {
    this.stub.close();
  }

  private callOptions(): grpc.CallOptions {
    return { deadline: Date.now() + this.callTimeoutMs };
  }
}

/** Connects to a gateway; the connection is made lazily on the first call. */
export function connect(opts: ConnectOptions = {}): HearsayClient {
  return new HearsayClient(opts);
}
