"""What a subscription yields: digests, gap notices (loss is never silent), and, when asked
for, the caught-up marker."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from hearsay.cursor import Cursor, CursorLink

__all__ = ["DigestDelivery", "GapDelivery", "GapRange", "CaughtUpDelivery", "Delivery", "GapReason", "PublishResult"]

GapReason = Literal["SLOW_CONSUMER", "RETENTION_EXPIRED", "UNRECOVERABLE", "UNSPECIFIED"]


class DigestDelivery:
    """A digest as a subscriber receives it (`kind == "digest"`). Read-only by convention."""

    __slots__ = (
        "type",
        "id",
        "origin",
        "sequence",
        "epoch",
        "stream_sequence",
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
    #: "origin:epoch:sequence", unique in the overlay.
    id: str
    #: Node name of the gateway that accepted the publish.
    origin: str
    #: Gapless per origin and epoch (across all types), from 1.
    sequence: int
    #: The origin's log epoch (a gateway restarted without its data dir starts a new, higher one).
    epoch: int
    #: Gapless per stream = (origin, epoch, type), from 1: what cursors and gap ranges speak in.
    stream_sequence: int
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
        epoch: int = 0,
        stream_sequence: int = 0,
    ) -> None:
        self.type = type
        self.id = id
        self.origin = origin
        self.sequence = sequence
        self.epoch = epoch
        self.stream_sequence = stream_sequence
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
    """A run of one origin's digests of one type, in one of its epochs, that this subscriber
    lost: stream sequences from_sequence..to_sequence inclusive (to_sequence 0 = through the
    end of the epoch, whose length no reachable gateway knows)."""

    origin: str
    type: str
    from_sequence: int
    to_sequence: int
    epoch: int = 0


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


@dataclass(frozen=True, slots=True)
class CaughtUpDelivery:
    """The backlog the subscription started with (the retained history its start or resume
    cursor asked for, fetched from peers if need be) has been delivered: what follows is live
    (`kind == "caught_up"`). Yielded once per subscription, in order with the digests, when
    subscribed with include_caught_up=True; later markers (after reconnects) are not."""

    #: The gateway's clock when it sent the marker, Unix epoch ms.
    server_time_ms: int
    #: Digests the gateway delivered before the marker on the stream that sent it (the backlog).
    backlog_digests: int
    #: The subscription's cursor at the marker (the end of the backlog).
    cursor: Cursor
    kind: Literal["caught_up"] = field(default="caught_up", init=False)


Delivery = DigestDelivery | GapDelivery | CaughtUpDelivery


@dataclass(frozen=True, slots=True)
class PublishResult:
    """Where a published digest landed; `str(result)` is its id."""

    #: "origin:epoch:sequence", unique in the overlay.
    id: str
    #: Node name of the gateway that accepted it.
    origin: str
    #: The origin's sequence (across all types).
    sequence: int
    publish_time_ms: int
    #: The origin's log epoch.
    epoch: int = 0
    #: Position in its stream (origin, epoch, type): what a cursor position names.
    stream_sequence: int = 0

    def __str__(self) -> str:
        return self.id
