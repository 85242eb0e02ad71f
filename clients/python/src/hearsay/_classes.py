"""The client's table of message classes per type name, and turning publish arguments into digests."""

from __future__ import annotations

import json as jsonlib
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from hearsay._wire import NewDigest
from hearsay.codec import (
    check_message_class,
    encode,
    encoder,
    is_protobuf_class,
    is_thrift_class,
    type_name_of_class,
)
from hearsay.members import MemberStatus

__all__ = ["ClassTable", "check_headers", "check_statuses", "check_types"]

_NO_HEADERS: Mapping[str, str] = {}

#: Most type names one subscription may list (the gateway enforces its own, usually 64).
MAX_TYPES = 1024


class ClassTable:
    """Type name <-> class, learned from register_type, register_type_from_file(message_class=...),
    subscribe and publish; used to decode deliveries of types subscribed by name."""

    def __init__(self) -> None:
        self._by_name: dict[str, type] = {}
        self._by_class: dict[type, str] = {}
        #: class -> (type name, encoder), for publish's hot path; cleared when a binding changes.
        self._publishing: dict[type, tuple[str, Callable[[Any], bytes]]] = {}
        self._lock = threading.Lock()

    def bind(self, name: str, cls: type) -> None:
        with self._lock:
            self._by_name[name] = cls
            self._by_class[cls] = name
            self._publishing = {}

    def name_of(self, cls: type) -> str:
        bound = self._by_class.get(cls)
        return bound if bound is not None else type_name_of_class(cls)

    def class_of(self, name: str) -> type | None:
        return self._by_name.get(name)

    def new_digest(
        self,
        message: Any,
        payload: bytes | None,
        json: str | Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
    ) -> NewDigest:
        """A message object (type from its class), or a type name with payload bytes or JSON."""
        fast = self._publishing.get(type(message))
        if fast is not None and payload is None and json is None:
            return NewDigest(fast[0], fast[1](message), None, check_headers(headers) if headers else _NO_HEADERS)
        hdrs = check_headers(headers)
        if isinstance(message, str):
            if not message:
                raise ValueError("message: a message object, or a non-empty digest type name")
            if (payload is None) == (json is None):
                raise ValueError(f"publish({message!r}, ...): give exactly one of payload (bytes) or json")
            if payload is not None:
                if not isinstance(payload, (bytes, bytearray, memoryview)):
                    raise TypeError(f"payload: bytes, got {type(payload).__name__}")
                return NewDigest(message, bytes(payload), None, hdrs)
            if isinstance(json, Mapping):
                return NewDigest(message, None, jsonlib.dumps(json), hdrs)
            if not isinstance(json, str):
                raise TypeError(f"json: a JSON text or a mapping, got {type(json).__name__}")
            return NewDigest(message, None, json, hdrs)
        if payload is not None or json is not None:
            raise ValueError("payload / json: only with a type name as message; a message object carries its own")
        cls = type(message)
        if not (is_protobuf_class(cls) or is_thrift_class(cls)):
            raise TypeError(f"message: a protobuf message, a Thrift struct, or a type name; got {cls.__name__}")
        name = self.name_of(cls)
        self._publishing[cls] = (name, encoder(cls))
        return NewDigest(name, encode(message), None, hdrs)

    def subscription_types(self, types: Any) -> tuple[tuple[str, ...], dict[str, type]]:
        """Names and decoding classes for subscribe(types): one class or name, or a list of them."""
        items: Sequence[Any] = [types] if isinstance(types, (str, type)) else types
        if not isinstance(items, Sequence) or isinstance(items, (bytes, bytearray)):
            raise TypeError(f"types: a message class, a type name, or a list of them; got {type(types).__name__}")
        if not items or len(items) > MAX_TYPES:
            raise ValueError(f"types: 1..{MAX_TYPES} message classes or type names, got {len(items)}")
        names: list[str] = []
        classes: dict[str, type] = {}
        for i, t in enumerate(items):
            if isinstance(t, str):
                if not t:
                    raise ValueError(f"types[{i}]: an empty type name")
                names.append(t)
                known = self.class_of(t)
                if known is not None:
                    classes.setdefault(t, known)
            else:
                cls = check_message_class(t, f"types[{i}]")
                name = self.name_of(cls)
                names.append(name)
                classes[name] = cls
        return tuple(dict.fromkeys(names)), classes


def check_headers(headers: Mapping[str, str] | None, name: str = "headers") -> dict[str, str]:
    """A str -> str mapping (headers, tags) as a dict; errors name the argument."""
    if headers is None:
        return {}
    if not isinstance(headers, Mapping):
        raise TypeError(f"{name}: a mapping of str to str, got {type(headers).__name__}")
    for k, v in headers.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise TypeError(f"{name}: keys and values must be str, got {k!r}: {v!r}")
    return dict(headers)


def check_statuses(statuses: Any) -> tuple[MemberStatus, ...]:
    try:
        return tuple(MemberStatus(s) for s in statuses)
    except (ValueError, TypeError) as e:
        raise ValueError(f"statuses: MemberStatus values, got {statuses!r}") from e


def check_types(value: Any, name: str) -> tuple[str, ...]:
    """A str or a sequence of str, as a tuple."""
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{name}: a list of str, got {value!r}")
    return tuple(value)
