"""Cursors: where a subscriber is, per origin and digest type. Store one to resume later."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Cursor", "CursorPosition"]

#: Largest sequence the gateway accepts in a resume cursor (2^53 - 1, JavaScript's safe integers).
MAX_SEQUENCE = 2**53 - 1


@dataclass(frozen=True, slots=True)
class CursorPosition:
    """For one origin and digest type: the sequence of the last digest received (0 = none yet)."""

    origin: str
    type: str
    sequence: int

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin:
            raise ValueError(f"CursorPosition.origin: a non-empty node name, got {self.origin!r}")
        if not isinstance(self.type, str) or not self.type:
            raise ValueError(f"CursorPosition.type: a non-empty digest type name, got {self.type!r}")
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int):
            raise TypeError(f"CursorPosition.sequence: an int, got {type(self.sequence).__name__}")
        if not 0 <= self.sequence <= MAX_SEQUENCE:
            raise ValueError(f"CursorPosition.sequence: 0..2^53-1, got {self.sequence}")


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a subscriber is: at most one position per (origin, type).

    Resuming with it delivers, per origin and type, everything after that
    sequence that retention still holds. `to_json()` / `Cursor.from_json()`
    use proto3 JSON (sequences as strings), readable by every SDK and the CLI.
    """

    positions: tuple[CursorPosition, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.positions, tuple):
            object.__setattr__(self, "positions", tuple(self.positions))
        seen: set[tuple[str, str]] = set()
        for i, p in enumerate(self.positions):
            if not isinstance(p, CursorPosition):
                raise TypeError(f"Cursor.positions[{i}]: a CursorPosition, got {type(p).__name__}")
            if (p.origin, p.type) in seen:
                raise ValueError(f"Cursor.positions[{i}]: ({p.origin}, {p.type}) appears twice")
            seen.add((p.origin, p.type))

    def sequence(self, origin: str, type: str) -> int | None:
        """The position of (origin, type), or None when the cursor has none."""
        for p in self.positions:
            if p.origin == origin and p.type == type:
                return p.sequence
        return None

    def to_json(self) -> str:
        return json.dumps(
            {"positions": [{"origin": p.origin, "type": p.type, "sequence": str(p.sequence)} for p in self.positions]}
        )

    @classmethod
    def from_json(cls, text: str | bytes) -> Cursor:
        """Parses `to_json()` output (or any proto3 JSON of hearsay.v1.Cursor)."""
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise ValueError(f"cursor: not JSON: {e}") from e
        if not isinstance(doc, Mapping) or not isinstance(doc.get("positions", []), list):
            raise ValueError('cursor: expected {"positions": [...]}')
        return cls(tuple(_position_from_json(i, p) for i, p in enumerate(doc.get("positions", []))))


def _position_from_json(i: int, p: Any) -> CursorPosition:
    if not isinstance(p, Mapping):
        raise ValueError(f"cursor.positions[{i}]: expected an object")
    seq = p.get("sequence", "0")
    if isinstance(seq, bool) or not isinstance(seq, (str, int)) or not str(seq).isdigit():
        raise ValueError(f"cursor.positions[{i}].sequence: expected an unsigned integer, got {seq!r}")
    return CursorPosition(origin=p.get("origin", ""), type=p.get("type", ""), sequence=int(seq))


def _trusted_cursor(positions: dict[tuple[str, str], int]) -> Cursor:
    """A Cursor of positions the gateway sent (already valid): built without re-checking each."""
    c = object.__new__(Cursor)
    ps = []
    for (origin, type_), seq in positions.items():
        p = object.__new__(CursorPosition)
        object.__setattr__(p, "origin", origin)
        object.__setattr__(p, "type", type_)
        object.__setattr__(p, "sequence", seq)
        ps.append(p)
    object.__setattr__(c, "positions", tuple(ps))
    return c


class CursorLink:
    """The cursor after one delivery, computed only when asked for.

    Each delivery records the one position it moved (a link to the previous
    delivery's); a fresh root copy of all positions starts every segment of
    `CursorState.SEGMENT` links, so a cursor is rebuilt from at most that many
    links and old deliveries are not kept alive by newer ones.
    """

    __slots__ = ("_prev", "_origin", "_type", "_seq", "_positions", "_cursor")

    def __init__(
        self, prev: CursorLink | None, origin: str, type_: str, seq: int, positions: dict[tuple[str, str], int] | None
    ) -> None:
        self._prev, self._origin, self._type, self._seq = prev, origin, type_, seq
        self._positions = positions  # set on roots (and on links once resolved)
        self._cursor: Cursor | None = None

    def cursor(self) -> Cursor:
        if self._cursor is None:
            self._cursor = _trusted_cursor(self._resolve())
        return self._cursor

    def _resolve(self) -> dict[tuple[str, str], int]:
        if self._positions is not None:
            return self._positions
        chain: list[CursorLink] = []
        link: CursorLink | None = self
        while link is not None and link._positions is None:
            chain.append(link)
            link = link._prev
        positions = dict(link._positions) if link is not None and link._positions is not None else {}
        for x in reversed(chain):
            positions[(x._origin, x._type)] = x._seq
        self._positions = positions
        self._prev = None  # resolved: nothing behind it is needed any more
        return positions


class CursorState:
    """The positions a subscription has reached, and the cursor links of its deliveries."""

    #: Most links between two roots (one dict copy per segment).
    SEGMENT = 1024

    __slots__ = ("_positions", "_link", "_count")

    def __init__(self, start: Cursor | None = None) -> None:
        self._positions: dict[tuple[str, str], int] = {}
        for p in start.positions if start else ():
            self._positions[(p.origin, p.type)] = max(p.sequence, self._positions.get((p.origin, p.type), 0))
        self._new_root()

    def _new_root(self) -> None:
        self._link = CursorLink(None, "", "", 0, dict(self._positions))
        self._count = 0

    def at(self, origin: str, type: str) -> int | None:
        return self._positions.get((origin, type))

    def advance(self, origin: str, type: str, sequence: int) -> CursorLink | None:
        """Moves (origin, type) forward to `sequence` (never backwards); returns the new cursor link."""
        key = (origin, type)
        cur = self._positions.get(key)
        if cur is not None and cur >= sequence:
            return None
        if self._count >= self.SEGMENT:
            self._new_root()
        self._positions[key] = sequence
        self._link = CursorLink(self._link, origin, type, sequence, None)
        self._count += 1
        return self._link

    def merge(self, c: Cursor) -> None:
        for p in c.positions:
            key = (p.origin, p.type)
            if self._positions.get(key, -1) < p.sequence:
                self._positions[key] = p.sequence
        self._new_root()

    def snapshot(self) -> Cursor:
        return _trusted_cursor(self._positions)
