"""The transport-free core of a subscription: requests, cursor tracking, dedup, decoding.

Shared by the threaded and the asyncio subscriptions. It makes reconnects
exact: each request resumes from the positions received, and anything at or
before them is dropped, so a reconnect neither loses nor repeats digests. A
"latest" subscription asks for "earliest" after a reconnect (pairs it has not
seen yet must still get what was published since it began) and drops digests
of such pairs published before it began, less the gateway's start grace.
Positions are per (origin, type) an (epoch, stream sequence), epochs first.
The gateway's caught-up marker is surfaced once (the first stream's; each
reconnect's stream sends its own, not surfaced again).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from hearsay._wire import SubscribeSpec
from hearsay.codec import decoder
from hearsay.cursor import Cursor, CursorState
from hearsay.delivery import CaughtUpDelivery, DigestDelivery, GapDelivery, GapRange, GapReason

__all__ = ["SubscriptionState", "START_GRACE_MS"]

#: How far before its start a "latest" subscription accepts digests of new (origin, type)
#: pairs, ms: the gateway's start grace (SubscribeRequest.start says up to 1 s).
START_GRACE_MS = 1_000

_GAP_REASONS: dict[int, GapReason] = {1: "SLOW_CONSUMER", 2: "RETENTION_EXPIRED", 3: "UNRECOVERABLE"}


class SubscriptionState:
    def __init__(
        self,
        overlay: str,
        types: tuple[str, ...],
        classes: Mapping[str, type],
        resume_from: Cursor | None,
        earliest: bool,
        include_json: bool,
        max_batch_digests: int,
        keepalive_ms: int,
        now_ms: Callable[[], float] = lambda: time.time() * 1000,
        include_caught_up: bool = False,
    ) -> None:
        self.types = types
        self._overlay = overlay
        self._decoders = {name: decoder(cls) for name, cls in classes.items()}
        self._resume_from = resume_from
        self._earliest = earliest
        self.include_json = include_json
        self._max_batch = max_batch_digests
        self._keepalive_ms = keepalive_ms
        self._now_ms = now_ms
        self._state = CursorState(resume_from)
        self._opened = 0
        self._first_open_ms = 0.0
        self.subscription_id: str | None = None
        self.started_event = threading.Event()
        self.include_caught_up = include_caught_up
        #: Set when the first caught-up marker has been read (the backlog is in the SDK).
        self.caught_up_event = threading.Event()
        self.caught_up_info: CaughtUpDelivery | None = None

    @property
    def cursor(self) -> Cursor:
        return self._state.snapshot()

    def request(self) -> SubscribeSpec:
        first = self._opened == 0
        self._opened += 1
        if first:
            self._first_open_ms = self._now_ms()
        return SubscribeSpec(
            overlay=self._overlay,
            types=self.types,
            resume_from=None if first and self._resume_from is None else self._state.snapshot(),
            earliest=self._earliest or not first,
            include_json=self.include_json,
            max_batch_digests=self._max_batch,
            keepalive_ms=self._keepalive_ms,
        )

    def started(self, subscription_id: str) -> None:
        self.subscription_id = subscription_id
        self.started_event.set()

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
    ) -> DigestDelivery | None:
        state = self._state
        at = state.at(origin, type)
        if at is not None and (epoch, stream_sequence) <= at:
            return None  # already delivered before a reconnect
        if at is None and not self._earliest and self._opened > 1:
            if publish_time_ms < self._first_open_ms - START_GRACE_MS:
                return None  # before this "latest" subscription began
        link = state.advance(origin, type, epoch, stream_sequence)
        if link is None:
            return None
        decode = self._decoders.get(type)
        message: Any = None
        error: Exception | None = None
        if decode is not None:
            try:
                message = decode(payload)
            except Exception as e:  # malformed payloads must not end the subscription
                error = e
        return DigestDelivery(
            type,
            id,
            origin,
            sequence,
            publish_time_ms,
            headers,
            payload,
            message,
            link,
            error,
            json,
            epoch,
            stream_sequence,
        )

    def gap(
        self, reason: int, ranges: list[tuple[str, str, int, int, int]], message: str, resume_from: Cursor
    ) -> GapDelivery:
        """ranges: (origin, type, from_sequence, to_sequence, epoch) each."""
        self._state.merge(resume_from)
        return GapDelivery(
            reason=_GAP_REASONS.get(reason, "UNSPECIFIED"),
            ranges=tuple(
                GapRange(origin=o, type=t, from_sequence=f, to_sequence=s, epoch=e) for o, t, f, s, e in ranges
            ),
            message=message,
            resume_from=resume_from,
            cursor=self._state.snapshot(),
        )

    def caught_up(self, server_time_ms: int, backlog_digests: int) -> CaughtUpDelivery | None:
        """The gateway's marker: the first one is recorded (and returned when the subscriber asked
        for the item); later ones, one per reconnected stream, are dropped."""
        if self.caught_up_info is not None:
            return None
        mark = CaughtUpDelivery(server_time_ms, backlog_digests, self._state.snapshot())
        self.caught_up_info = mark
        self.caught_up_event.set()
        return mark if self.include_caught_up else None
