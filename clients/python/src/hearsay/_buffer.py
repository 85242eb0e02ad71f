"""A bounded hand-off between a stream's reader thread and its consumer."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

__all__ = ["Buffer", "CLOSED"]

#: Returned by get() once the buffer is closed and drained.
CLOSED: Any = object()


class Buffer:
    """Items in, in order. put() blocks while `max_items` are held, so a slow
    consumer stops the reader, and the transport's flow control (HTTP/2
    windows, or simply not polling) pushes back on the gateway. Ends with
    close() (consumer side: further puts are dropped) or finish(err) (reader
    side: the consumer drains what is held, then sees err)."""

    def __init__(self, max_items: int) -> None:
        self._max = max_items
        self._items: deque[Any] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._finished = False
        self._error: BaseException | None = None

    @property
    def full(self) -> bool:
        return len(self._items) >= self._max

    def put(self, items: list[Any]) -> bool:
        """Adds items (waiting for room first); False once the buffer is closed."""
        if not items:
            return not self._closed
        with self._cond:
            while len(self._items) >= self._max and not self._closed:
                self._cond.wait(0.5)
            if self._closed:
                return False
            self._items.extend(items)
            self._cond.notify_all()
            return True

    def get(self, timeout: float | None = None) -> Any:
        """The next item; CLOSED when over; raises the reader's error after the held items;
        TimeoutError when nothing came within `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                if self._closed:
                    return CLOSED
                if self._items:
                    item = self._items.popleft()
                    if len(self._items) < self._max:
                        self._cond.notify_all()
                    return item
                if self._finished:
                    if self._error is not None:
                        raise self._error
                    return CLOSED
                if deadline is None:
                    self._cond.wait(1.0)
                else:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TimeoutError(f"no delivery within {timeout:g} s")
                    self._cond.wait(left)

    def finish(self, error: BaseException | None) -> None:
        with self._cond:
            if not self._finished:
                self._finished = True
                self._error = error
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._items.clear()
            self._cond.notify_all()
