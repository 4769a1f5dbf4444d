"""Use cases called directly: accounts made in the database in any role and state, and a
Context for each, read afresh like every operation reads its viewer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from resolvers.context import Context, Resources
from server.models import (
    AccountState,
    ChangeEvent,
    ChangeKind,
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    GroupVisibility,
    PlatformRole,
    Post,
    PostKind,
    PostState,
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


async def make_group(
    slug: str,
    owner: User,
    *members: User,
    visibility: GroupVisibility = GroupVisibility.PUBLIC,
    admins: tuple[User, ...] = (),
) -> Group:
    row = await Group.create(
        slug=slug,
        name=slug.replace("-", " ").title(),
        kind=GroupKind.INTEREST,
        visibility=visibility,
        created_by_id=owner.id,
        member_count=1 + len(members) + len(admins),
    )
    await GroupMembership.create(group=row, user=owner, role=GroupRole.OWNER)
    for admin in admins:
        await GroupMembership.create(group=row, user=admin, role=GroupRole.ADMIN)
    for member in members:
        await GroupMembership.create(group=row, user=member, role=GroupRole.MEMBER)
    return row


async def make_post(
    author: User, body: str = "a post", *, group: Group | None = None, **fields: Any
) -> Post:
    """A post written straight into the database (published unless `state` says otherwise)."""
    values: dict[str, Any] = {"state": PostState.PUBLISHED, "published_at": datetime.now(UTC)}
    return await Post.create(
        author=author, group=group, kind=PostKind.MOMENT, body=body, **(values | fields)
    )


async def events(kind: ChangeKind | None = None, **ids: Any) -> list[ChangeEvent]:
    query = ChangeEvent.filter(**ids)
    if kind is not None:
        query = query.filter(kind=kind)
    return await query.order_by("id")


async def outbox(entity: SearchEntity, entity_id: int) -> list[SearchOutbox]:
    return await SearchOutbox.filter(entity=entity, entity_id=entity_id)
