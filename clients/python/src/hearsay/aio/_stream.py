"""An asyncio server stream that survives reconnects (grpc.aio), read only as the consumer asks."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import grpc
import grpc.aio

from hearsay._backoff import ReconnectOptions, backoff_delay_ms
from hearsay._grpc_transport import from_status
from hearsay._stream import RetryHook
from hearsay.errors import HearsayError, Unavailable, is_retryable

__all__ = ["AsyncStream"]

Out = TypeVar("Out")
_log = logging.getLogger("hearsay")


class AsyncStream(Generic[Out]):
    """Reads one call at a time, reopening it (jittered exponential backoff) on retryable
    failures. Reading only when the consumer asks is the backpressure: HTTP/2 flow
    control holds the gateway back while the consumer is busy. One consumer at a time."""

    def __init__(
        self,
        open_call: Callable[[], Any],
        handle: Callable[[Any], list[Out]],
        reconnect: ReconnectOptions | None,
        idle_timeout_ms: int,
        on_retry: RetryHook | None,
    ) -> None:
        self._open = open_call
        self._handle = handle
        self._reconnect = reconnect
        self._idle_s = idle_timeout_ms / 1000 if idle_timeout_ms > 0 else None
        self._on_retry = on_retry
        self._pending: deque[Out] = deque()
        self._call: Any = None
        self._attempt = 0
        self._closed = False
        self._error: HearsayError | None = None

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def error(self) -> HearsayError | None:
        """The error that ended the stream, if one did."""
        return self._error

    async def next(self) -> Out | None:
        """The next output; None once closed; raises the error that ended the stream."""
        while not self._pending:
            if self._closed:
                return None
            if self._error is not None:
                raise self._error
            await self.fill()
        return self._pending.popleft()

    async def fill(self) -> None:
        """Reads one message (opening the call if needed) and queues its outputs."""
        if self._call is None:
            self._call = self._open()
        call = self._call
        try:
            r = await asyncio.wait_for(call.read(), self._idle_s)
        except TimeoutError:
            return await self._failed(Unavailable(f"no message from the gateway for {self._idle_s:g} s"))
        except grpc.aio.AioRpcError as e:
            return await self._failed(from_status(e.code(), e.details(), str(e)))
        except asyncio.CancelledError:
            if self._closed:
                return None
            raise
        if r is grpc.aio.EOF:
            return await self._failed(None)
        self._attempt = 0
        try:
            self._pending.extend(self._handle(r))
        except HearsayError as e:
            self._fatal(e)
        return None

    async def _failed(self, err: HearsayError | None) -> None:
        self._drop_call()
        if self._closed:
            return
        if self._reconnect is None or (err is not None and not is_retryable(err)):
            self._fatal(err or Unavailable("the gateway ended the stream"))
            return
        delay_ms = backoff_delay_ms(self._attempt, self._reconnect)
        self._attempt += 1
        failure = err or Unavailable("the gateway ended the stream")
        if self._on_retry is not None:
            self._on_retry(failure, self._attempt, delay_ms)
        _log.debug("hearsay.aio: reconnecting in %.0f ms after %r", delay_ms, failure)
        await asyncio.sleep(delay_ms / 1000)

    def _fatal(self, err: HearsayError) -> None:
        self._drop_call()
        self._error = err

    def _drop_call(self) -> None:
        if self._call is not None:
            self._call.cancel()
            self._call = None

    def close(self) -> None:
        self._closed = True
        self._pending.clear()
        self._drop_call()
