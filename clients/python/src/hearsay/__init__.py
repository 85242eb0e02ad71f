"""Hearsay Python SDK: talk to your local Hearsay gateway over gRPC or Thrift.

    import hearsay

    with hearsay.connect("127.0.0.1:7400") as client:
        print(client.info().node_name)

Failures raise a hearsay.HearsayError subclass (NotFound, InvalidArgument, ...),
the same class whichever transport carried the call.
"""

from hearsay.client import DEFAULT_GRPC_ADDRESS, Client, Transport, connect
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
)
from hearsay.info import GatewayInfo, Limits
from hearsay.options import TlsOptions

__version__ = "0.1.0"

__all__ = [
    "connect",
    "Client",
    "Transport",
    "DEFAULT_GRPC_ADDRESS",
    "TlsOptions",
    "GatewayInfo",
    "Limits",
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
]
