"""A batching publisher for high rates: futures in, PublishStream (gRPC) or publishBatch (Thrift) out."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

from hearsay._wire import NewDigest, Wire
from hearsay.delivery import PublishResult
from hearsay.errors import Cancelled, FailedPrecondition, HearsayError, Internal, ResourceExhausted, error_from_code

__all__ = ["Publisher", "PublishFuture"]

_INDEX = re.compile(r"digests\[(\d+)\]")

#: Builds the digest for publish(message, payload, json=..., headers=...).
Encoder = Callable[[Any, bytes | None, "str | Mapping[str, Any] | None", "Mapping[str, str] | None"], NewDigest]


class PublishFuture:
    """The outcome of one Publisher.publish: result() waits for the gateway's acknowledgement."""

    __slots__ = ("_cond", "_done", "_result", "_error", "_callbacks")

    def __init__(self, cond: threading.Condition) -> None:
        self._cond = cond
        self._done = False
        self._result: PublishResult | None = None
        self._error: HearsayError | None = None
        self._callbacks: list[Callable[[PublishFuture], object]] | None = None

    def done(self) -> bool:
        return self._done

    def result(self, timeout: float | None = None) -> PublishResult:
        """The PublishResult; raises the HearsayError of a refused digest, TimeoutError if not done in time."""
        self._wait(timeout)
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    def exception(self, timeout: float | None = None) -> HearsayError | None:
        self._wait(timeout)
        return self._error

    def add_done_callback(self, fn: Callable[[PublishFuture], object]) -> None:
        """Calls fn(future) once done (at once if already done), on the publisher's thread."""
        with self._cond:
            if not self._done:
                if self._callbacks is None:
                    self._callbacks = []
                self._callbacks.append(fn)
                return
        fn(self)

    def _wait(self, timeout: float | None) -> None:
        if self._done:
            return
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while not self._done:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutError(f"publish not acknowledged within {timeout:g} s")
                self._cond.wait(1.0 if left is None else min(left, 1.0))

    def _settle(self, result: PublishResult | None, error: HearsayError | None) -> list[_Callback]:
        """Called with the publisher's lock held; returns the callbacks to run after releasing it."""
        self._result, self._error, self._done = result, error, True
        cbs, self._callbacks = self._callbacks or [], None
        return [(fn, self) for fn in cbs]


_Callback = tuple[Callable[[PublishFuture], object], PublishFuture]


class _Entry:
    __slots__ = ("n", "digest", "future")

    def __init__(self, n: int, digest: NewDigest, future: PublishFuture) -> None:
        self.n, self.digest, self.future = n, digest, future


