"""Groups as use cases: creating (validation, who may create what), joining and leaving,
and who may change a group."""

from __future__ import annotations

import pytest

from resolvers.groups import GroupChanges, create_group, join_group, leave_group, update_group
from server.errors import AccountSuspended, Conflict, Forbidden, InvalidInput
from server.models import (
    AccountState,
    Group,
    GroupKind,
    GroupMembership,
    GroupRole,
    GroupVisibility,
    Notification,
    NotificationKind,
    PlatformRole,
    SearchEntity,
)
from tests.helpers import make_group
from tests.resolvers.conftest import outbox

PUBLIC, MEMBERS_ONLY = GroupVisibility.PUBLIC, GroupVisibility.MEMBERS_ONLY


async def new_group(people, user, slug="road-trips", *, name="Road trips", kind=GroupKind.INTEREST):
    return await create_group(
        await people.context(user),
        slug=slug,
        name=name,
        description="Where we drive",
        kind=kind,
        visibility=PUBLIC,
    )


async def test_creating_a_group_makes_its_creator_the_owner_and_indexes_it(people):
    ann = await people.make("ann")
    group = await new_group(people, ann)
    membership = await GroupMembership.get(group_id=group.id)
    assert (membership.user_id, membership.role) == (ann.id, GroupRole.OWNER)
    assert group.member_count == 1
    assert len(await outbox(SearchEntity.GROUP, group.id)) == 1


@pytest.mark.parametrize(
    ("slug", "name", "field"),
    [
        ("Road Trips!", "Road trips", "slug"),
        ("rt", "Road trips", "slug"),
        ("road-trips", "R", "name"),
        ("road-trips", "Road\u202etrips", "name"),
    ],
)
async def test_create_group_refuses_bad_input_naming_the_field(people, slug, name, field):
    ann = await people.make("ann")
    with pytest.raises(InvalidInput) as refused:
        await new_group(people, ann, slug, name=name)
    assert refused.value.field == field
    assert await Group.all().count() == 0


async def test_a_taken_slug_is_a_conflict(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    await new_group(people, ann)
    with pytest.raises(Conflict):
        await new_group(people, ben, " Road-Trips ")
    assert await Group.all().count() == 1


@pytest.mark.parametrize(
    ("role", "allowed"), [(PlatformRole.USER, False), (PlatformRole.ADMIN, True)]
)
async def test_industry_groups_are_created_by_admins_only(people, role, allowed):
    creator = await people.make("chief", role)
    if allowed:
        assert (
            await new_group(people, creator, kind=GroupKind.INDUSTRY)
        ).kind == GroupKind.INDUSTRY
        return
    with pytest.raises(Forbidden):
        await new_group(people, creator, kind=GroupKind.INDUSTRY)
    assert await Group.all().count() == 0


async def test_a_banned_account_creates_no_group(people):
    ann = await people.make("ann", state=AccountState.BANNED)
    with pytest.raises(AccountSuspended):
        await new_group(people, ann)


async def test_joining_tells_the_owners_and_admins_and_counts_once(people):
    ann, ada, ben = await people.make("ann"), await people.make("ada"), await people.make("ben")
    group = await make_group("road-trips", ann, admins=(ada,))
    for _ in range(2):
        joined = await join_group(await people.context(ben), group.slug)
    assert joined.group.member_count == 3
    told = await Notification.filter(kind=NotificationKind.GROUP_JOIN).values_list(
        "recipient_id", flat=True
    )
    assert sorted(told) == sorted([ann.id, ada.id])


async def test_the_only_owner_cannot_leave_but_a_member_can(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    group = await make_group("road-trips", ann, ben)
    with pytest.raises(Conflict):
        await leave_group(await people.context(ann), group.slug)
    left = await leave_group(await people.context(ben), group.slug)
    assert left.member_count == 1
    again = await leave_group(await people.context(ben), group.slug)  # not a member: no change
    assert again.member_count == 1


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("owner", True),
        ("admin", True),
        ("platform admin", True),
        ("member", False),
        ("stranger", False),
    ],
)
async def test_a_group_is_changed_by_its_owners_and_admins_or_a_platform_admin(
    people, who, allowed
):
    ann, ada, ben = await people.make("ann"), await people.make("ada"), await people.make("ben")
    chief, sam = await people.make("chief", PlatformRole.ADMIN), await people.make("sam")
    group = await make_group("road-trips", ann, ben, admins=(ada,))
    actor = {"owner": ann, "admin": ada, "platform admin": chief, "member": ben, "stranger": sam}[
        who
    ]
    changes = GroupChanges(name="Long road trips")
    if not allowed:
        with pytest.raises(Forbidden):
            await update_group(await people.context(actor), group.slug, changes)
        assert (await Group.get(id=group.id)).name == "Road Trips"
        return
    assert (await update_group(await people.context(actor), group.slug, changes)).name == (
        "Long road trips"
    )


async def test_a_silenced_owner_no_longer_changes_their_group(people):
    ann = await people.make("ann", state=AccountState.SILENCED, until_days=2)
    group = await make_group("road-trips", ann)
    with pytest.raises(Forbidden):
        await update_group(await people.context(ann), group.slug, GroupChanges(name="Mine"))


async def test_turning_members_only_takes_the_groups_posts_along_in_search(people):
    ann = await people.make("ann")
    group = await make_group("road-trips", ann)
    await update_group(await people.context(ann), group.slug, GroupChanges(visibility=MEMBERS_ONLY))
    [row] = await outbox(SearchEntity.GROUP, group.id)
    assert row.with_posts
    assert (await Group.get(id=group.id)).visibility == MEMBERS_ONLY
