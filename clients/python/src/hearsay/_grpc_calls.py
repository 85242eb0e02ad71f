"""Each gRPC call as data: the method, its request, how to read its response.

The threaded transport and the asyncio client differ only in how they make a
call (blocking or awaited), so what they send and what they return is built
here once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from hearsay import _grpc_convert as cv
from hearsay._stubs import gateway_pb2
from hearsay._wire import NewDigest, ServiceSpec
from hearsay.delivery import PublishResult
from hearsay.info import GatewayInfo
from hearsay.members import Member, MemberStatus
from hearsay.registry import DigestType, RegisteredType
from hearsay.schema import NamedSchema
from hearsay.services import Service

__all__ = [
    "Unary",
    "info",
    "register_type",
    "get_type",
    "list_types",
    "publish",
    "publish_stream_requests",
    "publish_stream_results",
    "members",
    "watch_members_request",
    "register_service",
    "deregister_service",
    "services",
    "watch_services_request",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Unary(Generic[T]):
    """One unary RPC: `method` is its proto name (e.g. "Info"); `read` turns the response into the SDK's type."""

    method: str
    request: Any
    read: Callable[[Any], T]


def info(overlay: str) -> Unary[GatewayInfo]:
    return Unary("Info", gateway_pb2.InfoRequest(overlay=overlay), cv.info)


def register_type(
    overlay: str, schema: NamedSchema, skip_payload_validation: bool, description: str
) -> Unary[RegisteredType]:
    req = cv.register_request(overlay, schema, skip_payload_validation, description)
    return Unary("RegisterDigestType", req, cv.registered)


def get_type(overlay: str, name: str) -> Unary[DigestType]:
    return Unary("GetDigestType", gateway_pb2.GetDigestTypeRequest(overlay=overlay, name=name), cv.digest_type)


def list_types(overlay: str, name_prefix: str) -> Unary[list[DigestType]]:
    req = gateway_pb2.ListDigestTypesRequest(overlay=overlay, name_prefix=name_prefix)
    return Unary("ListDigestTypes", req, lambda res: [cv.digest_type(t) for t in res.types])


def publish(overlay: str, digest: NewDigest) -> Unary[PublishResult]:
    req = gateway_pb2.PublishRequest(overlay=overlay, digest=cv.new_digest(digest))
    return Unary("Publish", req, cv.publish_result)


def publish_stream_requests(
    overlay: str, batches: Iterable[list[NewDigest]]
) -> Iterator[gateway_pb2.PublishStreamRequest]:
    """PublishStream's requests, one a batch; lazy, so a publisher can stream batches as they fill."""
    for batch in batches:
        yield cv.publish_stream_request(overlay, batch)


def publish_stream_results(res: gateway_pb2.PublishStreamResponse) -> list[PublishResult]:
    return [cv.publish_result(r) for r in res.results]


def members(overlay: str, statuses: tuple[MemberStatus, ...], tags: Mapping[str, str]) -> Unary[list[Member]]:
    req = cv.list_members_request(overlay, statuses, tags)
    return Unary("ListMembers", req, lambda res: [cv.member(m) for m in res.members])


def watch_members_request(
    overlay: str, include_current: bool, tags: Mapping[str, str]
) -> gateway_pb2.WatchMembersRequest:
    return gateway_pb2.WatchMembersRequest(overlay=overlay, include_current=include_current, tags=tags)


def register_service(overlay: str, spec: ServiceSpec) -> Unary[Service]:
    return Unary("RegisterService", cv.register_service_request(overlay, spec), lambda res: cv.service(res.service))


def deregister_service(overlay: str, name: str, id: str) -> Unary[bool]:
    req = gateway_pb2.DeregisterServiceRequest(overlay=overlay, name=name, id=id)
    return Unary("DeregisterService", req, lambda res: bool(res.removed))


def services(overlay: str, name: str, passing_only: bool, tags: Mapping[str, str]) -> Unary[list[Service]]:
    req = gateway_pb2.ListServicesRequest(overlay=overlay, name=name, passing_only=passing_only, tags=tags)
    return Unary("ListServices", req, lambda res: [cv.service(s) for s in res.services])


def watch_services_request(overlay: str, name: str, include_current: bool) -> gateway_pb2.WatchServicesRequest:
    return gateway_pb2.WatchServicesRequest(overlay=overlay, name=name, include_current=include_current)
