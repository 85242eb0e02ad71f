"""What register_type sends: a type name and its schema, from a class, files or text."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from google.protobuf import descriptor_pb2
from google.protobuf.descriptor import FileDescriptor

from hearsay._thrift_idl import idl_of_class
from hearsay.codec import check_message_class, is_protobuf_class, type_name_of_class
from hearsay.registry import SchemaFormat

__all__ = ["NamedSchema", "SourceFormat", "schema_of_class", "schema_from_source", "schema_from_file"]

SourceFormat = Literal["proto", "thrift"]

#: Most schema files followed from one registration (imports / includes included).
MAX_FILES = 64
#: Largest schema file read, bytes (the gateway bounds what it accepts too).
MAX_FILE_BYTES = 1024 * 1024

_PROTO_IMPORT = re.compile(r'^\s*import\s+(?:public\s+|weak\s+)?"([^"]+)"\s*;', re.M)
_THRIFT_INCLUDE = re.compile(r'^\s*include\s+"([^"]+)"', re.M)


@dataclass(frozen=True, slots=True)
class NamedSchema:
    """A type name and its schema in exactly one form: source files, or a descriptor set."""

    name: str
    format: SchemaFormat
    #: (path, content) pairs, the defining file first; for PROTO_SOURCE and THRIFT_IDL.
    files: tuple[tuple[str, str], ...] = ()
    #: Serialized FileDescriptorSet; for PROTO_DESCRIPTOR_SET.
    descriptor_set: bytes = b""


def schema_of_class(cls: object) -> NamedSchema:
    """A protobuf class's FileDescriptorSet (its file and every import), or a Thrift struct's IDL."""
    cls = check_message_class(cls, "message_class")
    name = type_name_of_class(cls)
    if is_protobuf_class(cls):
        return NamedSchema(name, SchemaFormat.PROTO_DESCRIPTOR_SET, descriptor_set=descriptor_set(cls))
    path, text = idl_of_class(cls)
    return NamedSchema(name, SchemaFormat.THRIFT_IDL, files=((path, text),))


def descriptor_set(cls: type) -> bytes:
    """Serialized FileDescriptorSet of the class's file and its imports, imports first (as protoc writes it)."""
    files: list[descriptor_pb2.FileDescriptorProto] = []
    seen: set[str] = set()

    def visit(fd: FileDescriptor) -> None:
        if fd.name in seen:
            return
        seen.add(fd.name)
        for dep in fd.dependencies:
            visit(dep)
        files.append(descriptor_pb2.FileDescriptorProto.FromString(fd.serialized_pb))

    visit(cls.DESCRIPTOR.file)  # type: ignore[attr-defined]
    return bytes(descriptor_pb2.FileDescriptorSet(file=files).SerializeToString())


def _check_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"type_name: the fully qualified message / struct name, e.g. demo.Greeting; got {name!r}")
    return name


def _check_format(fmt: object) -> SchemaFormat:
    if fmt == "proto":
        return SchemaFormat.PROTO_SOURCE
    if fmt == "thrift":
        return SchemaFormat.THRIFT_IDL
    raise ValueError(f'format: "proto" or "thrift", got {fmt!r}')


def schema_from_source(
    name: str, files: str | Mapping[str, str] | Sequence[tuple[str, str]], format: SourceFormat
) -> NamedSchema:
    """Schema text: one file's content (named "<type>.<format>"), {path: content}, or [(path, content)]."""
    fmt = _check_format(format)
    name = _check_name(name)
    if isinstance(files, str):
        pairs: list[tuple[str, str]] = [(f"{name}.{format}", files)]
    elif isinstance(files, Mapping):
        pairs = list(files.items())
    elif isinstance(files, Sequence):
        pairs = [tuple(f) for f in files]  # type: ignore[misc]
    else:
        raise TypeError(f"files: source text, {{path: content}} or [(path, content)], got {type(files).__name__}")
    if not pairs or len(pairs) > MAX_FILES:
        raise ValueError(f"files: 1..{MAX_FILES} files, got {len(pairs)}")
    for i, pair in enumerate(pairs):
        if len(pair) != 2 or not isinstance(pair[0], str) or not pair[0] or not isinstance(pair[1], str):
            raise ValueError(f"files[{i}]: a (path, content) pair of strings with a non-empty path")
    return NamedSchema(name, fmt, files=tuple(pairs))


def schema_from_file(path: str | Path, name: str, include_paths: Sequence[str | Path] | None = None) -> NamedSchema:
    """A .proto or .thrift file and every file it imports / includes, found in `include_paths`.

    include_paths default to the file's own directory. Each file is sent under its
    path relative to the include directory it was found in (what imports name);
    `google/protobuf/*.proto` imports not found there are built into the gateway.
    """
    if not isinstance(path, (str, Path)) or not str(path):
        raise TypeError(f"path: a .proto or .thrift file path, got {path!r}")
    file = Path(path)
    fmt: SourceFormat
    if file.suffix == ".proto":
        fmt = "proto"
    elif file.suffix == ".thrift":
        fmt = "thrift"
    else:
        raise ValueError(f"path: a .proto or .thrift file, got {str(path)!r}")
    if not file.is_file():
        raise FileNotFoundError(f"path: no such schema file: {file}")
    roots = [Path(p).resolve() for p in include_paths] if include_paths else [file.resolve().parent]
    first = _relative_to_roots(file.resolve(), roots) or file.name
    found: dict[str, str] = {}
    queue: list[tuple[str, Path]] = [(first, file.resolve())]
    while queue:
        rel, real = queue.pop(0)
        if rel in found:
            continue
        if len(found) >= MAX_FILES:
            raise ValueError(f"path: {file} pulls in more than {MAX_FILES} schema files")
        text = _read(real)
        found[rel] = text
        pattern = _PROTO_IMPORT if fmt == "proto" else _THRIFT_INCLUDE
        for target in pattern.findall(_strip_comments(text)):
            dep = _resolve(target, real, roots, fmt)
            if dep is None:
                if fmt == "proto" and target.startswith("google/protobuf/"):
                    continue  # built into the gateway
                raise FileNotFoundError(f"path: {rel} imports {target!r}, not found in {[str(r) for r in roots]}")
            queue.append(dep)
    return schema_from_source(name, list(found.items()), fmt)


def _read(p: Path) -> str:
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"path: {p} is {size} bytes, over {MAX_FILE_BYTES}")
    return p.read_text(encoding="utf-8")


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def _relative_to_roots(real: Path, roots: list[Path]) -> str | None:
    for r in roots:
        if real.is_relative_to(r):
            return real.relative_to(r).as_posix()
    return None


def _resolve(target: str, importer: Path, roots: list[Path], fmt: SourceFormat) -> tuple[str, Path] | None:
    if fmt == "thrift":
        # Thrift resolves includes relative to the including file first.
        local = (importer.parent / target).resolve()
        if local.is_file():
            return (_relative_to_roots(local, roots) or target), local
    for r in roots:
        cand = (r / target).resolve()
        if cand.is_file():
            return target, cand
    return None
