"""Argument checks shared by the threaded and asyncio clients: errors name the argument."""

from __future__ import annotations

from typing import Any

from hearsay._backoff import ReconnectOptions

__all__ = ["reconnect_options", "int_in", "name_arg", "bool_arg"]


def reconnect_options(reconnect: bool | ReconnectOptions | None) -> ReconnectOptions | None:
    if reconnect is True:
        return ReconnectOptions()
    if reconnect is False or reconnect is None:
        return None
    if isinstance(reconnect, ReconnectOptions):
        return reconnect
    raise TypeError(f"reconnect: True, False or a ReconnectOptions, got {reconnect!r}")


def int_in(value: Any, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name}: an int in {low}..{high}, got {value!r}")
    return value


def name_arg(value: Any, name: str, *, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or (not value and not allow_empty):
        raise ValueError(f"{name}: a {'' if allow_empty else 'non-empty '}str, got {value!r}")
    return value


def bool_arg(value: Any, name: str) -> bool:
    # Only a real bool: a truthy 1 or "no" is more likely a mistake than a choice.
    if not isinstance(value, bool):
        raise TypeError(f"{name}: a bool, got {value!r}")
    return value
