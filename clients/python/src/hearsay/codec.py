"""Application message classes: protobuf generated classes and Thrift generated structs.

A digest type's name comes from the class: a protobuf message's full name
("demo.Greeting"), or for a Thrift struct "<py namespace>.<Struct>" (the
module path of its generated `ttypes` without that last part). Payloads are
protobuf binary or Thrift binary protocol, as the gateway expects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.protobuf.message import Message
from thrift.protocol.TBinaryProtocol import TBinaryProtocolAccelerated, TBinaryProtocolAcceleratedFactory
from thrift.transport.TTransport import TMemoryBuffer

__all__ = [
    "is_protobuf_class",
    "is_thrift_class",
    "type_name_of_class",
    "encode",
    "decode",
    "encoder",
    "decoder",
    "check_message_class",
]

_THRIFT_FACTORY = TBinaryProtocolAcceleratedFactory()


def is_protobuf_class(cls: object) -> bool:
    return isinstance(cls, type) and issubclass(cls, Message)


def is_thrift_class(cls: object) -> bool:
    """A class `thrift --gen py` wrote for a struct (or union / exception)."""
    return (
        isinstance(cls, type)
        and isinstance(getattr(cls, "thrift_spec", None), (tuple, list))
        and callable(getattr(cls, "read", None))
        and callable(getattr(cls, "write", None))
    )


def check_message_class(cls: object, argument: str) -> type:
    if not (is_protobuf_class(cls) or is_thrift_class(cls)):
        raise TypeError(
            f"{argument}: expected a protobuf generated message class or a Thrift generated struct class, got {cls!r}"
        )
    return cls  # type: ignore[return-value]


def thrift_namespace(cls: type) -> str:
    """The Python namespace of a Thrift class: its module path without the trailing `ttypes`."""
    module = cls.__module__
    return module[: -len(".ttypes")] if module.endswith(".ttypes") else module


def type_name_of_class(cls: type) -> str:
    if is_protobuf_class(cls):
        return str(cls.DESCRIPTOR.full_name)  # type: ignore[attr-defined]
    if is_thrift_class(cls):
        return f"{thrift_namespace(cls)}.{cls.__name__}"
    raise TypeError(f"expected a protobuf or Thrift generated class, got {cls!r}")


def encode(message: object) -> bytes:
    if isinstance(message, Message):
        return message.SerializeToString()
    if is_thrift_class(type(message)):
        buf = TMemoryBuffer()
        message.write(_THRIFT_FACTORY.getProtocol(buf))  # type: ignore[attr-defined]
        return bytes(buf.getvalue())
    raise TypeError(f"message: expected a protobuf message or a Thrift struct instance, got {type(message).__name__}")


def decoder(cls: type) -> Callable[[bytes], Any]:
    """The decoding function of a class (looked up once per subscription, not per digest)."""
    if is_protobuf_class(cls):
        return cls.FromString  # type: ignore[attr-defined,no-any-return]
    return lambda payload: decode(cls, payload)


def encoder(cls: type) -> Callable[[Any], bytes]:
    """The encoding function of a class's instances."""
    if is_protobuf_class(cls):
        return cls.SerializeToString  # type: ignore[attr-defined,no-any-return]
    return encode


def decode(cls: type, payload: bytes) -> Any:
    """Decodes a payload with its class; raises on malformed input."""
    if is_protobuf_class(cls):
        return cls.FromString(payload)  # type: ignore[attr-defined]
    obj = cls()
    obj.read(TBinaryProtocolAccelerated(TMemoryBuffer(payload)))
    return obj
