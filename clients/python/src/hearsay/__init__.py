"""Hearsay Python SDK: talk to your local Hearsay gateway over gRPC or Thrift.

    import hearsay
    from demo_pb2 import Greeting

    with hearsay.connect("127.0.0.1:7400") as client:
        client.register_type(Greeting)
        with client.subscribe([Greeting]) as sub:
            client.publish(Greeting(text="hi"))
            for d in sub:
                if d.kind == "gap":
                    print("lost:", d.message)
                else:
                    print(d.id, d.message.text)
                    break

Failures raise a hearsay.HearsayError subclass (NotFound, InvalidArgument, ...),
the same class whichever transport carried the call. `hearsay.aio` is the
asyncio form (gRPC).
"""

from hearsay._backoff import ReconnectOptions
from hearsay.client import DEFAULT_GRPC_ADDRESS, Client, Start, Transport, connect
from hearsay.cursor import Cursor, CursorPosition
from hearsay.delivery import (
    CaughtUpDelivery,
    Delivery,
    DigestDelivery,
    GapDelivery,
    GapRange,
    GapReason,
    PublishResult,
)
from hearsay.errors import (
    AlreadyExists,
    Cancelled,
    DeadlineExceeded,
    FailedPrecondition,
    HearsayError,
    Internal,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
    Unimplemented,
    error_from_code,
    is_retryable,
)
from hearsay.info import GatewayInfo, Limits
from hearsay.members import Member, MemberEvent, MemberEventKind, MemberStatus
from hearsay.options import TlsOptions
from hearsay.publisher import Publisher, PublishFuture
from hearsay.registry import DigestType, RegisteredType, SchemaFormat
from hearsay.services import Service, ServiceEvent, ServiceEventKind, ServiceHealth
from hearsay.subscription import BackgroundSubscription, Subscription
from hearsay.watch import MemberWatch, ServiceWatch, Watch

__version__ = "0.1.0"

__all__ = [
    "connect",
    "Client",
    "Transport",
    "Start",
    "DEFAULT_GRPC_ADDRESS",
    "TlsOptions",
    "ReconnectOptions",
    "GatewayInfo",
    "Limits",
    "DigestType",
    "RegisteredType",
    "SchemaFormat",
    "PublishResult",
    "Publisher",
    "PublishFuture",
    "Subscription",
    "BackgroundSubscription",
    "CaughtUpDelivery",
    "Delivery",
    "DigestDelivery",
    "GapDelivery",
    "GapRange",
    "GapReason",
    "Cursor",
    "CursorPosition",
    "Member",
    "MemberEvent",
    "MemberEventKind",
    "MemberStatus",
    "Service",
    "ServiceEvent",
    "ServiceEventKind",
    "ServiceHealth",
    "Watch",
    "MemberWatch",
    "ServiceWatch",
    "HearsayError",
    "Cancelled",
    "InvalidArgument",
    "DeadlineExceeded",
    "NotFound",
    "AlreadyExists",
    "PermissionDenied",
    "ResourceExhausted",
    "FailedPrecondition",
    "Unimplemented",
    "Internal",
    "Unavailable",
    "Unauthenticated",
    "error_from_code",
    "is_retryable",
]
