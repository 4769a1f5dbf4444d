"""Reads of accounts shared by every subscriber of a process.

Subscribers woken by one event all read their viewers at once (see resolvers.sessions):
`AccountReader` batches those reads into one statement per kind. It is a DataLoader that caches
nothing, so each read is fresh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from server.models import GroupMembership, User


class AccountReader:
    """Batched, uncached reads of accounts and their group memberships, shared by every
    subscriber of a process."""

    def __init__(self) -> None:
        self._users: DataLoader[int, User | None] = DataLoader(self._load_users, cache=False)
        self._groups: DataLoader[int, frozenset[int]] = DataLoader(self._load_groups, cache=False)

    async def user(self, user_id: int) -> User | None:
        return await self._users.load(user_id)

    async def member_group_ids(self, user_id: int) -> frozenset[int]:
        return await self._groups.load(user_id)

    @staticmethod
    async def _load_users(ids: Sequence[int]) -> list[User | None]:
        rows = {u.id: u for u in await User.filter(id__in=list(set(ids)))}
        return [rows.get(i) for i in ids]

    @staticmethod
    async def _load_groups(ids: Sequence[int]) -> list[frozenset[int]]:
        found: dict[int, set[int]] = defaultdict(set)
        rows = await GroupMembership.filter(user_id__in=list(set(ids))).values_list(
            "user_id", "group_id"
        )
        for user_id, group_id in rows:
            found[int(user_id)].add(int(group_id))
        return [frozenset(found.get(i, ())) for i in ids]
