"""What a subscription yields: digests, and gap notices (loss is never silent)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from hearsay.cursor import Cursor, CursorLink

__all__ = ["DigestDelivery", "GapDelivery", "GapRange", "Delivery", "GapReason", "PublishResult"]

GapReason = Literal["SLOW_CONSUMER", "RETENTION_EXPIRED", "UNRECOVERABLE", "UNSPECIFIED"]


class DigestDelivery:
    """A digest as a subscriber receives it (`kind == "digest"`). Read-only by convention."""

    __slots__ = (
        "type",
        "id",
        "origin",
        "sequence",
        "publish_time_ms",
        "headers",
        "payload",
        "message",
        "decode_error",
        "json",
        "_link",
    )

    kind: Literal["digest"] = "digest"
    type: str
    #: "origin:sequence", unique in the overlay.
    id: str
    #: Node name of the gateway that accepted the publish.
    origin: str
    #: Gapless per origin, from 1.
    sequence: int
    #: When the origin accepted it, Unix epoch ms (the origin's clock).
    publish_time_ms: int
    headers: dict[str, str]
    #: The payload as published (protobuf or Thrift binary).
    payload: bytes
    #: The payload decoded by the class known for its type; None when subscribed by name
    #: with no class known, or when decoding failed (see decode_error).
    message: Any
    #: Set when the class failed to decode the payload.
    decode_error: Exception | None
    #: The payload rendered as JSON by the gateway, when subscribed with include_json.
    json: str | None

    def __init__(
        self,
        type: str,
        id: str,
        origin: str,
        sequence: int,
        publish_time_ms: int,
        headers: dict[str, str],
        payload: bytes,
        message: Any,
        link: CursorLink,
        decode_error: Exception | None = None,
        json: str | None = None,
    ) -> None:
        self.type = type
        self.id = id
        self.origin = origin
        self.sequence = sequence
        self.publish_time_ms = publish_time_ms
        self.headers = headers
        self.payload = payload
        self.message = message
        self.decode_error = decode_error
        self.json = json
        self._link = link

    @property
    def cursor(self) -> Cursor:
        """The subscription's cursor after this delivery: resume from it to continue right after."""
        return self._link.cursor()

    def __repr__(self) -> str:
        return (
            f"DigestDelivery(type={self.type!r}, id={self.id!r}, publish_time_ms={self.publish_time_ms}, "
            f"headers={self.headers!r}, payload={len(self.payload)} bytes, message={self.message!r}"
            f"{', decode_error=' + repr(self.decode_error) if self.decode_error else ''})"
        )


@dataclass(frozen=True, slots=True)
class GapRange:
    """A run of one origin's digests of one type that this subscriber lost (inclusive)."""

    origin: str
    type: str
    from_sequence: int
    to_sequence: int


@dataclass(frozen=True, slots=True)
class GapDelivery:
    """An explicit notice that digests were lost (`kind == "gap"`)."""

    reason: GapReason
    ranges: tuple[GapRange, ...]
    message: str
    #: Cursor that skips past the gap.
    resume_from: Cursor
    #: The subscription's cursor after this notice (the gap skipped).
    cursor: Cursor
    kind: Literal["gap"] = field(default="gap", init=False)


Delivery = DigestDelivery | GapDelivery


@dataclass(frozen=True, slots=True)
class PublishResult:
    """Where a published digest landed; `str(result)` is its id."""

    #: "origin:sequence", unique in the overlay.
    id: str
    #: Node name of the gateway that accepted it.
    origin: str
    sequence: int
    publish_time_ms: int

    def __str__(self) -> str:
        return self.id
