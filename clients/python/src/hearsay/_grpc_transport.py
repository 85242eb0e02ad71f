"""The gRPC side of a client: one channel, the generated stub, status -> exception mapping."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

import grpc

from hearsay import _grpc_calls as calls
from hearsay import _grpc_convert as cv
from hearsay._stubs import gateway_pb2_grpc
from hearsay._wire import DigestSink, NewDigest, ServiceSpec, SubscribeSpec
from hearsay.delivery import PublishResult
from hearsay.errors import HearsayError, error_from_code
from hearsay.info import GatewayInfo
from hearsay.members import Member, MemberEvent, MemberStatus
from hearsay.options import TlsOptions
from hearsay.registry import DigestType, RegisteredType
from hearsay.schema import NamedSchema
from hearsay.services import Service, ServiceEvent

__all__ = ["GrpcTransport", "from_grpc_error", "from_status", "channel_options", "credentials"]

T = TypeVar("T")


def from_status(code: grpc.StatusCode | None, details: str | None, fallback: str = "") -> HearsayError:
    """The SDK exception for a gRPC status; status numbers are the shared error codes."""
    number = code.value[0] if code is not None else 13
    return error_from_code(number, details or fallback or (code.name if code else "unknown failure"))


def from_grpc_error(err: grpc.RpcError) -> HearsayError:
    """The SDK exception for a failed call."""
    if isinstance(err, grpc.Call):
        return from_status(err.code(), err.details(), str(err))
    return error_from_code(13, str(err))


def credentials(tls: TlsOptions) -> grpc.ChannelCredentials:
    return grpc.ssl_channel_credentials(root_certificates=tls.ca, private_key=tls.key, certificate_chain=tls.cert)


def channel_options(keepalive_ms: int, tls: TlsOptions | None) -> list[tuple[str, Any]]:
    options: list[tuple[str, Any]] = [
        # Ping idle connections so quiet subscription streams survive NATs and
        # proxies; the gateway accepts pings every >= 5 s.
        ("grpc.keepalive_time_ms", keepalive_ms),
        ("grpc.keepalive_permit_without_calls", 1),
        # 0 = no cap on pings while no data flows (a quiet stream is the point).
        ("grpc.http2.max_pings_without_data", 0),
        # Reconnects are paced by the SDK's own backoff; keep the channel's short.
        ("grpc.initial_reconnect_backoff_ms", 100),
        ("grpc.min_reconnect_backoff_ms", 100),
        ("grpc.max_reconnect_backoff_ms", 5_000),
        # Subscribe batches of 1024 x 1 MiB digests are bounded by the gateway's own message cap.
        ("grpc.max_receive_message_length", 64 * 1024 * 1024),
    ]
    if tls is not None and tls.server_name:
        options.append(("grpc.ssl_target_name_override", tls.server_name))
    return options


class _GrpcStream:
    """A server-streaming call as a StreamCall; RpcErrors surface as HearsayErrors."""

    __slots__ = ("_call",)

    def __init__(self, call: Any) -> None:
        self._call = call

    def __iter__(self) -> Iterator[Any]:
        try:
            yield from self._call
        except grpc.RpcError as e:
            raise from_grpc_error(e) from None

    def cancel(self) -> None:
        self._call.cancel()


class GrpcTransport:
    """Thread-safe: gRPC channels and stubs may be shared by threads."""

    def __init__(
        self, address: str, token: str | None, tls: TlsOptions | None, call_timeout_ms: int, keepalive_ms: int
    ) -> None:
        options = channel_options(keepalive_ms, tls)
        if tls is None:
            self._channel = grpc.insecure_channel(address, options=options)
        else:
            self._channel = grpc.secure_channel(address, credentials(tls), options=options)
        self._stub = gateway_pb2_grpc.GatewayStub(self._channel)
        self._metadata: tuple[tuple[str, str], ...] = (("authorization", f"Bearer {token}"),) if token else ()
        self._timeout_s = call_timeout_ms / 1000

    def call(self, unary: calls.Unary[T]) -> T:
        """Makes one unary call with token and deadline; its response read into the SDK's type."""
        try:
            res = getattr(self._stub, unary.method)(unary.request, timeout=self._timeout_s, metadata=self._metadata)
        except grpc.RpcError as e:
            raise from_grpc_error(e) from None
        return unary.read(res)

    def info(self, overlay: str) -> GatewayInfo:
        return self.call(calls.info(overlay))

    def register_type(
        self, overlay: str, schema: NamedSchema, skip_payload_validation: bool, description: str
    ) -> RegisteredType:
        return self.call(calls.register_type(overlay, schema, skip_payload_validation, description))

    def get_type(self, overlay: str, name: str) -> DigestType:
        return self.call(calls.get_type(overlay, name))

    def list_types(self, overlay: str, name_prefix: str) -> list[DigestType]:
        return self.call(calls.list_types(overlay, name_prefix))

    def publish(self, overlay: str, digest: NewDigest) -> PublishResult:
        return self.call(calls.publish(overlay, digest))

    def publish_stream(self, overlay: str, batches: Iterable[list[NewDigest]], timeout_s: float) -> list[PublishResult]:
        requests = calls.publish_stream_requests(overlay, batches)
        try:
            res = self._stub.PublishStream(requests, timeout=timeout_s, metadata=self._metadata)
        except grpc.RpcError as e:
            raise from_grpc_error(e) from None
        return calls.publish_stream_results(res)

    def subscribe(self, spec: SubscribeSpec) -> _GrpcStream:
        return _GrpcStream(self._stub.Subscribe(cv.subscribe_request(spec), metadata=self._metadata))

    def subscription_handler(self, sink: DigestSink) -> Callable[[Any], list[Any]]:
        return cv.subscription_handler(sink)

    def members(self, overlay: str, statuses: tuple[MemberStatus, ...], tags: Mapping[str, str]) -> list[Member]:
        return self.call(calls.members(overlay, statuses, tags))

    def watch_members(self, overlay: str, include_current: bool, tags: Mapping[str, str]) -> _GrpcStream:
        req = calls.watch_members_request(overlay, include_current, tags)
        return _GrpcStream(self._stub.WatchMembers(req, metadata=self._metadata))

    def member_events(self, item: Any) -> list[MemberEvent]:
        return [cv.member_event(item)]

    def register_service(self, overlay: str, spec: ServiceSpec) -> Service:
        return self.call(calls.register_service(overlay, spec))

    def deregister_service(self, overlay: str, name: str, id: str) -> bool:
        return self.call(calls.deregister_service(overlay, name, id))

    def services(self, overlay: str, name: str, passing_only: bool, tags: Mapping[str, str]) -> list[Service]:
        return self.call(calls.services(overlay, name, passing_only, tags))

    def watch_services(self, overlay: str, name: str, include_current: bool) -> _GrpcStream:
        req = calls.watch_services_request(overlay, name, include_current)
        return _GrpcStream(self._stub.WatchServices(req, metadata=self._metadata))

    def service_events(self, item: Any) -> list[ServiceEvent]:
        return [cv.service_event(item)]

    def close(self) -> None:
        self._channel.close()
