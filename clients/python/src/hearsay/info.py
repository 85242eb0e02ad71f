"""What a gateway says about itself (InfoResponse of the v1 API), transport-free."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["GatewayInfo", "Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Limits the gateway enforces on client requests; beyond them calls fail with ResourceExhausted."""

    #: Largest accepted payload, bytes.
    max_digest_bytes: int = 0
    #: Most headers per digest.
    max_headers: int = 0
    #: Largest total of header keys + values per digest, bytes.
    max_header_bytes: int = 0
    #: Most types in one subscription.
    max_types_per_subscription: int = 0
    #: Most concurrent subscriptions per client.
    max_subscriptions_per_client: int = 0
    #: Most digests in one publish batch or subscription batch.
    max_batch_digests: int = 0


@dataclass(frozen=True, slots=True)
class GatewayInfo:
    """Who a gateway is, what it speaks and which limits it enforces."""

    #: This gateway's node name in the overlay.
    node_name: str
    #: Overlay this answer is about.
    overlay: str
    #: Hearsay release, e.g. "0.1.0".
    version: str
    #: Client API major version; 1 for hearsay.v1.
    api_version: int
    #: Overlay protocol version spoken between gateways.
    protocol_version: int
    #: Overlay (gossip) address of this node.
    overlay_address: str
    #: Milliseconds since the gateway started.
    uptime_ms: int
    #: Members currently alive, this node included.
    alive_members: int
    limits: Limits = field(default_factory=Limits)
    #: Capabilities offered, e.g. "info", "thrift"; operations not listed answer Unimplemented.
    features: tuple[str, ...] = ()
