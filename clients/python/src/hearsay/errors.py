"""One exception class per shared error code (proto/hearsay/v1/errors.proto).

The code numbers are the gRPC status numbers and the Thrift API raises
HearsayError with the same numbers, so a failure surfaces as the same class
whichever transport carried it. Catch `HearsayError` for all of them.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
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


class HearsayError(Exception):
    """A failed gateway call: `.code` is the shared code number, `.message` the gateway's text."""

    #: The code this class stands for (0 on the base class).
    CODE: ClassVar[int] = 0

    def __init__(self, message: str, code: int | None = None, *, published: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code: int = self.CODE if code is None else code
        #: On a batching publisher's failure: True when this digest was published anyway
        #: (it came before the refused one in its stream), False when it was not, None
        #: when unknown (the connection failed) or not a publish.
        self.published: bool | None = published

    @property
    def code_name(self) -> str:
        """Stable name of the code, e.g. "NOT_FOUND" (as in errors.proto without the prefix)."""
        return _NAMES.get(self.code, f"CODE_{self.code}")

    def __reduce__(self) -> tuple[type[HearsayError], tuple[str, int], dict[str, object]]:
        # Keep the code through pickling (Internal may carry a non-shared one).
        return (type(self), (self.message, self.code), {"published": self.published})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code} {self.code_name}, message={self.message!r})"


class Cancelled(HearsayError):
    """The call was cancelled (by the client)."""

    CODE = 1


class InvalidArgument(HearsayError):
    """A field is missing or malformed; the message names the field."""

    CODE = 3


class DeadlineExceeded(HearsayError):
    """The call did not finish within its deadline."""

    CODE = 4


class NotFound(HearsayError):
    """Unknown digest type, service instance, subscription or overlay."""

    CODE = 5


class AlreadyExists(HearsayError):
    """Already registered with a different, conflicting definition."""

    CODE = 6


class PermissionDenied(HearsayError):
    """The token may not publish / subscribe to this type."""

    CODE = 7


class ResourceExhausted(HearsayError):
    """Over a limit (size, count, rate, queue)."""

    CODE = 8


class FailedPrecondition(HearsayError):
    """Valid request refused by the current state, e.g. an incompatible schema change."""

    CODE = 9


class Unimplemented(HearsayError):
    """The operation is not offered by this gateway (yet)."""

    CODE = 12


class Internal(HearsayError):
    """A bug in the gateway, or a code outside the shared list (`.code` keeps it)."""

    CODE = 13


class Unavailable(HearsayError):
    """The gateway cannot be reached, is shutting down or cannot reach the overlay; retry."""

    CODE = 14


class Unauthenticated(HearsayError):
    """Missing or unknown token."""

    CODE = 16


_CLASSES: dict[int, type[HearsayError]] = {
    cls.CODE: cls
    for cls in (
        Cancelled,
        InvalidArgument,
        DeadlineExceeded,
        NotFound,
        AlreadyExists,
        PermissionDenied,
        ResourceExhausted,
        FailedPrecondition,
        Unimplemented,
        Internal,
        Unavailable,
        Unauthenticated,
    )
}

_NAMES: dict[int, str] = {
    1: "CANCELLED",
    3: "INVALID_ARGUMENT",
    4: "DEADLINE_EXCEEDED",
    5: "NOT_FOUND",
    6: "ALREADY_EXISTS",
    7: "PERMISSION_DENIED",
    8: "RESOURCE_EXHAUSTED",
    9: "FAILED_PRECONDITION",
    12: "UNIMPLEMENTED",
    13: "INTERNAL",
    14: "UNAVAILABLE",
    16: "UNAUTHENTICATED",
}


def error_from_code(code: int, message: str) -> HearsayError:
    """The exception for a code; codes outside the shared list become Internal, keeping the number."""
    return _CLASSES.get(code, Internal)(message, code)


#: Codes worth reopening a stream for: the gateway went away or the transport broke
#: (CANCELLED by the server, UNKNOWN, DEADLINE_EXCEEDED, INTERNAL from a broken
#: HTTP/2 stream, UNAVAILABLE). Refusals of the request itself are final.
_RETRYABLE = frozenset({1, 2, 4, 13, 14})


def is_retryable(err: HearsayError) -> bool:
    """Whether a failed stream is worth reopening (the same set as the TypeScript SDK's)."""
    return err.code in _RETRYABLE
