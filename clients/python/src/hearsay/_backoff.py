"""Reconnect timing of streams (subscribe, watch_members, watch_services)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["ReconnectOptions", "backoff_delay_ms"]


@dataclass(frozen=True, slots=True)
class ReconnectOptions:
    """Delays between reconnect attempts: initial_delay_ms doubling up to max_delay_ms, jittered."""

    #: First delay after a failure, ms.
    initial_delay_ms: int = 100
    #: Delays double up to this, ms.
    max_delay_ms: int = 5_000

    def __post_init__(self) -> None:
        if not isinstance(self.initial_delay_ms, int) or self.initial_delay_ms < 1:
            raise ValueError(f"ReconnectOptions.initial_delay_ms: a positive int, got {self.initial_delay_ms!r}")
        if not isinstance(self.max_delay_ms, int) or self.max_delay_ms < self.initial_delay_ms:
            raise ValueError(f"ReconnectOptions.max_delay_ms: an int >= initial_delay_ms, got {self.max_delay_ms!r}")


def backoff_delay_ms(attempt: int, opts: ReconnectOptions, rand: Callable[[], float] = random.random) -> float:
    """Delay before reconnect attempt `attempt` (0-based):
    d = min(max_delay_ms, initial_delay_ms x 2^attempt), drawn uniformly from [d/2, d]
    so clients cut off together do not come back together.
    """
    d = float(min(opts.max_delay_ms, opts.initial_delay_ms * 2 ** min(attempt, 30)))
    return d / 2 + rand() * (d / 2)
