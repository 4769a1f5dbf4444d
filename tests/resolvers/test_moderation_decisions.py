"""Deciding queue items as use cases: what a decision does and tells, who may take which
action (a group admin never sanctions, a moderator never sanctions staff), and decisions that
clash (twice, under someone else's claim, on appeal)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from resolvers.moderation_decisions import Decision, resolve_item, resolve_items
from resolvers.moderation_items import claim_item
from resolvers.post_input import PostDraft
from resolvers.posts import create_post
from resolvers.reports import report_content
from server.errors import AccountSuspended, Conflict, Forbidden, InvalidInput, NotFound
from server.models import (
    AccountState,
    Appeal,
    AuditEntry,
    ChangeKind,
    ModerationAction,
    ModerationItem,
    ModerationItemState,
    ModerationTarget,
    Notification,
    NotificationKind,
    PlatformRole,
    Post,
    PostKind,
    PostState,
    Report,
    ReportOutcome,
    ReportReason,
    SearchEntity,
    User,
)
from tests.helpers import make_group, make_post
from tests.resolvers.conftest import events, outbox

A = ModerationAction
MODERATOR, ADMIN = PlatformRole.MODERATOR, PlatformRole.ADMIN


async def reported(people, author: User, *, group=None) -> ModerationItem:
    post = await make_post(author, group=group)
    rex = await User.get_or_none(handle="rex") or await people.make("rex")
    await report_content(
        await people.context(rex), ModerationTarget.POST, post.id, ReportReason.SPAM, "", True
    )
    return await ModerationItem.get(target_id=post.id)


async def decide(people, viewer: User, item: ModerationItem, *actions, reason="", days=None):
    decision = Decision(list(actions), reason, days)
    return await resolve_item(await people.context(viewer), item.id, decision)


async def test_approving_a_held_post_makes_it_go_live_with_its_mention_notifications(people):
    ann = await people.make("ann", state=AccountState.SILENCED, until_days=3)
    ben, mia = await people.make("ben"), await people.make("mia", MODERATOR)
    draft = PostDraft(kind=PostKind.MOMENT, body="a road trip with @ben")
    post = await create_post(await people.context(ann), draft, publish=True)
    assert await Notification.filter(recipient_id=ben.id).count() == 0
    item = await ModerationItem.get(target_id=post.id)
    decided = await decide(people, mia, item, A.APPROVE)
    assert decided.state == ModerationItemState.RESOLVED
    assert not decided.target_hidden
    live = await Post.get(id=post.id)
    assert live.state == PostState.PUBLISHED
    assert live.published_at is not None
    assert [e.post_id for e in await events(ChangeKind.POST_ADDED)] == [post.id]
    assert len(await outbox(SearchEntity.POST, post.id)) == 1
    [mention] = await Notification.filter(recipient_id=ben.id)
    assert (mention.kind, mention.post_id) == (NotificationKind.MENTION, post.id)
    [entry] = await AuditEntry.filter(action=A.APPROVE)
    assert (entry.actor_id, entry.affected_user_id) == (mia.id, ann.id)


async def test_hiding_a_post_takes_it_down_upholds_the_reports_and_tells_the_author_why(people):
    ann, mia = await people.make("ann"), await people.make("mia", MODERATOR)
    item = await reported(people, ann)
    await decide(people, mia, item, A.HIDE, reason="selling things")
    assert (await Post.get(id=item.target_id)).state == PostState.HIDDEN
    assert [e.post_id for e in await events(ChangeKind.POST_REMOVED)] == [item.target_id]
    assert [r.outcome for r in await Report.all()] == [ReportOutcome.UPHELD]
    [notice] = await Notification.filter(recipient_id=ann.id, kind=NotificationKind.MODERATION)
    assert notice.text == "A moderator hid your post: selling things"


@pytest.mark.parametrize(
    ("action", "state", "outcome"),
    [
        (A.APPROVE, ModerationItemState.RESOLVED, ReportOutcome.REJECTED),
        (A.IGNORE, ModerationItemState.IGNORED, ReportOutcome.OPEN),
        (A.ESCALATE, ModerationItemState.ESCALATED, ReportOutcome.OPEN),
    ],
)
async def test_a_decision_that_keeps_the_post_closes_or_moves_the_item(
    people, action, state, outcome
):
    ann, mia = await people.make("ann"), await people.make("mia", MODERATOR)
    item = await reported(people, ann)
    assert (await decide(people, mia, item, action)).state == state
    assert (await Post.get(id=item.target_id)).state == PostState.PUBLISHED
    assert [r.outcome for r in await Report.all()] == [outcome]


async def test_deciding_an_item_twice_is_a_conflict(people):
    ann = await people.make("ann")
    mia, max_ = await people.make("mia", MODERATOR), await people.make("max", MODERATOR)
    item = await reported(people, ann)
    await decide(people, mia, item, A.HIDE)
    with pytest.raises(Conflict):
        await decide(people, max_, item, A.REMOVE, reason="spam")
    assert (await Post.get(id=item.target_id)).state == PostState.HIDDEN
    assert await AuditEntry.filter(action=A.REMOVE).count() == 0


async def test_an_item_claimed_by_another_moderator_waits_for_them(people):
    ann = await people.make("ann")
    mia, max_ = await people.make("mia", MODERATOR), await people.make("max", MODERATOR)
    item = await reported(people, ann)
    await claim_item(await people.context(mia), item.id)
    with pytest.raises(Conflict):
        await decide(people, max_, item, A.HIDE)
    assert (await decide(people, mia, item, A.HIDE)).state == ModerationItemState.RESOLVED


async def test_a_group_admin_hides_in_their_group_but_cannot_ban_the_author(people):
    ann, owner = await people.make("ann"), await people.make("owner")
    item = await reported(people, ann, group=await make_group("road-trips", owner, ann))
    for sanction in (A.BAN, A.SUSPEND, A.SILENCE):
        with pytest.raises(Forbidden):
            await decide(people, owner, item, sanction, reason="enough", days=3)
    assert (await User.get(id=ann.id)).state == AccountState.ACTIVE
    await decide(people, owner, item, A.HIDE)
    assert (await Post.get(id=item.target_id)).state == PostState.HIDDEN
    [entry] = await AuditEntry.filter(action=A.HIDE, actor_id=owner.id)
    assert entry.detail["level"] == 1


async def test_a_group_admin_cannot_decide_items_of_other_groups(people):
    ann, owner, other = (
        await people.make("ann"),
        await people.make("owner"),
        await people.make("olga"),
    )
    await make_group("road-trips", owner)
    item = await reported(people, ann, group=await make_group("city-drives", other, ann))
    with pytest.raises(NotFound):
        await decide(people, owner, item, A.HIDE)


@pytest.mark.parametrize(
    ("decider", "account", "allowed"),
    [(MODERATOR, MODERATOR, False), (MODERATOR, ADMIN, False), (ADMIN, MODERATOR, True)],
)
async def test_sanctions_on_staff_accounts_are_for_admins(people, decider, account, allowed):
    target = await people.make("sam", account)
    judge = await people.make("judge", decider)
    item = await reported(people, target)
    if not allowed:
        with pytest.raises(Forbidden):
            await decide(people, judge, item, A.SUSPEND, reason="abuse", days=7)
        assert (await User.get(id=target.id)).state == AccountState.ACTIVE
        return
    await decide(people, judge, item, A.SUSPEND, reason="abuse", days=7)
    assert (await User.get(id=target.id)).state == AccountState.SUSPENDED


async def test_a_silenced_moderator_decides_nothing_and_is_told_why(people):
    ann = await people.make("ann")
    mia = await people.make("mia", MODERATOR, AccountState.SILENCED, until_days=2)
    item = await reported(people, ann)
    with pytest.raises(AccountSuspended) as refused:
        await decide(people, mia, item, A.HIDE)
    assert refused.value.reason == "ACCOUNT_SILENCED"
    assert (await ModerationItem.get(id=item.id)).state == ModerationItemState.PENDING


async def test_an_escalated_item_is_decided_by_platform_moderators_only(people):
    ann, owner = await people.make("ann"), await people.make("owner")
    mia = await people.make("mia", MODERATOR)
    item = await reported(people, ann, group=await make_group("road-trips", owner, ann))
    await decide(people, owner, item, A.ESCALATE)
    with pytest.raises(Forbidden):
        await decide(people, owner, item, A.HIDE)
    assert (await decide(people, mia, item, A.HIDE)).state == ModerationItemState.RESOLVED


async def test_an_item_waiting_on_an_appeal_is_not_decided_again(people):
    ann, mia = await people.make("ann"), await people.make("mia", MODERATOR)
    item = await reported(people, ann)
    await ModerationItem.filter(id=item.id).update(state=ModerationItemState.ESCALATED)
    entry = await AuditEntry.create(kind="ACTION", action=A.WARN, affected_user_id=ann.id)
    await Appeal.create(decision=entry, item_id=item.id, appellant=ann, text="unfair")
    with pytest.raises(Conflict):
        await decide(people, mia, item, A.HIDE)


async def test_a_suspension_sets_its_term_and_tells_the_author_until_when(people):
    ann, mia = await people.make("ann"), await people.make("mia", MODERATOR)
    item = await reported(people, ann)
    await decide(people, mia, item, A.SUSPEND, reason="spam run", days=7)
    user = await User.get(id=ann.id)
    assert user.state == AccountState.SUSPENDED
    assert user.suspended_until is not None
    assert abs(user.suspended_until - (datetime.now(UTC) + timedelta(days=7))) < timedelta(
        minutes=1
    )
    assert len(await outbox(SearchEntity.USER, ann.id)) == 1
    [notice] = await Notification.filter(recipient_id=ann.id, kind=NotificationKind.MODERATION)
    assert notice.text.startswith(f"Your account is suspended until {user.suspended_until.date()}")


async def test_deciding_many_items_succeeds_or_fails_for_each_on_its_own(people):
    ann, mia = await people.make("ann"), await people.make("mia", MODERATOR)
    first, second = await reported(people, ann), await reported(people, ann)
    await decide(people, mia, second, A.IGNORE)
    outcomes = await resolve_items(
        await people.context(mia), [first.id, second.id, 999_999], Decision([A.HIDE])
    )
    by_id = dict(outcomes)
    assert by_id[first.id].state == ModerationItemState.RESOLVED
    assert isinstance(by_id[second.id], Conflict)
    assert isinstance(by_id[999_999], NotFound)


async def test_deciding_too_many_items_at_once_is_refused_naming_the_item_ids(people):
    mia = await people.make("mia", MODERATOR)
    with pytest.raises(InvalidInput) as refused:
        await resolve_items(await people.context(mia), list(range(1, 52)), Decision([A.HIDE]))
    assert refused.value.field == "itemIds"


async def test_someone_who_moderates_nothing_is_refused_a_bulk_decision_as_a_whole(people):
    ann, ben = await people.make("ann"), await people.make("ben")
    item = await reported(people, ann)
    with pytest.raises(Forbidden):
        await resolve_items(await people.context(ben), [item.id], Decision([A.HIDE]))
