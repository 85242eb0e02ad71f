"""Reads the repository's schema files the way the contract defines them.

Used by the codegen tests to learn, from proto/ and thrift/ themselves, what
the generated stubs must contain and which fingerprint they must carry.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

#: The repository root (clients/python/tests/ -> ../../..).
REPO = Path(__file__).resolve().parents[3]
GEN = REPO / "clients" / "python" / "src" / "hearsay" / "_gen"


def schema_fingerprint(root: Path = REPO) -> str:
    """SHA-256 exactly as scripts/schema-hash.mjs computes it.

    Every *.proto and *.thrift under proto/ and thrift/, sorted by the bytes of
    the repo-relative '/'-separated path, each fed as path + NUL + content + NUL.
    """
    files = [
        p.relative_to(root).as_posix()
        for d in ("proto", "thrift")
        for p in (root / d).rglob("*")
        if p.is_file() and p.suffix in (".proto", ".thrift")
    ]
    h = hashlib.sha256()
    for rel in sorted(files, key=lambda f: f.encode()):
        h.update(rel.encode() + b"\0")
        h.update((root / rel).read_bytes() + b"\0")
    return h.hexdigest()


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"(//|#)[^\n]*", " ", text)


def _service_body(text: str, name: str) -> str:
    m = re.search(rf"\bservice\s+{name}\b[^{{]*\{{", text)
    if m is None:
        raise AssertionError(f"no `service {name}` found")
    depth, i = 1, m.end()
    while depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[m.end() : i - 1]


def proto_rpcs(path: Path = REPO / "proto" / "hearsay" / "v1" / "gateway.proto") -> list[str]:
    """Names of the rpcs of `service Gateway` in gateway.proto."""
    body = _service_body(_strip_comments(path.read_text()), "Gateway")
    return re.findall(r"\brpc\s+(\w+)\s*\(", body)


def thrift_methods(path: Path = REPO / "thrift" / "hearsay.thrift") -> list[str]:
    """Names of the functions of `service Gateway` in hearsay.thrift.

    A function name is the identifier before a '(' at parenthesis depth 0,
    except the `throws` keyword (return types like map<K, V> hold no parens).
    """
    body = _service_body(_strip_comments(path.read_text()), "Gateway")
    names, depth = [], 0
    for m in re.finditer(r"(\w+)?\s*([()])", body):
        if m.group(2) == "(":
            if depth == 0 and m.group(1) and m.group(1) != "throws":
                names.append(m.group(1))
            depth += 1
        else:
            depth -= 1
    return names
