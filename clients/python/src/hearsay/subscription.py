"""Subscriptions: an iterator of deliveries, and the same on a background thread with a callback."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType

from hearsay._stream import ResilientStream
from hearsay._stream_reader import StreamReader
from hearsay._sub_state import SubscriptionState
from hearsay.cursor import Cursor
from hearsay.delivery import CaughtUpDelivery, Delivery
from hearsay.errors import Cancelled

__all__ = ["Subscription", "BackgroundSubscription"]

_log = logging.getLogger("hearsay")


class Subscription(StreamReader[Delivery]):
    """A live subscription: iterate it for DigestDelivery and GapDelivery items (and one
    CaughtUpDelivery when subscribed with include_caught_up=True).

    It reconnects by itself, resuming from the last position received, and
    drops anything at or before it, so a reconnect neither loses nor repeats
    digests. Iteration ends when the subscription is closed (close(), `with`,
    or the client's close()); a refusal (NotFound, PermissionDenied, ...)
    raises its HearsayError from the iteration.
    """

    def __init__(self, state: SubscriptionState, start: Callable[[], ResilientStream[Delivery]]) -> None:
        self._state = state
        self._start = state.cursor
        self._last: Delivery | None = None
        self._stream = start()

    @property
    def types(self) -> tuple[str, ...]:
        return self._state.types

    @property
    def cursor(self) -> Cursor:
        """The cursor after the last delivery handed out: store it (to_json) to resume later."""
        return self._start if self._last is None else self._last.cursor

    @property
    def subscription_id(self) -> str | None:
        """The gateway's id of the current stream, once started."""
        return self._state.subscription_id

    def wait_started(self, timeout: float | None = 10.0) -> str:
        """Blocks until the gateway has confirmed the subscription; returns its id.

        Raises TimeoutError, or the HearsayError that ended the subscription first.
        """
        deadline_step = 0.05
        waited = 0.0
        while not self._state.started_event.wait(deadline_step):
            waited += deadline_step
            if self._stream.ended:
                if self._stream.error is not None:
                    raise self._stream.error
                raise Cancelled("subscription closed before it started")
            if timeout is not None and waited >= timeout:
                raise TimeoutError(f"subscription not started within {timeout:g} s")
        return self._state.subscription_id or ""

    @property
    def caught_up(self) -> bool:
        """Whether the gateway has delivered the backlog the subscription started with (its
        retained history, per start/resume_from) to this SDK: everything it reads after is live.
        Deliveries still queued here come first; iterate with include_caught_up=True to see
        the CaughtUpDelivery marker in order with them. Stays True across reconnects."""
        return self._state.caught_up_event.is_set()

    def wait_caught_up(self, timeout: float | None = 10.0) -> CaughtUpDelivery:
        """Blocks until `caught_up` (deliveries are kept for the iterator); returns the marker.

        Raises TimeoutError, or the HearsayError that ended the subscription first.
        """
        step = 0.05
        waited = 0.0
        while not self._state.caught_up_event.wait(step):
            waited += step
            if self._stream.ended:
                if self._stream.error is not None:
                    raise self._stream.error
                raise Cancelled("subscription closed before it caught up")
            if timeout is not None and waited >= timeout:
                raise TimeoutError(f"subscription not caught up within {timeout:g} s")
        assert self._state.caught_up_info is not None
        return self._state.caught_up_info

    def get(self, timeout: float | None = None) -> Delivery | None:
        """The next delivery; None once closed; TimeoutError when nothing came within `timeout` s."""
        d = self._stream.get(timeout)
        if d is not None:
            self._last = d
        return d

    def __repr__(self) -> str:
        return f"<hearsay.Subscription {list(self.types)} {'closed' if self.closed else 'open'}>"


class BackgroundSubscription:
    """A Subscription whose deliveries a thread hands to a callback, one at a time, in order.

    If the callback raises, the subscription ends and the exception is kept in
    `error` (and passed to `on_error`); so does a refusal from the gateway.
    """

    def __init__(
        self,
        sub: Subscription,
        on_delivery: Callable[[Delivery], object],
        on_error: Callable[[BaseException], object] | None,
    ) -> None:
        self.subscription = sub
        self.error: BaseException | None = None
        self._on_delivery = on_delivery
        self._on_error = on_error
        self._thread = threading.Thread(target=self._run, name="hearsay-callback", daemon=True)
        self._thread.start()

    @property
    def cursor(self) -> Cursor:
        return self.subscription.cursor

    def wait_started(self, timeout: float | None = 10.0) -> str:
        return self.subscription.wait_started(timeout)

    @property
    def caught_up(self) -> bool:
        return self.subscription.caught_up

    def wait_caught_up(self, timeout: float | None = 10.0) -> CaughtUpDelivery:
        return self.subscription.wait_caught_up(timeout)

    def _run(self) -> None:
        try:
            for d in self.subscription:
                self._on_delivery(d)
        except BaseException as e:
            self.error = e
            self.subscription.close()
            if self._on_error is not None:
                self._on_error(e)
            else:
                _log.error("hearsay: subscription callback ended the subscription: %r", e)

    def close(self, timeout: float | None = 5.0) -> None:
        """Ends the subscription and waits (up to `timeout` s) for the callback thread."""
        self.subscription.close()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def __enter__(self) -> BackgroundSubscription:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
