"""Parsing of "host:port" addresses, the form every Hearsay address takes."""

from __future__ import annotations

__all__ = ["split_host_port"]


def split_host_port(address: str) -> tuple[str, int]:
    """ "127.0.0.1:7400" -> ("127.0.0.1", 7400); "[::1]:7400" -> ("::1", 7400)."""
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"address must be host:port (or [v6]:port), got {address!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    elif ":" in host:
        raise ValueError(f"IPv6 addresses need brackets, e.g. [::1]:7400, got {address!r}")
    return host, int(port)
