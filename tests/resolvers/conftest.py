"""Use cases called directly: accounts made in the database in any role and state, and a
Context for each, read afresh like every operation reads its viewer."""

from __future__ import annotations

from typing import Any

import pytest

from resolvers.context import Context, Resources
from server.models import (
    AccountState,
    ChangeEvent,
    ChangeKind,
    PlatformRole,
    SearchEntity,
    SearchOutbox,
    User,
)
from tests.helpers import make_account


class People:
    """Accounts for a test, and the Context each of them acts in."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    async def make(
        self,
        handle: str,
        role: PlatformRole = PlatformRole.USER,
        state: AccountState = AccountState.ACTIVE,
        *,
        days_old: int = 30,
        until_days: int | None = None,
    ) -> User:
        """An account; established (a month old) unless `days_old` says otherwise."""
        return await make_account(handle, role, state, days_old=days_old, until_days=until_days)

    async def context(self, user: User | None) -> Context:
        """A Context for one operation by `user`, as read from the database now."""
        viewer = await User.get(id=user.id) if user is not None else None
        return Context(self.resources, viewer=viewer)


@pytest.fixture
def people(resources: Resources) -> People:
    return People(resources)


async def events(kind: ChangeKind | None = None, **ids: Any) -> list[ChangeEvent]:
    query = ChangeEvent.filter(**ids)
    if kind is not None:
        query = query.filter(kind=kind)
    return await query.order_by("id")


async def outbox(entity: SearchEntity, entity_id: int) -> list[SearchOutbox]:
    return await SearchOutbox.filter(entity=entity, entity_id=entity_id)
