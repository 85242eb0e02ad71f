"""A server stream that survives reconnects, read by a background thread into a bounded buffer."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from hearsay._backoff import ReconnectOptions, backoff_delay_ms
from hearsay._buffer import CLOSED, Buffer
from hearsay._wire import StreamCall
from hearsay.errors import HearsayError, Internal, Unavailable, is_retryable

__all__ = ["ResilientStream", "StreamSpec", "RetryHook"]

Out = TypeVar("Out")
RetryHook = Callable[[HearsayError, int, float], None]
_log = logging.getLogger("hearsay")

#: How often the idle watchdog looks at open streams, s.
WATCHDOG_PERIOD_S = 0.25


@dataclass(frozen=True, slots=True)
class StreamSpec:
    #: Opens one call (again after each reconnect).
    open: Callable[[], StreamCall]
    #: Turns one item read into outputs, in order; may raise HearsayError to end the stream for good.
    handle: Callable[[Any], list[Any]]
    #: None = end on the first failure.
    reconnect: ReconnectOptions | None
    #: Reopen when nothing (not even a keep-alive) arrived for this long, ms; 0 = never.
    idle_timeout_ms: int
    #: Outputs buffered before the reader stops reading (backpressure to the gateway).
    max_queued: int
    #: Told about every failure that will be retried: (error, attempt from 1, delay ms).
    on_retry: RetryHook | None
    #: Thread name, for debugging.
    name: str


class ResilientStream(Generic[Out]):
    """Reads calls opened by `spec.open` on a daemon thread, reopening them with
    jittered exponential backoff on retryable failures, and hands outputs to
    the consumer through a bounded Buffer. A non-retryable error ends the
    stream; the consumer sees it after the outputs read before it."""

    def __init__(self, spec: StreamSpec, on_end: Callable[[HearsayError | None], None] | None = None) -> None:
        self._spec = spec
        self._on_end = on_end
        self._buffer = Buffer(spec.max_queued)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._call: StreamCall | None = None
        self._last_rx = time.monotonic()
        self._idle_expired = False
        self._ended = False
        #: The error that ended the stream (None while open, or when closed).
        self.error: HearsayError | None = None
        self._thread = threading.Thread(target=self._run, name=spec.name, daemon=True)
        self._thread.start()
        if spec.idle_timeout_ms > 0:
            _Watchdog.instance().watch(self)

    @property
    def closed(self) -> bool:
        return self._stop.is_set()

    @property
    def ended(self) -> bool:
        """True once closed or ended by an error."""
        return self._ended

    def get(self, timeout: float | None = None) -> Out | None:
        """The next output; None once the stream is closed or over; raises its final error."""
        item = self._buffer.get(timeout)
        return None if item is CLOSED else item

    def close(self, join_timeout_s: float = 2.0) -> None:
        """Ends the stream; the reader thread exits (waited for up to join_timeout_s)."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._buffer.close()
        with self._lock:
            call = self._call
        if call is not None:
            call.cancel()
        self._end(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(join_timeout_s)

    def check_idle(self, now: float) -> None:
        """Called by the watchdog: reopens a stream that has been silent too long."""
        if self._stop.is_set() or self._spec.idle_timeout_ms <= 0:
            return
        if self._buffer.full:
            self._last_rx = now  # silence while the consumer holds us back is our doing
            return
        if (now - self._last_rx) * 1000 > self._spec.idle_timeout_ms:
            with self._lock:
                call = self._call
            if call is not None:
                self._idle_expired = True
                self._last_rx = now
                call.cancel()

    def _end(self, err: HearsayError | None) -> None:
        with self._lock:
            if self._ended:
                return
            self._ended = True
            self.error = err
        self._buffer.finish(err)
        if self._on_end is not None:
            self._on_end(err)

    def _run(self) -> None:
        attempt = 0
        try:
            while not self._stop.is_set():
                err, healthy, fatal = self._run_once()
                if self._stop.is_set():
                    return
                if healthy:
                    attempt = 0
                failure = err or Unavailable("the gateway ended the stream")
                if fatal or self._spec.reconnect is None or (err is not None and not is_retryable(err)):
                    self._end(failure)  # a stream the gateway ended is not a clean end for the consumer
                    return
                delay_ms = backoff_delay_ms(attempt, self._spec.reconnect)
                attempt += 1
                if self._spec.on_retry is not None:
                    self._spec.on_retry(failure, attempt, delay_ms)
                _log.debug("%s: reconnecting in %.0f ms after %r", self._spec.name, delay_ms, failure)
                self._stop.wait(delay_ms / 1000)
        except BaseException as e:  # a bug here must end the stream visibly, not hang the consumer
            self._end(e if isinstance(e, HearsayError) else Internal(f"{self._spec.name}: {e!r}"))
            raise

    def _run_once(self) -> tuple[HearsayError | None, bool, bool]:
        """One call until it fails or ends: (error or None when ended cleanly, healthy, fatal)."""
        healthy = False
        self._idle_expired = False
        self._last_rx = time.monotonic()
        try:
            call = self._spec.open()
        except HearsayError as e:
            return e, False, False
        with self._lock:
            self._call = call
        if self._stop.is_set():
            call.cancel()
        try:
            for item in call:
                self._last_rx = time.monotonic()
                healthy = True
                try:
                    out = self._spec.handle(item)
                except HearsayError as e:
                    call.cancel()
                    return e, healthy, True
                if out and not self._buffer.put(out):
                    call.cancel()
                    return None, healthy, False
            return None, healthy, False
        except HearsayError as e:
            if self._idle_expired:
                return Unavailable(f"no message from the gateway for {self._spec.idle_timeout_ms} ms"), healthy, False
            return e, healthy, False
        finally:
            with self._lock:
                self._call = None


class _Watchdog:
    """One daemon thread per process that looks for silent streams."""

    _instance: _Watchdog | None = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        self._streams: weakref.WeakSet[ResilientStream[Any]] = weakref.WeakSet()
        self._lock = threading.Lock()
        threading.Thread(target=self._loop, name="hearsay-watchdog", daemon=True).start()

    @classmethod
    def instance(cls) -> _Watchdog:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def watch(self, s: ResilientStream[Any]) -> None:
        with self._lock:
            self._streams.add(s)

    def _loop(self) -> None:
        while True:
            time.sleep(WATCHDOG_PERIOD_S)
            with self._lock:
                streams = list(self._streams)
            now = time.monotonic()
            for s in streams:
                if s.closed:
                    with self._lock:
                        self._streams.discard(s)
                else:
                    s.check_idle(now)
