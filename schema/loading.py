"""Answering relation fields synchronously when their rows are already loaded.

A field resolver that returns a plain value costs graphql-core far less than an async one
(no task, no future per item). Connections prefetch the relations their selection asks for;
the fields then read the loaded rows, and fall back to the DataLoader when they are not.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from strawberry import Info
from strawberry.dataloader import DataLoader
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from resolvers.loaders import MISSING, loaded

T = TypeVar("T")


def now_or_later(loader: DataLoader[Any, Any], key: Any, wrap: Callable[[Any], T]) -> Any:
    """`wrap(row)` at once if the row is loaded; otherwise an awaitable of it."""
    row = loaded(loader, key)
    if row is not MISSING:
        return wrap(row)

    async def later() -> T:
        return wrap(await loader.load(key))

    return later()


def _walk(selections: Iterable[Selection], prefix: str, into: set[str]) -> None:
    for selection in selections:
        if isinstance(selection, SelectedField):
            path = f"{prefix}{selection.name}"
            into.add(path)
            _walk(selection.selections, path + ".", into)
        elif isinstance(selection, InlineFragment | FragmentSpread):
            _walk(selection.selections, prefix, into)


def selected_paths(info: Info[Any, Any]) -> set[str]:
    """Dotted paths of every field selected below the current one, e.g. 'edges.node.author'."""
    paths: set[str] = set()
    for field in info.selected_fields:
        _walk(field.selections, "", paths)
    return paths
