"""The three shapes of batched read every loader is made of."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from tortoise.models import Model

M = TypeVar("M", bound=Model)


def by_id(model: type[M]) -> Callable[[list[int]], Any]:
    async def load(ids: list[int]) -> Sequence[M | None]:
        rows = {row.pk: row for row in await model.filter(id__in=ids)}
        return [rows.get(i) for i in ids]

    return load


def one_by(model: type[M], key: str, **extra: Any) -> Callable[[list[int]], Any]:
    async def load(keys: list[int]) -> Sequence[M | None]:
        rows = {
            getattr(row, key): row for row in await model.filter(**{f"{key}__in": keys}, **extra)
        }
        return [rows.get(k) for k in keys]

    return load


def many_by(model: type[M], key: str, *order: str, **extra: Any) -> Callable[[list[int]], Any]:
    async def load(keys: list[int]) -> Sequence[list[M]]:
        found: dict[int, list[M]] = defaultdict(list)
        for row in await model.filter(**{f"{key}__in": keys}, **extra).order_by(*order):
            found[getattr(row, key)].append(row)
        return [found.get(k, []) for k in keys]

    return load
