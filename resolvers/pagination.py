"""Keyset pagination: opaque cursors over a sort key ending in the primary key, never offsets,
so pages stay stable while new rows arrive."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from server.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class Key:
    field: str
    descending: bool = True
    parse: Callable[[Any], Any] = lambda value: value


def _parse_time(value: Any) -> datetime:
    return datetime.fromisoformat(value)


def time_key(name: str, descending: bool = True) -> Key:
    return Key(name, descending, _parse_time)


def id_key(descending: bool = True) -> Key:
    return Key("id", descending, int)


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


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_jsonable(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, keys: Sequence[Key]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError
        return [key.parse(v) for key, v in zip(keys, values, strict=True)]
    except (ValueError, TypeError):
        raise InvalidInput("The cursor is not valid for this list.", field="after") from None


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
    keys: Sequence[Key],
    *,
    first: int,
    after: str | None,
    wrap: Callable[[Any], T] = lambda row: row,
) -> Page[T]:
    if after:
        queryset = queryset.filter(_after(keys, decode_cursor(after, keys)))
    ordering = [("-" if k.descending else "") + k.field for k in keys]
    rows = await queryset.order_by(*ordering).limit(first + 1) if first else []
    edges = [
        (encode_cursor([getattr(row, k.field) for k in keys]), wrap(row)) for row in rows[:first]
    ]
    return Page(edges=edges, has_next_page=len(rows) > first, has_previous_page=bool(after))
