import type { AgentConfig } from "../config/index.js";
import type {
  InfoResponse,
  ListMembersRequest,
  RegisterDigestTypeRequest,
  RegisterDigestTypeResponse,
  WatchMembersRequest,
} from "../gen/proto/hearsay/v1/gateway.js";
import type { DigestType, Member, MemberEvent } from "../gen/proto/hearsay/v1/types.js";
import { registerResponse, toDigestType, toRegisterRequest, type TypeRegistry } from "./digest-types.js";
import { ApiError } from "./errors.js";
import { MemberDirectory } from "./members.js";
import type { NodeView } from "./node-view.js";
import { PENDING_OPERATIONS } from "./unimplemented.js";

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

  constructor(
    private readonly config: AgentConfig,
    deps: { node: NodeView; registry: TypeRegistry },
    private readonly nowMs: () => number = Date.now,
    readonly features: readonly string[] = ["info", "members", "types"],
  ) {
    this.node = deps.node;
    this.registry = deps.registry;
    this.startedAtMs = nowMs();
    this.directory = new MemberDirectory(deps.node, nowMs, PROTOCOL_VERSION);
  }

  registerDigestType(req: RegisterDigestTypeRequest): RegisterDigestTypeResponse {
    this.checkOverlay(req.overlay);
    return registerResponse(this.registry.register(toRegisterRequest(req)));
  }

  getDigestType(overlay: string, name: string): DigestType {
    this.checkOverlay(overlay);
    if (!name) throw ApiError.invalidArgument("name", "required");
    const held = this.registry.get(name);
    if (!held) throw ApiError.notFound(`digest type "${name}" is not registered`);
    return toDigestType(held.entry);
  }

  listDigestTypes(overlay: string, namePrefix: string): DigestType[] {
    this.checkOverlay(overlay);
    return this.registry.list(namePrefix).map(toDigestType);
  }

  listMembers(req: ListMembersRequest): Member[] {
    this.checkOverlay(req.overlay);
    return this.directory.list(req);
  }

  /** Starts a member watch; returns the function that ends it. */
  watchMembers(req: WatchMembersRequest, emit: (e: MemberEvent) => void): () => void {
    this.checkOverlay(req.overlay);
    return this.directory.watch(req, emit);
  }

  info(overlay: string): InfoResponse {
    this.checkOverlay(overlay);
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

  /** Refuses an operation not built yet, naming the work that delivers it. */
  pending(operation: string): never {
    throw ApiError.unimplemented(operation, PENDING_OPERATIONS[operation] ?? "not planned");
  }

  /** Empty means the default overlay; any other name must be the one served. */
  checkOverlay(overlay: string): void {
    if (overlay === "" || overlay === this.config.overlay) return;
    throw ApiError.notFound(
      `overlay "${overlay}" is not served by this gateway (it serves "${this.config.overlay}")`,
    );
  }
}
