import * as grpc from "@grpc/grpc-js";
import {
  GatewayClient,
  type DeregisterServiceResponse,
  type InfoResponse,
  type ListDigestTypesResponse,
  type ListMembersResponse,
  type ListServicesResponse,
  type PublishResponse,
  type RegisterDigestTypeResponse,
  type RegisterServiceResponse,
} from "../gen/proto/hearsay/v1/gateway.js";
import type { DigestType, Member, MemberStatus, Service } from "../gen/proto/hearsay/v1/types.js";
import type { Codec } from "./codec.js";
import {
  type Body,
  type PublishOptions,
  type PublishResult,
  toNewDigest,
  toPublishResult,
} from "./digest.js";
import { FailedPrecondition, fromGrpcError, Internal } from "./errors.js";
import { watchMembers, type WatchMembersOptions } from "./members.js";
import { Publisher, type PublisherOptions } from "./publisher.js";
import {
  heartbeat,
  type KeptRegistration,
  type ServiceRegistration,
  type ServiceSpec,
  watchServices,
  type WatchServicesOptions,
} from "./services.js";
import type { MemberWatch, ServiceWatch } from "./watch.js";
import {
  type NamedSchema,
  schemaFromSource,
  schemaOf,
  type SourceFiles,
  type SourceFormat,
  type TypeSource,
} from "./schema.js";
import { type SubscribeOptions, Subscription } from "./subscription.js";

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

export interface RegisterOptions {
  /** Free text shown in listings. */
  description?: string;
  /** Accept payloads without checking them against the schema (no JSON rendering then). @default false */
  skipPayloadValidation?: boolean;
}

/** A digest type as the registry holds it, and whether this call created it (false = identical one existed). */
export type RegisteredType = DigestType & { created: boolean };

type Closable = { close(): void };
type Callback<Res> = (err: grpc.ServiceError | null, res?: Res) => void;

/** A connection to one Hearsay gateway. close() it when done: that also ends its open streams. */
export class HearsayClient {
  private readonly stub: GatewayClient;
  private readonly metadata = new grpc.Metadata();
  private readonly overlay: string;
  private readonly callTimeoutMs: number;
  private readonly open = new Set<Closable>();
  private readonly kept = new Set<KeptRegistration>();
  private readonly publishers = new Set<Publisher>();
  private closed = false;

  constructor(opts: ConnectOptions = {}) {
    const creds = opts.tls
      ? grpc.credentials.createSsl(opts.tls.ca ?? null, opts.tls.key ?? null, opts.tls.cert ?? null)
      : grpc.credentials.createInsecure();
    this.stub = new GatewayClient(opts.address ?? "127.0.0.1:7400", creds, {
      "grpc.keepalive_time_ms": opts.keepaliveMs ?? 30_000,
      "grpc.keepalive_permit_without_calls": 1,
      // Reconnects are paced by the SDK's own backoff; keep grpc-js's short.
      "grpc.initial_reconnect_backoff_ms": 100,
      "grpc.max_reconnect_backoff_ms": 5_000,
    });
    if (opts.token) this.metadata.set("authorization", `Bearer ${opts.token}`);
    this.overlay = opts.overlay ?? "";
    this.callTimeoutMs = opts.callTimeoutMs ?? 10_000;
  }

  /** The gateway's node name, version, limits and features. */
  info(): Promise<GatewayInfo> {
    return this.unary<InfoResponse>((md, o, cb) => this.stub.info({ overlay: this.overlay }, md, o, cb));
  }

  /** Members of the overlay as the gateway sees them, optionally only those in `statuses` / with `tags`. */
  async members(opts: { statuses?: MemberStatus[]; tags?: Record<string, string> } = {}): Promise<Member[]> {
    const req = { overlay: this.overlay, statuses: opts.statuses ?? [], tags: opts.tags ?? {} };
    return (await this.unary<ListMembersResponse>((md, o, cb) => this.stub.listMembers(req, md, o, cb)))
      .members;
  }

