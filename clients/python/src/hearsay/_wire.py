"""What the Client needs from a transport (gRPC or Thrift), in the SDK's own types.

Both transports implement `Wire`; everything above it (cursor tracking,
reconnects, batching, decoding) is written once. Streams are `StreamCall`s:
blocking iterables of transport-specific items plus `cancel()`, turned into
deliveries by a handler the same transport supplies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from hearsay.cursor import Cursor
from hearsay.delivery import PublishResult
from hearsay.info import GatewayInfo
from hearsay.members import Member, MemberEvent, MemberStatus
from hearsay.registry import DigestType, RegisteredType
from hearsay.schema import NamedSchema
from hearsay.services import Service, ServiceEvent

__all__ = ["NewDigest", "SubscribeSpec", "ServiceSpec", "StreamCall", "Wire", "DigestSink"]


class NewDigest(NamedTuple):
    """One digest to publish: payload bytes or JSON for the gateway to encode."""

    type: str
    payload: bytes | None
    json: str | None
    headers: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class SubscribeSpec:
    overlay: str
    types: tuple[str, ...]
    #: None = no cursor: every (origin, type) pair starts at `earliest`/latest.
    resume_from: Cursor | None
    earliest: bool
    include_json: bool
    max_batch_digests: int
    keepalive_ms: int


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str
    id: str
    address: str
    port: int
    tags: Mapping[str, str]
    ttl_ms: int


class DigestSink(Protocol):
    """Where a transport's subscription handler sends what it reads (a SubscriptionState)."""

    include_json: bool

    def started(self, subscription_id: str) -> None: ...
    def digest(
        self,
        type: str,
        payload: bytes,
        origin: str,
        sequence: int,
        publish_time_ms: int,
        headers: dict[str, str],
        id: str,
        json: str | None,
        epoch: int = 0,
        stream_sequence: int = 0,
    ) -> Any: ...
    def gap(
        self, reason: int, ranges: list[tuple[str, str, int, int, int]], message: str, resume_from: Cursor
    ) -> Any: ...
    def caught_up(self, server_time_ms: int, backlog_digests: int) -> Any: ...


class StreamCall(Protocol):
    """One server stream (or Thrift long-poll loop): iterate to read, cancel() from any thread to end it."""

    def __iter__(self) -> Iterator[Any]: ...
    def cancel(self) -> None: ...


class Wire(Protocol):
    def info(self, overlay: str) -> GatewayInfo: ...
    def register_type(
        self, overlay: str, schema: NamedSchema, skip_payload_validation: bool, description: str
    ) -> RegisteredType: ...
    def get_type(self, overlay: str, name: str) -> DigestType: ...
    def list_types(self, overlay: str, name_prefix: str) -> list[DigestType]: ...
    def publish(self, overlay: str, digest: NewDigest) -> PublishResult: ...
    def publish_stream(self, overlay: str, batches: Iterable[list[NewDigest]], timeout_s: float) -> list[PublishResult]:
        """Publishes batches in order in one call; a refusal raises naming `digests[i]` of the whole call."""
        ...

    def subscribe(self, spec: SubscribeSpec) -> StreamCall: ...
    def subscription_handler(self, sink: DigestSink) -> Callable[[Any], list[Any]]: ...
    def members(self, overlay: str, statuses: tuple[MemberStatus, ...], tags: Mapping[str, str]) -> list[Member]: ...
    def watch_members(self, overlay: str, include_current: bool, tags: Mapping[str, str]) -> StreamCall: ...
    def member_events(self, item: Any) -> list[MemberEvent]: ...
    def register_service(self, overlay: str, spec: ServiceSpec) -> Service: ...
    def deregister_service(self, overlay: str, name: str, id: str) -> bool: ...
    def services(self, overlay: str, name: str, passing_only: bool, tags: Mapping[str, str]) -> list[Service]: ...
    def watch_services(self, overlay: str, name: str, include_current: bool) -> StreamCall: ...
    def service_events(self, item: Any) -> list[ServiceEvent]: ...
    def close(self) -> None: ...