class Publisher:
    """Batches digests like Kafka's producer: a batch goes out when it holds
    `max_batch` digests or `linger_ms` after the publisher started waiting for
    it. The gateway acknowledges a stream only when it ends, so each stream is
    ended after a linger with nothing more to send, at `max_stream_digests`, or
    `max_stream_ms` after it began; then every digest's future is resolved.
    One stream is in flight at a time, which keeps digests in publish order.
    A refused digest fails its stream: digests before it stay published (their
    error has `published=True`), it and those after it are not. Nothing is
    retried automatically (that could duplicate).
    """

    def __init__(
        self,
        wire: Wire,
        overlay: str,
        encode: Encoder,
        *,
        max_batch: int = 1024,
        linger_ms: float = 5,
        max_pending: int = 65_536,
        max_stream_digests: int | None = None,
        max_stream_ms: int = 250,
        call_timeout_ms: int = 10_000,
        on_close: Callable[[Publisher], object] | None = None,
    ) -> None:
        self._max_batch = _positive(max_batch, "max_batch")
        if not isinstance(linger_ms, (int, float)) or linger_ms < 0:
            raise ValueError(f"linger_ms: a number >= 0, got {linger_ms!r}")
        self._linger_s = linger_ms / 1000
        self._max_pending = _positive(max_pending, "max_pending")
        self._max_stream = _positive(
            16 * self._max_batch if max_stream_digests is None else max_stream_digests, "max_stream_digests"
        )
        self._max_stream_s = _positive(max_stream_ms, "max_stream_ms") / 1000
        self._timeout_s = self._max_stream_s + self._linger_s + call_timeout_ms / 1000
        self._on_close = on_close
        self._wire = wire
        self._overlay = overlay
        self._encode = encode
        self._cond = threading.Condition()
        self._buffer: deque[_Entry] = deque()
        self._flight: list[_Entry] = []
        self._pending = 0
        self._next_n = 0
        self._flush_through = -1
        self._closing = False
        self._aborted = False
        self._thread = threading.Thread(target=self._run, name="hearsay-publisher", daemon=True)
        self._thread.start()

    @property
    def pending_count(self) -> int:
        """Digests queued or awaiting acknowledgement."""
        return self._pending

    def publish(
        self,
        message: Any,
        payload: bytes | None = None,
        *,
        json: str | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        block: bool = True,
        timeout: float | None = None,
    ) -> PublishFuture:
        """Queues one digest (same arguments as Client.publish).

        With `max_pending` digests outstanding it waits for room (up to `timeout`
        s; `block=False`: not at all) and then raises ResourceExhausted.
        """
        digest = self._encode(message, payload, json, headers)
        with self._cond:
            if self._closing or self._aborted:
                raise FailedPrecondition("publisher: closed")
            if self._pending >= self._max_pending:
                self._wait_for_room(block, timeout)
            future = PublishFuture(self._cond)
            self._buffer.append(_Entry(self._next_n, digest, future))
            self._next_n += 1
            self._pending += 1
            if len(self._buffer) == 1 or len(self._buffer) >= self._max_batch:
                self._cond.notify_all()
        return future

    def flush(self, timeout: float | None = None) -> list[PublishResult]:
        """Sends everything queued now; returns the results of the digests pending at the call.

        Raises the first failure among them (each future still holds its own).
        """
        with self._cond:
            waiting = [e.future for e in self._flight] + [e.future for e in self._buffer]
            self._flush_through = self._next_n - 1
            self._cond.notify_all()
        deadline = None if timeout is None else time.monotonic() + timeout
        results = []
        for f in waiting:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            results.append(f.result(left))
        return results

    def close(self, timeout: float | None = None) -> list[PublishResult]:
        """Flushes, then refuses further publishes and stops the thread; returns the flushed results."""
        if self._closing:
            return []
        try:
            return self.flush(timeout)
        finally:
            with self._cond:
                self._closing = True
                self._cond.notify_all()
            self._thread.join(5.0)
            if self._on_close is not None:
                self._on_close(self)

    def abort(self) -> None:
        """Gives up at once: queued digests fail with Cancelled (published=False); the stream in
        flight is ended where it is and its digests still get their results."""
        callbacks: list[_Callback] = []
        with self._cond:
            self._aborted = True
            unsent, self._buffer = list(self._buffer), deque()
            self._pending -= len(unsent)
            for e in unsent:
                callbacks += e.future._settle(None, Cancelled("publisher: aborted before sending", published=False))
            self._cond.notify_all()
        _run_callbacks(callbacks)
        if self._on_close is not None:
            self._on_close(self)

    def __enter__(self) -> Publisher:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is None:
            self.close()
        else:
            self.abort()

    def _wait_for_room(self, block: bool, timeout: float | None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._pending >= self._max_pending:
            left = None if deadline is None else deadline - time.monotonic()
            if not block or (left is not None and left <= 0) or self._aborted:
                raise ResourceExhausted(
                    f"publisher: {self._pending} digests pending (max_pending); wait for some or flush()"
                )
            self._cond.wait(1.0 if left is None else min(left, 1.0))

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._buffer and not self._closing and not self._aborted:
                    self._cond.wait(1.0)
                if not self._buffer:
                    return
            self._fly()

    def _urgent(self) -> bool:
        return self._closing or (bool(self._buffer) and self._buffer[0].n <= self._flush_through)

    def _fly(self) -> None:
        """One stream: batches while digests keep coming, then settle every digest sent on it."""
        entries = self._flight = []
        started = time.monotonic()
        over = False

        def batches() -> Any:
            while True:
                with self._cond:
                    if over or self._aborted or len(entries) >= self._max_stream:
                        return
                    if entries and time.monotonic() - started >= self._max_stream_s:
                        return
                    deadline = time.monotonic() + self._linger_s
                    while len(self._buffer) < self._max_batch and not self._urgent() and not over and not self._aborted:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            break
                        self._cond.wait(left)
                    if over or self._aborted or not self._buffer:
                        return
                    n = min(self._max_batch, self._max_stream - len(entries), len(self._buffer))
                    batch = [self._buffer.popleft() for _ in range(n)]
                    entries.extend(batch)
                yield [e.digest for e in batch]

        results: list[PublishResult] = []
        err: HearsayError | None = None
        try:
            results = self._wire.publish_stream(self._overlay, batches(), self._timeout_s)
        except HearsayError as e:
            err = e
        except Exception as e:  # e.g. a closed channel: settle every future rather than hang them
            err = Internal(f"publisher: {e!r}")
        callbacks: list[_Callback] = []
        with self._cond:
            over = True
            self._flight = []
            self._pending -= len(entries)
            if err is None and len(results) < len(entries):
                err = Internal("publisher: the gateway acknowledged fewer digests than were sent")
            if err is None:
                for entry, r in zip(entries, results, strict=False):
                    callbacks += entry.future._settle(r, None)
            else:
                callbacks += _settle_failed(entries, err)
            self._cond.notify_all()
        _run_callbacks(callbacks)


def _settle_failed(entries: list[_Entry], err: HearsayError) -> list[_Callback]:
    """The gateway names the refused digest's index in its stream: those before it were published."""
    m = _INDEX.search(err.message)
    index = int(m.group(1)) if m else -1
    callbacks: list[_Callback] = []
    for i, e in enumerate(entries):
        msg = err.message
        if index >= 0 and i != index:
            state = "published" if i < index else "not published"
            msg = f"{state}: digest {index} of its stream was refused: {err.message}"
        e2 = error_from_code(err.code, msg)
        e2.published = None if index < 0 else i < index
        callbacks += e.future._settle(None, e2)
    return callbacks


def _run_callbacks(callbacks: list[_Callback]) -> None:
    for fn, future in callbacks:
        fn(future)


def _positive(n: Any, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{name}: a positive int, got {n!r}")
    return n
