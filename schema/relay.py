"""Relay conventions: the Node interface, opaque global ids, connections and page info."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import strawberry

from resolvers.pagination import Page, check_page_size
from server.errors import NotFound
from server.settings import Settings

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_PAGE_SIZE = 20


def encode_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(
        base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")
    )


MAX_PK = 2**31 - 1  # primary keys are 32-bit integers
PK_RE = re.compile(r"[1-9][0-9]{0,9}")


def parse_id(global_id: str) -> tuple[str, int] | None:
    """The type name and primary key inside a global id, or None if it is not one of ours
    (including a key no row can have, such as a 30-digit number)."""
    if len(global_id) > 100:
        return None
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return None
    type_name, _, pk = raw.partition(":")
    if not type_name.isidentifier() or not PK_RE.fullmatch(pk) or int(pk) > MAX_PK:
        return None
    return type_name, int(pk)


def decode_id(global_id: str, *expected: str) -> tuple[str, int]:
    """The id of an object of one of the `expected` types; NotFound for anything else, so a
    mistyped or foreign id reads like a missing object."""
    parsed = parse_id(global_id)
    if parsed is None or parsed[0] not in expected:
        raise NotFound(f"No {' or '.join(e.lower() for e in expected)} with that id.")
    return parsed


def decode_pk(global_id: str, expected: str) -> int:
    return decode_id(global_id, expected)[1]


@strawberry.interface(description="An object with a global id, fetchable through `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="The opaque global id.")


@strawberry.type(description="Where a page of a connection lies in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow `endCursor`.")
    has_previous_page: bool = strawberry.field(
        description="The page was asked for with `after`, so items precede it."
    )
    start_cursor: str | None = strawberry.field(description="The cursor of the first edge.")
    end_cursor: str | None = strawberry.field(
        description="The cursor of the last edge: pass it as `after` for the next page."
    )


@strawberry.type(description="One item of a connection with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, Relay style, paginated by keyset cursors.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page lies in the list.")


def page_info(page: Page[Any]) -> PageInfo:
    """Where a keyset page lies in its list (every connection's `pageInfo`)."""
    return PageInfo(
        has_next_page=page.has_next_page,
        has_previous_page=page.has_previous_page,
        start_cursor=page.start_cursor,
        end_cursor=page.end_cursor,
    )


def to_connection(page: Page[R], wrap: Callable[[R], T]) -> Connection[T]:
    return Connection(
        edges=[Edge(cursor=cursor, node=wrap(item)) for cursor, item in page.edges],
        page_info=page_info(page),
    )


def page_size(settings: Settings, first: int | None) -> int:
    return check_page_size(first, DEFAULT_PAGE_SIZE, settings.max_page_size)
