"""The consumer's side of a ResilientStream, shared by Subscription and Watch: iterator and context manager."""

from __future__ import annotations

from types import TracebackType
from typing import Generic, Self, TypeVar

from hearsay._stream import ResilientStream

__all__ = ["StreamReader"]

T = TypeVar("T")


class StreamReader(Generic[T]):
    """Iterating reads until the stream ends (closed, or a refusal raised from the iteration)."""

    _stream: ResilientStream[T]

    def get(self, timeout: float | None = None) -> T | None:
        """The next item; None once closed; TimeoutError when nothing came within `timeout` s."""
        return self._stream.get(timeout)

    def __iter__(self) -> Self:
        return self

    def __next__(self) -> T:
        item = self.get()
        if item is None:
            raise StopIteration
        return item

    def close(self) -> None:
        """Ends the stream; an iteration in progress ends without error."""
        self._stream.close()

    @property
    def closed(self) -> bool:
        return self._stream.closed

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
