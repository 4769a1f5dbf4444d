"""Keyset pagination: opaque cursors over a sort key ending in the primary key, never offsets,
so pages stay stable while new rows arrive.

A cursor names the list it belongs to (`Listing.name`) and holds that list's key values, each
checked for its type and range when it comes back: a cursor of another list, a number too large
for the column, a float where an integer belongs, a nested structure or an oversized string is
refused with INVALID_INPUT naming the argument, before any of it reaches the database.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from server.errors import InvalidInput

T = TypeVar("T")
MAX_CURSOR_LENGTH = 512
INT = 2**31  # IntField columns are 32-bit on PostgreSQL
BIGINT = 2**63


def _parse_int(value: Any) -> int:
    if type(value) is not int or not -INT <= value < INT:
        raise ValueError("not an integer key")
    return value


def _parse_bigint(value: Any) -> int:
    if type(value) is not int or not -BIGINT <= value < BIGINT:
        raise ValueError("not an integer key")
    return value


def _parse_float(value: Any) -> float:
    if type(value) not in (int, float) or not math.isfinite(value):
        raise ValueError("not a number key")
    return float(value)


def _parse_time(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise ValueError("not a time key")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("a time key has its zone")
    return moment


@dataclass(frozen=True)
class Key:
    field: str
    descending: bool = True
    parse: Callable[[Any], Any] = _parse_int


def time_key(name: str, descending: bool = True) -> Key:
    return Key(name, descending, _parse_time)


def id_key(descending: bool = True, *, big: bool = False) -> Key:
    return Key("id", descending, _parse_bigint if big else _parse_int)


def number_key(name: str, descending: bool = True) -> Key:
    return Key(name, descending, _parse_float)


@dataclass(frozen=True)
class Listing:
    """One paginated list: its name (written into its cursors) and its sort keys."""

    name: str
    keys: tuple[Key, ...]

    def __init__(self, name: str, *keys: Key) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "keys", keys)


@dataclass
class Page(Generic[T]):
    edges: list[tuple[str, T]]
    has_next_page: bool
    has_previous_page: bool

    @property
    def start_cursor(self) -> str | None:
        return self.edges[0][0] if self.edges else None

    @property
    def end_cursor(self) -> str | None:
        return self.edges[-1][0] if self.edges else None


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def encode_cursor(listing: Listing, values: Sequence[Any]) -> str:
    raw = json.dumps(
        {"l": listing.name, "k": [_jsonable(v) for v in values]}, separators=(",", ":")
    ).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, listing: Listing, field: str = "after") -> list[Any]:
    refusal = InvalidInput(f"The cursor is not one of this list ({listing.name}).", field=field)
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR_LENGTH:
        raise refusal
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("l") != listing.name:
            raise ValueError("another list's cursor")
        values = data.get("k")
        if not isinstance(values, list) or len(values) != len(listing.keys):
            raise ValueError("wrong number of keys")
        return [key.parse(v) for key, v in zip(listing.keys, values, strict=True)]
    except (ValueError, TypeError, UnicodeError, binascii.Error, RecursionError, OverflowError):
        raise refusal from None


def check_page_size(first: int | None, default: int, maximum: int) -> int:
    if first is None:
        return default
    if first < 0 or first > maximum:
        raise InvalidInput(f"first must be between 0 and {maximum}.", field="first")
    return first


def _after(keys: Sequence[Key], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in the order `keys` describe."""
    condition: Q | None = None
    for i, key in enumerate(keys):
        op = "lt" if key.descending else "gt"
        term = Q(**{f"{key.field}__{op}": values[i]})
        for prev_key, prev_value in zip(keys[:i], values[:i], strict=True):
            term &= Q(**{prev_key.field: prev_value})
        condition = term if condition is None else condition | term
    assert condition is not None
    return condition


async def keyset_page(
    queryset: QuerySet[Any],
    listing: Listing,
    *,
    first: int,
    after: str | None,
    wrap: Callable[[Any], T] = lambda row: row,
) -> Page[T]:
    keys = listing.keys
    if after:
        queryset = queryset.filter(_after(keys, decode_cursor(after, listing)))
    ordering = [("-" if k.descending else "") + k.field for k in keys]
    rows = await queryset.order_by(*ordering).limit(first + 1) if first else []
    edges = [
        (encode_cursor(listing, [getattr(row, k.field) for k in keys]), wrap(row))
        for row in rows[:first]
    ]
    return Page(edges=edges, has_next_page=len(rows) > first, has_previous_page=bool(after))
