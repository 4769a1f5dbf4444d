"""The review queue as use cases: who works which items, claims that exactly one moderator
wins, take-overs that are audited, and notes."""

from __future__ import annotations

import pytest

from resolvers.moderation_items import (
    QueueFilter,
    add_note,
    claim_item,
    list_queue,
    release_item,
    visible_item,
)
from resolvers.reports import report_content
from server.errors import AccountSuspended, Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    AccountState,
    AuditEntry,
    AuditKind,
    ModerationItem,
    ModerationItemEvent,
    ModerationItemEventKind,
    ModerationTarget,
    PlatformRole,
    ReportReason,
    User,
)
from tests.helpers import make_group, make_post

MODERATOR = PlatformRole.MODERATOR


async def reported(people, target_author: User, *, group=None, by: str = "rex") -> ModerationItem:
    """An item opened by one report about a post of `target_author`."""
    post = await make_post(target_author, group=group)
    reporter = await User.get_or_none(handle=by) or await people.make(by)
    await report_content(
        await people.context(reporter), ModerationTarget.POST, post.id, ReportReason.SPAM, "", True
    )
    return await ModerationItem.get(target_id=post.id)


async def queue_ids(people, viewer: User) -> list[int]:
    page = await list_queue(await people.context(viewer), QueueFilter(), 50, None)
    return [item.id for _, item in page.edges]


async def test_moderators_see_every_item_and_group_admins_their_groups_only(people):
    ann, owner = await people.make("ann"), await people.make("owner")
    mia = await people.make("mia", MODERATOR)
    club = await make_group("road-trips", owner, ann)
    in_group = await reported(people, ann, group=club)
    outside = await reported(people, ann)
    assert sorted(await queue_ids(people, mia)) == sorted([in_group.id, outside.id])
    assert await queue_ids(people, owner) == [in_group.id]


@pytest.mark.parametrize(
    ("role", "state"),
    [(PlatformRole.USER, AccountState.ACTIVE), (MODERATOR, AccountState.SILENCED)],
    ids=["member", "silenced-moderator"],
)
async def test_who_moderates_nothing_is_refused_the_queue(people, role, state):
    someone = await people.make("sam", role, state, until_days=2)
    with pytest.raises(Forbidden) as refused:
        await queue_ids(people, someone)
    assert isinstance(refused.value, AccountSuspended) == (state != AccountState.ACTIVE)


async def test_a_moderator_never_sees_the_item_about_what_they_wrote(people):
    mia, max_ = await people.make("mia", MODERATOR), await people.make("max", MODERATOR)
    item = await reported(people, mia)
    assert item.id not in await queue_ids(people, mia)
    assert await visible_item(await people.context(mia), item.id) is None
    assert await visible_item(await people.context(max_), item.id) is not None
    with pytest.raises(NotFound):
        await claim_item(await people.context(mia), item.id)


async def test_of_two_claims_the_first_wins_and_the_second_is_told_who_works_it(people):
    ann = await people.make("ann")
    mia, max_ = await people.make("mia", MODERATOR), await people.make("max", MODERATOR)
    item = await reported(people, ann)
    claimed = await claim_item(await people.context(mia), item.id)
    assert claimed.claimed_by_id == mia.id
    with pytest.raises(Conflict) as refused:
        await claim_item(await people.context(max_), item.id)
    assert "@mia" in refused.value.message
    again = await claim_item(await people.context(mia), item.id)  # extends one's own claim
    assert again.claimed_by_id == mia.id


async def test_staff_take_over_a_claim_and_it_is_audited(people):
    ann = await people.make("ann")
    mia, max_ = await people.make("mia", MODERATOR), await people.make("max", MODERATOR)
    item = await reported(people, ann)
    await claim_item(await people.context(mia), item.id)
    taken = await claim_item(await people.context(max_), item.id, take_over=True)
    assert taken.claimed_by_id == max_.id
    [entry] = await AuditEntry.filter(kind=AuditKind.CLAIM_TAKEN_OVER)
    assert (entry.actor_id, entry.affected_user_id) == (max_.id, mia.id)


async def test_a_group_admin_cannot_take_over_a_moderators_claim(people):
    ann, owner = await people.make("ann"), await people.make("owner")
    mia = await people.make("mia", MODERATOR)
    item = await reported(people, ann, group=await make_group("road-trips", owner, ann))
    await claim_item(await people.context(mia), item.id)
    with pytest.raises(Conflict):
        await claim_item(await people.context(owner), item.id, take_over=True)
    assert (await ModerationItem.get(id=item.id)).claimed_by_id == mia.id
    assert await AuditEntry.filter(kind=AuditKind.CLAIM_TAKEN_OVER).count() == 0


async def test_releasing_an_item_one_has_not_claimed_is_a_conflict(people):
    ann = await people.make("ann")
    mia, max_ = await people.make("mia", MODERATOR), await people.make("max", MODERATOR)
    item = await reported(people, ann)
    await claim_item(await people.context(mia), item.id)
    with pytest.raises(Conflict):
        await release_item(await people.context(max_), item.id)
    released = await release_item(await people.context(mia), item.id)
    assert released.claimed_by_id is None


async def test_a_note_goes_on_the_timeline_and_an_empty_one_is_refused_naming_the_text(people):
    ann = await people.make("ann")
    mia = await people.make("mia", MODERATOR)
    item = await reported(people, ann)
    ctx = await people.context(mia)
    with pytest.raises(InvalidInput) as refused:
        await add_note(ctx, item.id, "   ")
    assert refused.value.field == "text"
    note = await add_note(ctx, item.id, "looks like spam to me")
    assert (note.kind, note.actor_id) == (ModerationItemEventKind.NOTE, mia.id)
    kinds = (
        await ModerationItemEvent.filter(item_id=item.id)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        ModerationItemEventKind.OPENED,
        ModerationItemEventKind.REPORTED,
        ModerationItemEventKind.NOTE,
    ]
