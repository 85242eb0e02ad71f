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


class ServiceKeeper:
    """Re-registers each kept instance every ttl/3 (so two refreshes may fail before the
    TTL lapses) on one daemon thread, started with the first kept instance."""

    def __init__(self, register: Callable[[ServiceSpec], object], deregister: Callable[[str, str], object]) -> None:
        self._register = register
        self._deregister = deregister
        self._kept: dict[tuple[str, str], tuple[ServiceSpec, float]] = {}
        self._cond = threading.Condition()
        self._stopped = False
        self._thread: threading.Thread | None = None

    def keep(self, key: tuple[str, str], spec: ServiceSpec) -> None:
        """Keeps (name, id) refreshed; the registration itself was just made."""
        with self._cond:
            self._kept[key] = (spec, time.monotonic() + spec.ttl_ms / 3000)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="hearsay-services", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def forget(self, key: tuple[str, str]) -> None:
        with self._cond:
            self._kept.pop(key, None)

    @property
    def kept(self) -> list[tuple[str, str]]:
        with self._cond:
            return list(self._kept)

    def stop(self, deregister: bool) -> None:
        """Stops refreshing; with `deregister`, removes every kept instance (best effort)."""
        with self._cond:
            self._stopped = True
            kept, self._kept = list(self._kept), {}
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(5.0)
        if deregister:
            for name, sid in kept:
                try:
                    self._deregister(name, sid)
                except HearsayError as e:
                    _log.warning("hearsay: could not deregister service %s/%s on close: %s", name, sid, e)

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stopped:
                    return
                now = time.monotonic()
                due = [(k, s) for k, (s, at) in self._kept.items() if at <= now]
                if not due:
                    nxt = min((at for _, at in self._kept.values()), default=now + 1.0)
                    self._cond.wait(min(1.0, max(0.0, nxt - now)))
                    continue
                for k, s in due:
                    self._kept[k] = (s, now + s.ttl_ms / 3000)
            for k, s in due:
                try:
                    self._register(s)
                except HearsayError as e:
                    _log.warning("hearsay: refreshing service %s/%s failed (retried in ttl/3): %s", k[0], k[1], e)
