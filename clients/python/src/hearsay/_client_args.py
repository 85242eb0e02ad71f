"""The argument checks and request building of Client and AsyncClient: every part of a call but the call.

The threaded client hands what these build to its Wire, the asyncio client
awaits grpc.aio with it; built once, both take and refuse the same arguments.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from hearsay._checks import bool_arg, int_in, name_arg
from hearsay._classes import ClassTable, check_headers
from hearsay._sub_state import SubscriptionState
from hearsay._wire import NewDigest
from hearsay.codec import check_message_class
from hearsay.cursor import Cursor
from hearsay.options import TlsOptions

__all__ = ["Start", "connection_tls", "check_registration", "publish_batches", "subscription_state"]

Start = Literal["latest", "earliest"]


def connection_tls(
    address: str | None,
    token: str | None,
    tls: TlsOptions | bool | None,
    overlay: str,
    call_timeout_ms: int,
    keepalive_ms: int,
) -> TlsOptions | None:
    """Checks the options both connect()s take; the TLS options to use, None for plaintext."""
    if address is not None and not isinstance(address, str):
        raise TypeError(f"address: a 'host:port' str, got {type(address).__name__}")
    if token is not None and (not isinstance(token, str) or not token or any(c.isspace() for c in token)):
        raise ValueError("token: a non-empty str without spaces (or None)")
    int_in(call_timeout_ms, "call_timeout_ms", 1, 3_600_000)
    int_in(keepalive_ms, "keepalive_ms", 1_000, 3_600_000)
    name_arg(overlay, "overlay", allow_empty=True)
    if tls is not None and not isinstance(tls, (bool, TlsOptions)):
        raise TypeError(f"tls: True, None or a TlsOptions, got {type(tls).__name__}")
    return TlsOptions() if tls is True else (tls or None)


def check_registration(cls: type | None, description: str, skip_payload_validation: bool) -> None:
    if cls is not None:
        check_message_class(cls, "message_class")
    name_arg(description, "description", allow_empty=True)
    bool_arg(skip_payload_validation, "skip_payload_validation")


def publish_batches(
    classes: ClassTable, messages: Iterable[Any], headers: Mapping[str, str] | None, max_batch: int
) -> list[list[NewDigest]]:
    """publish_batch's messages (message objects or (type name, payload) pairs) as digests, max_batch a request."""
    int_in(max_batch, "max_batch", 1, 1 << 20)
    hdrs = check_headers(headers)
    digests: list[NewDigest] = []
    for i, m in enumerate(messages):
        if isinstance(m, tuple):
            if len(m) != 2:
                raise ValueError(f"messages[{i}]: a message object or a (type name, payload) pair")
            digests.append(classes.new_digest(m[0], m[1], None, hdrs))
        else:
            digests.append(classes.new_digest(m, None, None, hdrs))
    return [digests[i : i + max_batch] for i in range(0, len(digests), max_batch)]


def subscription_state(
    classes: ClassTable,
    overlay: str,
    types: Any,
    resume_from: Cursor | None,
    start: Start,
    include_json: bool,
    max_batch_digests: int,
    keepalive_ms: int,
    include_caught_up: bool = False,
) -> SubscriptionState:
    """Checks subscribe()'s arguments that say what to read; the state its stream resumes from."""
    names, decoding = classes.subscription_types(types)
    if resume_from is not None and not isinstance(resume_from, Cursor):
        raise TypeError(f"resume_from: a hearsay.Cursor (e.g. Cursor.from_json(...)), got {type(resume_from).__name__}")
    if start not in ("latest", "earliest"):
        raise ValueError(f"start: 'latest' or 'earliest', got {start!r}")
    bool_arg(include_json, "include_json")
    bool_arg(include_caught_up, "include_caught_up")
    int_in(max_batch_digests, "max_batch_digests", 0, 1 << 20)
    int_in(keepalive_ms, "keepalive_ms", 1_000, 300_000)
    return SubscriptionState(
        overlay,
        names,
        decoding,
        resume_from,
        start == "earliest",
        include_json,
        max_batch_digests,
        keepalive_ms,
        include_caught_up=include_caught_up,
    )
