"""Thrift IDL rebuilt from a generated Python struct class's `thrift_spec`.

`thrift --gen py` keeps field ids, names and types (nested structs as their
classes) but not the IDL text, so registering a class by itself sends this
rendering: one file declaring the struct and every struct it uses. Enums
appear as i32 (what they are on the wire) and requiredness is not kept, so
register the real .thrift file (register_type_from_file) when the gateway
should check those too.
"""

from __future__ import annotations

from typing import Any

from thrift.Thrift import TType

from hearsay.codec import thrift_namespace

__all__ = ["idl_of_class"]

#: Most structs one rendering may hold (nested types included).
MAX_STRUCTS = 256

_BASE = {
    TType.BOOL: "bool",
    TType.BYTE: "byte",
    TType.I16: "i16",
    TType.I32: "i32",
    TType.I64: "i64",
    TType.DOUBLE: "double",
}


def idl_of_class(cls: type) -> tuple[str, str]:
    """(path, IDL text) for a Thrift struct class; the namespace line makes "<ns>.<Struct>" its name."""
    namespace = thrift_namespace(cls)
    order: list[type] = []
    by_name: dict[str, type] = {}

    def visit(c: type) -> None:
        if by_name.get(c.__name__) is c:
            return
        if c.__name__ in by_name:
            raise ValueError(
                f"message_class: two structs named {c.__name__} ({by_name[c.__name__].__module__} and "
                f"{c.__module__}); register the .thrift files with register_type_from_file instead"
            )
        if len(by_name) >= MAX_STRUCTS:
            raise ValueError(f"message_class: {cls.__name__} uses more than {MAX_STRUCTS} structs")
        by_name[c.__name__] = c
        for f in _fields(c):
            for nested in _structs_in(f[1], f[3]):
                visit(nested)
        order.append(c)

    visit(cls)
    lines = [f"// Rendered by the hearsay Python SDK from {cls.__module__}.{cls.__name__}", ""]
    lines.append(f"namespace py {namespace}")
    for c in order:
        lines.append("")
        lines.append(f"struct {c.__name__} {{")
        for fid, ttype, name, args, _default in _fields(c):
            lines.append(f"  {fid}: {_type(ttype, args)} {name},")
        lines.append("}")
    scope = namespace.rsplit(".", 1)[-1] or "types"
    return f"{scope}.thrift", "\n".join(lines) + "\n"


def _fields(c: type) -> list[tuple[int, int, str, Any, Any]]:
    spec = getattr(c, "thrift_spec", None) or ()
    return [tuple(f) for f in spec if f is not None]


def _structs_in(ttype: int, args: Any) -> list[type]:
    if ttype == TType.STRUCT:
        return [args[0]]
    if ttype in (TType.LIST, TType.SET):
        return _structs_in(args[0], args[1])
    if ttype == TType.MAP:
        return _structs_in(args[0], args[1]) + _structs_in(args[2], args[3])
    return []


def _type(ttype: int, args: Any) -> str:
    if ttype in _BASE:
        return _BASE[ttype]
    if ttype == TType.STRING:
        return "binary" if args == "BINARY" else "string"
    if ttype == TType.STRUCT:
        return str(args[0].__name__)
    if ttype == TType.LIST:
        return f"list<{_type(args[0], args[1])}>"
    if ttype == TType.SET:
        return f"set<{_type(args[0], args[1])}>"
    if ttype == TType.MAP:
        return f"map<{_type(args[0], args[1])}, {_type(args[2], args[3])}>"
    raise ValueError(f"message_class: unsupported Thrift type id {ttype}")
