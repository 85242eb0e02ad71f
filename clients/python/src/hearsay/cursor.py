"""Cursors: where a subscriber is, per origin and digest type. Store one to resume later."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Cursor", "CursorPosition"]

#: Largest sequence (or epoch) the gateway accepts in a resume cursor (2^53 - 1, JavaScript's safe integers).
MAX_SEQUENCE = 2**53 - 1


@dataclass(frozen=True, slots=True)
class CursorPosition:
    """For one origin and digest type: the origin's log epoch and the stream sequence
    (DigestDelivery.stream_sequence) of the last digest received in it (0 = none yet).

    Positions order by (epoch, sequence), epochs first: any digest of a higher epoch
    is newer than everything of a lower one (a gateway restarted without its data dir
    starts a new, higher epoch, counting stream sequences from 1 again). Epoch 0 means
    the origin's oldest epoch any gateway still knows, and is below every epoch.
    """

    origin: str
    type: str
    sequence: int
    epoch: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.origin, str) or not self.origin:
            raise ValueError(f"CursorPosition.origin: a non-empty node name, got {self.origin!r}")
        if not isinstance(self.type, str) or not self.type:
            raise ValueError(f"CursorPosition.type: a non-empty digest type name, got {self.type!r}")
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int):
            raise TypeError(f"CursorPosition.sequence: an int, got {type(self.sequence).__name__}")
        if not 0 <= self.sequence <= MAX_SEQUENCE:
            raise ValueError(f"CursorPosition.sequence: 0..2^53-1, got {self.sequence}")
        if isinstance(self.epoch, bool) or not isinstance(self.epoch, int):
            raise TypeError(f"CursorPosition.epoch: an int, got {type(self.epoch).__name__}")
        if not 0 <= self.epoch <= MAX_SEQUENCE:
            raise ValueError(f"CursorPosition.epoch: 0..2^53-1, got {self.epoch}")

    def covers(self, epoch: int, stream_sequence: int) -> bool:
        """Whether a digest at (epoch, stream_sequence) of this origin and type is at or before
        this position (already received)."""
        return (epoch, stream_sequence) <= (self.epoch, self.sequence)


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a subscriber is: at most one position per (origin, type).

    Resuming with it delivers, per origin and type, everything after that
    (epoch, stream sequence) that retention still holds: the rest of the
    position's epoch, then the origin's later epochs from their start. `to_json()` / `Cursor.from_json()`
    use proto3 JSON (sequences and epochs as strings), readable by every SDK and the CLI.
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

    def position(self, origin: str, type: str) -> CursorPosition | None:
        """The position of (origin, type), or None when the cursor has none."""
        for p in self.positions:
            if p.origin == origin and p.type == type:
                return p
        return None

    def sequence(self, origin: str, type: str) -> int | None:
        """The stream sequence of (origin, type)'s position, or None when the cursor has none."""
        p = self.position(origin, type)
        return None if p is None else p.sequence

    def epoch(self, origin: str, type: str) -> int | None:
        """The epoch of (origin, type)'s position, or None when the cursor has none."""
        p = self.position(origin, type)
        return None if p is None else p.epoch

    def to_json(self) -> str:
        return json.dumps(
            {
                "positions": [
                    {"origin": p.origin, "type": p.type, "sequence": str(p.sequence), "epoch": str(p.epoch)}
                    for p in self.positions
                ]
            }
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
    nums = []
    for name in ("sequence", "epoch"):
        n = p.get(name, "0")
        if isinstance(n, bool) or not isinstance(n, (str, int)) or not str(n).isdigit():
            raise ValueError(f"cursor.positions[{i}].{name}: expected an unsigned integer, got {n!r}")
        nums.append(int(n))
    return CursorPosition(origin=p.get("origin", ""), type=p.get("type", ""), sequence=nums[0], epoch=nums[1])


#: (epoch, stream sequence): a position, ordered epochs first (tuple order).
At = tuple[int, int]


def _trusted_cursor(positions: dict[tuple[str, str], At]) -> Cursor:
    """A Cursor of positions the gateway sent (already valid): built without re-checking each."""
    c = object.__new__(Cursor)
    ps = []
    for (origin, type_), (epoch, seq) in positions.items():
        p = object.__new__(CursorPosition)
        object.__setattr__(p, "origin", origin)
        object.__setattr__(p, "type", type_)
        object.__setattr__(p, "sequence", seq)
        object.__setattr__(p, "epoch", epoch)
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
        self, prev: CursorLink | None, origin: str, type_: str, seq: At, positions: dict[tuple[str, str], At] | None
    ) -> None:
        self._prev, self._origin, self._type, self._seq = prev, origin, type_, seq
        self._positions = positions  # set on roots (and on links once resolved)
        self._cursor: Cursor | None = None

    def cursor(self) -> Cursor:
        if self._cursor is None:
            self._cursor = _trusted_cursor(self._resolve())
        return self._cursor

    def _resolve(self) -> dict[tuple[str, str], At]:
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
    """The positions a subscription has reached, and the cursor links of its deliveries.

    Per (origin, type) an (epoch, stream sequence), compared as a tuple: epochs first.
    """

    #: Most links between two roots (one dict copy per segment).
    SEGMENT = 1024

    __slots__ = ("_positions", "_link", "_count")

    def __init__(self, start: Cursor | None = None) -> None:
        self._positions: dict[tuple[str, str], At] = {}
        for p in start.positions if start else ():
            self._raise((p.origin, p.type), (p.epoch, p.sequence))
        self._new_root()

    def _raise(self, key: tuple[str, str], at: At) -> None:
        cur = self._positions.get(key)
        if cur is None or cur < at:
            self._positions[key] = at

    def _new_root(self) -> None:
        self._link = CursorLink(None, "", "", (0, 0), dict(self._positions))
        self._count = 0

    def at(self, origin: str, type: str) -> At | None:
        """(epoch, stream sequence) reached for (origin, type); None when none."""
        return self._positions.get((origin, type))

    def advance(self, origin: str, type: str, epoch: int, sequence: int) -> CursorLink | None:
        """Moves (origin, type) forward to (epoch, sequence), epochs first (never backwards);
        returns the new cursor link, or None when the position is already there or beyond."""
        key = (origin, type)
        at = (epoch, sequence)
        cur = self._positions.get(key)
        if cur is not None and cur >= at:
            return None
        if self._count >= self.SEGMENT:
            self._new_root()
        self._positions[key] = at
        self._link = CursorLink(self._link, origin, type, at, None)
        self._count += 1
        return self._link

    def merge(self, c: Cursor) -> None:
        for p in c.positions:
            self._raise((p.origin, p.type), (p.epoch, p.sequence))
        self._new_root()

    def snapshot(self) -> Cursor:
        return _trusted_cursor(self._positions)
