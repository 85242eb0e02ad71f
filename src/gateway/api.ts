import type { AgentConfig } from "../config/index.js";
import type { InfoResponse } from "../gen/proto/hearsay/v1/gateway.js";
import { ApiError } from "./errors.js";
import { PENDING_OPERATIONS } from "./unimplemented.js";

export const HEARSAY_VERSION = "0.1.0";
export const API_VERSION = 1;
/** Overlay (gateway <-> gateway) protocol version this build speaks. */
export const PROTOCOL_VERSION = 1;

/** What the client API needs from the node it fronts. */
export interface NodeView {
  /** Overlay address others reach this node on, or "" when the overlay is not running. */
  overlayAddress(): string;
  /** Alive members, this node included. */
  aliveMembers(): number;
}

/** A node without an overlay: it knows only itself. */
export const standaloneNode: NodeView = { overlayAddress: () => "", aliveMembers: () => 1 };

/**
 * The client API independent of its transport: the gRPC and Thrift servers
 * both call this, so both answer (and fail) the same way.
 */
export class GatewayApi {
  private readonly startedAtMs: number;

  constructor(
    private readonly config: AgentConfig,
    private readonly node: NodeView,
    private readonly nowMs: () => number = Date.now,
    readonly features: readonly string[] = ["info"],
  ) {
    this.startedAtMs = nowMs();
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
      aliveMembers: this.node.aliveMembers(),
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