  /**
   * Membership events as they happen, reconnecting by itself; iterate with `for await`.
   * The first event after the CURRENT ones (if asked for) is SNAPSHOT_END; `await
   * w.snapshot()` reads up to it and resolves with the members known then.
   */
  watchMembers(opts: WatchMembersOptions = {}): MemberWatch {
    const w = watchMembers(
      (req) => this.stream(() => this.stub.watchMembers(req, this.metadata)),
      this.overlay,
      opts,
      (x) => this.open.delete(x),
    );
    this.open.add(w);
    return w;
  }

  /**
   * Registers a service instance at this gateway, visible on every gateway.
   * With `ttlMs` the SDK refreshes it every ttlMs / 3 until deregister() or close().
   */
  async registerService(
    spec: ServiceSpec,
    onError: (err: unknown) => void = () => {},
  ): Promise<ServiceRegistration> {
    const req = {
      overlay: this.overlay,
      name: spec.name,
      id: spec.id ?? "",
      address: spec.address ?? "",
      port: spec.port,
      tags: spec.tags ?? {},
      ttlMs: spec.ttlMs ?? 0,
    };
    const call = () =>
      this.unary<RegisterServiceResponse>((md, o, cb) => this.stub.registerService(req, md, o, cb));
    const service = (await call()).service!;
    const reg = heartbeat(
      service,
      call,
      () => this.removeService(service.name, service.id),
      onError,
      (r) => {
        this.open.delete(r);
        this.kept.delete(reg);
      },
    );
    this.open.add(reg);
    this.kept.add(reg);
    return reg;
  }

  /**
   * Removes an instance this gateway holds; false when there was none. A registration this
   * client keeps for it stops first, after its refresh in flight, so no refresh lands later.
   */
  async deregisterService(name: string, id: string): Promise<boolean> {
    const mine = [...this.kept].filter((r) => r.service.name === name && r.service.id === id);
    await Promise.all(mine.map((r) => r.stop()));
    return this.removeService(name, id);
  }

  private async removeService(name: string, id: string): Promise<boolean> {
    const req = { overlay: this.overlay, name, id };
    return (
      await this.unary<DeregisterServiceResponse>((md, o, cb) => this.stub.deregisterService(req, md, o, cb))
    ).removed;
  }

  /** Instances of `name` (or every service), sorted by name then id. */
  async services(
    name = "",
    opts: { passingOnly?: boolean; tags?: Record<string, string> } = {},
  ): Promise<Service[]> {
    const req = {
      overlay: this.overlay,
      name,
      passingOnly: opts.passingOnly ?? false,
      tags: opts.tags ?? {},
    };
    return (await this.unary<ListServicesResponse>((md, o, cb) => this.stub.listServices(req, md, o, cb)))
      .services;
  }

  /**
   * Changes of service `name` (or all) as they happen, reconnecting by itself; after the
   * CURRENT events (if asked for) one SNAPSHOT_END, which `await w.snapshot()` reads up to.
   */
  watchServices(name = "", opts: WatchServicesOptions = {}): ServiceWatch {
    const w = watchServices(
      (req) => this.stream(() => this.stub.watchServices(req, this.metadata)),
      this.overlay,
      name,
      opts,
      (x) => this.open.delete(x),
    );
    this.open.add(w);
    return w;
  }

  /**
   * Registers a digest type from an @bufbuild/protobuf descriptor (or `bufCodec`),
   * `{ typeName, protoFiles }` (e.g. a ts-proto codec plus its .proto files) or
   * `{ typeName, descriptorSet }`. Re-registering identically is fine (created = false).
   */
  registerType(type: TypeSource, opts: RegisterOptions = {}): Promise<RegisteredType> {
    let named: NamedSchema;
    try {
      named = schemaOf(type);
    } catch (e) {
      return Promise.reject(fromGrpcError(e));
    }
    return this.register(named, opts);
  }

  /** Registers a digest type from schema text: `.proto` files or Thrift IDL naming a struct. */
  registerTypeFromSource(
    name: string,
    files: SourceFiles,
    format: SourceFormat,
    opts: RegisterOptions = {},
  ): Promise<RegisteredType> {
    let named: NamedSchema;
    try {
      named = schemaFromSource(name, files, format);
    } catch (e) {
      return Promise.reject(fromGrpcError(e));
    }
    return this.register(named, opts);
  }

