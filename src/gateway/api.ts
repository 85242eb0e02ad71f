import type { AgentConfig } from "../config/index.js";
import type {
  DeregisterServiceRequest,
  InfoResponse,
  ListMembersRequest,
  ListServicesRequest,
  RegisterServiceRequest,
  WatchServicesRequest,
  PublishResponse,
  RegisterDigestTypeRequest,
  RegisterDigestTypeResponse,
  SubscribeRequest,
  WatchMembersRequest,
} from "../gen/proto/hearsay/v1/gateway.js";
import type {
  DigestType,
  Member,
  MemberEvent,
  NewDigest,
  Service,
  ServiceEvent,
} from "../gen/proto/hearsay/v1/types.js";
import { InvalidArgument, NotFound } from "../errors/index.js";
import { type Metrics, nullMetrics } from "../observe/index.js";
import type { Authorizer, Caller } from "./auth.js";
import type { DigestBus } from "./digest-bus.js";
import { DigestService, type OpenSubscription } from "./digest-service.js";
import { registerResponse, toDigestType, toRegisterRequest, type TypeRegistry } from "./digest-types.js";
import { MemberDirectory } from "./members.js";
import type { NodeView } from "./node-view.js";
import { type ServiceCatalog, ServiceDirectory } from "./services.js";

export const HEARSAY_VERSION = "0.1.0";
export const API_VERSION = 1;
/** Overlay (gateway <-> gateway) protocol version this build speaks. */
export const PROTOCOL_VERSION = 1;

/**
 * The client API independent of its transport: the gRPC and Thrift servers
 * both call this, so both answer (and fail) the same way.
 */
export class GatewayApi {
  private readonly startedAtMs: number;
  private readonly directory: MemberDirectory;

  private readonly node: NodeView;
  private readonly registry: TypeRegistry;
  private readonly digests: DigestService;
  private readonly auth: Authorizer;
  private readonly services: ServiceDirectory;
  /** What the client API counts (e.g. batches cut by the byte budget). */
  readonly metrics: Metrics;

  constructor(
    readonly config: AgentConfig,
    deps: {
      node: NodeView;
      registry: TypeRegistry;
      bus: DigestBus;
      auth: Authorizer;
      services: ServiceCatalog;
      metrics?: Metrics;
    },
    private readonly nowMs: () => number = Date.now,
    readonly features: readonly string[] = ["info", "members", "types", "publish", "subscribe", "services"],
  ) {
    this.node = deps.node;
    this.auth = deps.auth;
    this.registry = deps.registry;
    this.metrics = deps.metrics ?? nullMetrics;
    this.startedAtMs = nowMs();
    this.directory = new MemberDirectory(deps.node, nowMs, PROTOCOL_VERSION);
    this.digests = new DigestService(deps.bus, deps.registry, config.limits, config.nodeName);
    this.services = new ServiceDirectory(deps.services, nowMs);
  }

  publish(caller: Caller, overlay: string, digest: NewDigest | undefined): PublishResponse {
    this.enter(caller, overlay);
    this.auth.authorize(caller, "publish", [digest?.type ?? ""]);
    return this.digests.publish(digest);
  }

  /** `offset`: the batch's first index in its PublishStream call, so a refusal names the digest's index in the stream. */
  publishBatch(caller: Caller, overlay: string, digests: NewDigest[], offset = 0): PublishResponse[] {
    this.enter(caller, overlay);
    this.auth.authorize(caller, "publish", [...new Set(digests.map((d) => d.type))]);
    return this.digests.publishBatch(digests, offset);
  }

  /** Opens a subscription for `client` (its token, or its address when there is none). */
  subscribe(caller: Caller, req: SubscribeRequest, client: string): OpenSubscription {
    this.enter(caller, req.overlay);
    this.auth.authorize(caller, "subscribe", req.types);
    return this.digests.subscribe(req, client);
  }

  /** Registering a type needs the right to publish it. */
  registerDigestType(caller: Caller, req: RegisterDigestTypeRequest): RegisterDigestTypeResponse {
    this.enter(caller, req.overlay);
    this.auth.authorize(caller, "publish", [req.name]);
    return registerResponse(this.registry.register(toRegisterRequest(req)));
  }

  getDigestType(caller: Caller, overlay: string, name: string): DigestType {
    this.enter(caller, overlay);
    if (!name) throw InvalidArgument.at("name", "required");
    const held = this.registry.get(name);
    if (!held) throw new NotFound(`digest type "${name}" is not registered`);
    return toDigestType(held.entry);
  }

  listDigestTypes(caller: Caller, overlay: string, namePrefix: string): DigestType[] {
    this.enter(caller, overlay);
    return this.registry.list(namePrefix).map(toDigestType);
  }

  listMembers(caller: Caller, req: ListMembersRequest): Member[] {
    this.enter(caller, req.overlay);
    return this.directory.list(req);
  }

  /** Starts a member watch; returns the function that ends it. */
  watchMembers(caller: Caller, req: WatchMembersRequest, emit: (e: MemberEvent) => void): () => void {
    this.enter(caller, req.overlay);
    return this.directory.watch(req, emit);
  }

  /** Registers (or, for a TTL instance, refreshes) a service instance held by this gateway. */
  registerService(caller: Caller, req: RegisterServiceRequest): Service {
    this.enter(caller, req.overlay);
    return this.services.register(req);
  }

  deregisterService(caller: Caller, req: DeregisterServiceRequest): boolean {
    this.enter(caller, req.overlay);
    return this.services.deregister(req);
  }

  listServices(caller: Caller, req: ListServicesRequest): Service[] {
    this.enter(caller, req.overlay);
    return this.services.list(req);
  }

  /** Starts a service watch; returns the function that ends it. */
  watchServices(caller: Caller, req: WatchServicesRequest, emit: (e: ServiceEvent) => void): () => void {
    this.enter(caller, req.overlay);
    return this.services.watch(req, emit);
  }

  info(caller: Caller, overlay: string): InfoResponse {
    this.enter(caller, overlay);
    const l = this.config.limits;
    return {
      nodeName: this.config.nodeName,
      overlay: this.config.overlay,
      version: HEARSAY_VERSION,
      apiVersion: API_VERSION,
      protocolVersion: PROTOCOL_VERSION,
      overlayAddress: this.node.overlayAddress(),
      uptimeMs: BigInt(Math.max(0, this.nowMs() - this.startedAtMs)),
      aliveMembers: this.directory.aliveCount(),
      limits: {
        maxDigestBytes: l.maxDigestBytes,
        maxHeaders: l.maxHeaders,
        maxHeaderBytes: l.maxHeaderBytes,
        maxTypesPerSubscription: l.maxTypesPerSubscription,
        maxSubscriptionsPerClient: l.maxSubscriptionsPerClient,
        maxBatchDigests: l.maxBatchDigests,
      },
      features: [...this.features],
    };
  }

  /** UNAUTHENTICATED unless the caller's token is known (or no tokens are configured). */
  authenticate(caller: Caller): void {
    this.auth.authenticate(caller);
  }

  /** Every operation starts here: a known token (when tokens are configured) and a served overlay. */
  private enter(caller: Caller, overlay: string): void {
    this.auth.authenticate(caller);
    this.checkOverlay(overlay);
  }

  /** Empty means the default overlay; any other name must be the one served. */
  checkOverlay(overlay: string): void {
    if (overlay === "" || overlay === this.config.overlay) return;
    throw new NotFound(
      `overlay "${overlay}" is not served by this gateway (it serves "${this.config.overlay}")`,
    );
  }
}
