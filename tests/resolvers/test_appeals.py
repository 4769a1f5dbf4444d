"""Appeals as use cases: once per decision and by whom it affected, decided by someone else at
the decision's level or above, and an overturn that undoes what was done."""

from __future__ import annotations

import pytest

from resolvers.appeals import appeal_decision, decide_appeal
from resolvers.moderation_decisions import Decision, resolve_item
from resolvers.reports import report_content
from server.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    AppealState,
    AuditEntry,
    ModerationAction,
    ModerationItem,
    ModerationItemState,
    ModerationTarget,
    Notification,
    NotificationKind,
    PlatformRole,
    Post,
    PostState,
    ReportReason,
)
from tests.helpers import make_group, make_post

MODERATOR = PlatformRole.MODERATOR


async def hidden_by(people, decider, author, *, group=None) -> AuditEntry:
    """The decision that hid a reported post of `author`."""
    post = await make_post(author, group=group)
    rex = await people.make("rex")
    await report_content(
        await people.context(rex), ModerationTarget.POST, post.id, ReportReason.SPAM, "", True
    )
    item = await ModerationItem.get(target_id=post.id)
    decision = Decision([ModerationAction.HIDE], "off topic")
    await resolve_item(await people.context(decider), item.id, decision)
    return await AuditEntry.get(item_id=item.id, action=ModerationAction.HIDE)


async def test_an_appeal_puts_the_item_back_in_the_queue_once(people):
    ann, mia = await people.make("ann"), await people.make("mia", MODERATOR)
    entry = await hidden_by(people, mia, ann)
    await appeal_decision(await people.context(ann), entry.id, "it was on topic")
    item = await ModerationItem.get(id=entry.item_id)
    assert item.state == ModerationItemState.PENDING
    assert "APPEAL" in item.reasons
    with pytest.raises(Conflict):
        await appeal_decision(await people.context(ann), entry.id, "really")


async def test_only_whom_a_decision_affected_appeals_it_and_says_why(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    mia = await people.make("mia", MODERATOR)
    entry = await hidden_by(people, mia, ann)
    with pytest.raises(NotFound):
        await appeal_decision(await people.context(ben), entry.id, "on ann's behalf")
    with pytest.raises(InvalidInput) as refused:
        await appeal_decision(await people.context(ann), entry.id, "   ")
    assert refused.value.field == "text"


async def test_the_moderator_who_decided_does_not_decide_the_appeal(people):
    ann, mia = await people.make("ann"), await people.make("mia", MODERATOR)
    entry = await hidden_by(people, mia, ann)
    appeal = await appeal_decision(await people.context(ann), entry.id, "on topic")
    with pytest.raises(Conflict):
        await decide_appeal(await people.context(mia), appeal.id, True, "fine")


async def test_a_group_admin_does_not_decide_an_appeal_against_a_moderators_decision(people):
    ann, owner = await people.make("ann"), await people.make("owner")
    mia = await people.make("mia", MODERATOR)
    club = await make_group("road-trips", owner, ann)
    entry = await hidden_by(people, mia, ann, group=club)
    appeal = await appeal_decision(await people.context(ann), entry.id, "on topic")
    with pytest.raises(Forbidden):
        await decide_appeal(await people.context(owner), appeal.id, True, "fine by me")


async def test_overturning_a_hide_restores_the_post_and_tells_the_appellant(people):
    ann = await people.make("ann")
    mia, max_ = await people.make("mia", MODERATOR), await people.make("max", MODERATOR)
    entry = await hidden_by(people, mia, ann)
    appeal = await appeal_decision(await people.context(ann), entry.id, "on topic")
    decided = await decide_appeal(await people.context(max_), appeal.id, True, "it was fine")
    assert decided.state == AppealState.OVERTURNED
    assert (await Post.get(id=entry.target_id)).state == PostState.PUBLISHED
    told = await Notification.filter(recipient_id=ann.id, kind=NotificationKind.MODERATION)
    assert told[-1].text == "Your appeal was overturned: it was fine"
    with pytest.raises(Conflict):
        await decide_appeal(await people.context(max_), appeal.id, False, "changed my mind")