  /** One registered type; NotFound if unknown. */
  getType(name: string): Promise<DigestType> {
    return this.unary<DigestType>((md, o, cb) =>
      this.stub.getDigestType({ overlay: this.overlay, name }, md, o, cb),
    );
  }

  /** Registered types, sorted by name, optionally only those starting with `namePrefix`. */
  async listTypes(namePrefix = ""): Promise<DigestType[]> {
    const req = { overlay: this.overlay, namePrefix };
    return (
      await this.unary<ListDigestTypesResponse>((md, o, cb) => this.stub.listDigestTypes(req, md, o, cb))
    ).types;
  }

  /**
   * Publishes one digest and resolves once the gateway has logged it. With a
   * Codec as `type` the body is a message for it; with a type name the body is
   * payload bytes or `{ json }` (encoded by the gateway with the type's schema).
   */
  publish<T>(type: string | Codec<T>, body: Body<T>, opts?: PublishOptions): Promise<PublishResult> {
    let digest;
    try {
      digest = toNewDigest(type, body, opts);
    } catch (e) {
      return Promise.reject(fromGrpcError(e));
    }
    const req = { overlay: this.overlay, digest };
    return this.unary<PublishResponse>((md, o, cb) => this.stub.publish(req, md, o, cb)).then(
      toPublishResult,
    );
  }

  /** A batching publisher over PublishStream for high rates; `await close()` it to flush. */
  publisher(opts: PublisherOptions = {}): Publisher {
    this.ensureOpen();
    const p = new Publisher(
      (cb) => this.stub.publishStream(this.metadata, cb),
      this.overlay,
      opts,
      (x) => this.publishers.delete(x),
    );
    this.publishers.add(p);
    return p;
  }

  /**
   * Subscribes to digest types (names, or Codecs to get decoded messages) and
   * yields digests and gap notices with the cursor after each. Reconnects by
   * itself, resuming from the last cursor; ends on `signal`, close() or a
   * non-retryable error (thrown as its HearsayError class).
   */
  subscribe<T = unknown>(
    types: string | Codec<T> | ReadonlyArray<string | Codec<T>>,
    opts: SubscribeOptions = {},
  ): Subscription<T> {
    const list = typeof types === "string" || !Array.isArray(types) ? [types as string | Codec<T>] : types;
    const s = new Subscription<T>(
      (req) => this.stream(() => this.stub.subscribe(req, this.metadata)),
      this.overlay,
      list,
      opts,
      (x) => this.open.delete(x),
    );
    this.open.add(s);
    return s;
  }

  /** Ends every open subscription and watch, aborts publishers (await their close() first), closes the channel. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of [...this.open]) s.close();
    for (const p of [...this.publishers]) p.abort();
    this.stub.close();
  }

  private register(named: NamedSchema, opts: RegisterOptions): Promise<RegisteredType> {
    const req = {
      overlay: this.overlay,
      name: named.name,
      schema: named.schema,
      skipPayloadValidation: opts.skipPayloadValidation ?? false,
      description: opts.description ?? "",
    };
    return this.unary<RegisterDigestTypeResponse>((md, o, cb) =>
      this.stub.registerDigestType(req, md, o, cb),
    ).then((r) => {
      if (!r.type) throw new Internal("RegisterDigestType answered without a type");
      return { ...r.type, created: r.created };
    });
  }

  private unary<Res>(
    start: (md: grpc.Metadata, o: grpc.CallOptions, cb: Callback<Res>) => unknown,
  ): Promise<Res> {
    return new Promise((resolve, reject) => {
      try {
        this.ensureOpen();
        start(this.metadata, { deadline: Date.now() + this.callTimeoutMs }, (err, res) =>
          err ? reject(fromGrpcError(err)) : resolve(res!),
        );
      } catch (e) {
        reject(fromGrpcError(e));
      }
    });
  }

  private stream<S>(open: () => S): S {
    this.ensureOpen();
    return open();
  }

  private ensureOpen(): void {
    if (this.closed) throw new FailedPrecondition("client: closed");
  }
}

/** Connects to a gateway; the connection is made lazily on the first call. */
export function connect(opts: ConnectOptions = {}): HearsayClient {
  return new HearsayClient(opts);
}
