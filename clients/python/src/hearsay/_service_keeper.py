"""Keeps TTL service registrations alive while their client is open."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from hearsay._wire import ServiceSpec
from hearsay.errors import HearsayError

__all__ = ["ServiceKeeper"]

_log = logging.getLogger("hearsay")

Key = tuple[str, str]


class ServiceKeeper:
    """Re-registers each kept instance every ttl/3 (so two refreshes may fail before the
    TTL lapses) on one daemon thread, started with the first kept instance.

    A refresh in flight when its instance is forgotten could land at the gateway after
    the DeregisterService that follows, registering the instance again; so `forget` and
    `stop` return only once no refresh of what they dropped is in flight (at most one
    call timeout), and no refresh starts for an instance no longer kept.
    """

    def __init__(self, register: Callable[[ServiceSpec], object], deregister: Callable[[str, str], object]) -> None:
        self._register = register
        self._deregister = deregister
        self._kept: dict[Key, tuple[ServiceSpec, float]] = {}
        self._refreshing: Key | None = None  # the one refresh in flight (they go one at a time)
        self._cond = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def keep(self, key: Key, spec: ServiceSpec) -> None:
        """Keeps (name, id) refreshed; the registration itself was just made."""
        with self._cond:
            if self._stopped:
                return
            self._kept[key] = (spec, time.monotonic() + spec.ttl_ms / 3000)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hearsay-services", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def forget(self, key: Key) -> None:
        """Stops refreshing (name, id); returns once no refresh of it is in flight, so a
        DeregisterService sent next is the last word."""
        with self._cond:
            self._kept.pop(key, None)
            while self._refreshing == key:
                self._cond.wait()

    @property
    def kept(self) -> list[Key]:
        with self._cond:
            return list(self._kept)

    def stop(self, deregister: bool) -> None:
        """Stops refreshing; with `deregister`, removes every kept instance (best effort)
        once the refresh in flight, if any, has been answered."""
        with self._cond:
            self._stopped = True
            kept, self._kept = list(self._kept), {}
            self._cond.notify_all()
            while self._refreshing is not None:
                self._cond.wait()
        if deregister:
            for name, sid in kept:
                try:
                    self._deregister(name, sid)
                except HearsayError as e:
                    _log.warning("hearsay: could not deregister service %s/%s on close: %s", name, sid, e)

    def _run(self) -> None:
        while True:
            with self._cond:
                due = self._next_due()
                if due is None:
                    return
                key, spec = due
                self._refreshing = key
            try:
                self._register(spec)
            except HearsayError as e:
                _log.warning("hearsay: refreshing service %s/%s failed (retried in ttl/3): %s", key[0], key[1], e)
            finally:
                with self._cond:
                    self._refreshing = None
                    self._cond.notify_all()

    def _next_due(self) -> tuple[Key, ServiceSpec] | None:
        """Waits (holding the lock) for the next kept instance due, and schedules its next
        refresh; None once stopped."""
        while not self._stopped:
            now = time.monotonic()
            wait_s = 1.0
            if self._kept:
                key = min(self._kept, key=lambda k: self._kept[k][1])
                spec, at = self._kept[key]
                if at <= now:
                    self._kept[key] = (spec, now + spec.ttl_ms / 3000)
                    return key, spec
                wait_s = min(wait_s, at - now)
            self._cond.wait(wait_s)
        return None
