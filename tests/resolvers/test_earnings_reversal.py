"""What moderation takes back and gives back, as use cases: a removal reverses what a post, an
episode, a comment or a credit earned (never below zero, told to each person), undoing it gives
back exactly what was taken, and removing or restoring again doubles nothing."""

from __future__ import annotations

import pytest

from resolvers import earnings, ledger
from resolvers.appeals import appeal_decision, decide_appeal
from resolvers.changes import writing
from resolvers.comments import add_comment
from resolvers.credits import respond_to_credit
from resolvers.featured import feature_work
from resolvers.feedback import adopt_feedback
from resolvers.moderation_decisions import Decision, resolve_item
from resolvers.moderation_items import Target
from resolvers.posts import delete_post
from resolvers.reports import report_content
from resolvers.works import WorkRef
from server.models import (
    AuditEntry,
    Credit,
    CreditState,
    Ledger,
    LedgerEntry,
    LedgerEntryKind,
    ModerationAction,
    ModerationItem,
    ModerationTarget,
    Notification,
    NotificationKind,
    PlatformRole,
    Post,
    PostState,
    ReportReason,
    User,
)
from tests.helpers import make_group, make_post
from tests.resolvers.work_helpers import credit, make_episode

P, C = Ledger.POINTS, Ledger.CONTRIBUTION
A = ModerationAction
MODERATOR = PlatformRole.MODERATOR
REMOVED_TEXT = "a moderator removed your"


async def balances(*users) -> list[tuple[int, int]]:
    return [(await ledger.balance(P, u.id), await ledger.balance(C, u.id)) for u in users]


async def chain(user, ledger_name) -> list[tuple[LedgerEntryKind, int]]:
    """The account's entries as (kind, amount), after checking each balance_after chains."""
    rows = await LedgerEntry.filter(user_id=user.id, ledger=ledger_name).order_by("id")
    running = 0
    for row in rows:
        running += row.amount
        assert row.balance_after == running >= 0
    assert await ledger.balance(ledger_name, user.id) == running
    return [(LedgerEntryKind(row.kind), int(row.amount)) for row in rows]


async def rewards(user) -> list[str]:
    rows = await Notification.filter(recipient_id=user.id, kind=NotificationKind.REWARD)
    return [row.text for row in sorted(rows, key=lambda row: row.id)]


async def removed(people, moderator, target_type, target_id, reporter="rex") -> AuditEntry:
    """Report the target and have `moderator` remove it: the decision."""
    who = await User.get_or_none(handle=reporter) or await people.make(reporter)
    await report_content(
        await people.context(who), target_type, target_id, ReportReason.SPAM, "", True
    )
    item = await ModerationItem.filter(target_type=target_type, target_id=target_id).get(
        state="PENDING"
    )
    await resolve_item(await people.context(moderator), item.id, Decision([A.REMOVE], "spam"))
    return await AuditEntry.get(item_id=item.id, action=A.REMOVE)


async def overturned(people, appellant, decider, decision: AuditEntry) -> None:
    appeal = await appeal_decision(await people.context(appellant), decision.id, "it was fine")
    await decide_appeal(await people.context(decider), appeal.id, True, "it was fine")


async def spend(people, user, amount) -> None:
    async with writing(people.resources.hub) as log:
        await ledger.charge(
            log,
            people.resources.settings,
            P,
            user.id,
            -amount,
            kind=LedgerEntryKind.SPENT,
            key=f"perk-{user.id}-{amount}",
            reason="a perk",
        )


async def test_removing_a_featured_post_reverses_its_earnings_but_never_below_zero(people):
    mia, leo = await people.make("mia", MODERATOR), await people.make("leo", MODERATOR)
    ann, lin = await people.make("ann"), await people.make("lin")
    post = await make_post(ann)
    await credit(lin, post_id=post.id)
    await feature_work(await people.context(mia), WorkRef(post_id=post.id))
    await spend(people, ann, 80)  # 20 points left of the 100

    decision = await removed(people, leo, ModerationTarget.POST, post.id)

    assert (await Post.get(id=post.id)).state == PostState.REMOVED
    assert await balances(ann, lin) == [(0, 0), (0, 0)]
    assert await chain(ann, P) == [
        (LedgerEntryKind.EARNED, 100),
        (LedgerEntryKind.SPENT, -80),
        (LedgerEntryKind.REVERSED, -20),
    ]
    assert await chain(ann, C) == [(LedgerEntryKind.EARNED, 15), (LedgerEntryKind.REVERSED, -15)]
    reversal = await LedgerEntry.get(user_id=lin.id, ledger=P, kind=LedgerEntryKind.REVERSED)
    assert (reversal.rule, reversal.reference_id, reversal.actor_id) == (
        "WORK_FEATURED",
        str(post.id),
        leo.id,
    )
    assert (await rewards(ann))[-1] == f"-20 points and -15 contribution: {REMOVED_TEXT} post."
    assert (await rewards(lin))[-1] == f"-100 points and -15 contribution: {REMOVED_TEXT} post."

    # Removed again (a second look at the same post): nothing more to take.
    async with writing(people.resources.hub) as log:
        target = Target(ModerationTarget.POST, post.id, ann.id, None)
        await earnings.moderated(log, people.resources.settings, leo.id, A.REMOVE, target)
    assert len(await chain(ann, P)) == 3

    await overturned(people, ann, mia, decision)

    assert (await Post.get(id=post.id)).state == PostState.PUBLISHED
    assert await balances(ann, lin) == [(20, 15), (100, 15)]  # exactly what was taken
    assert (await chain(ann, P))[-1] == (LedgerEntryKind.RESTORED, 20)
    assert (await rewards(ann))[-1] == "+20 points and +15 contribution: your post is back."


async def test_a_second_removal_and_restoration_double_nothing(people):
    mia, leo = await people.make("mia", MODERATOR), await people.make("leo", MODERATOR)
    ann = await people.make("ann")
    post = await make_post(ann)
    await feature_work(await people.context(mia), WorkRef(post_id=post.id))
    for reporter in ("rex", "zoe"):
        decision = await removed(people, leo, ModerationTarget.POST, post.id, reporter)
        assert await balances(ann) == [(0, 0)]
        await overturned(people, ann, mia, decision)
        assert await balances(ann) == [(100, 30)]
    # Restoring again (an APPROVE of the live post) gives nothing more.
    async with writing(people.resources.hub) as log:
        target = Target(ModerationTarget.POST, post.id, ann.id, None)
        await earnings.moderated(log, people.resources.settings, leo.id, A.APPROVE, target)
    kinds = [kind for kind, _ in await chain(ann, P)]
    assert (
        kinds
        == [LedgerEntryKind.EARNED]
        + [
            LedgerEntryKind.REVERSED,
            LedgerEntryKind.RESTORED,
        ]
        * 2
    )


async def test_hiding_keeps_earnings_and_removing_adopted_feedback_takes_them(people):
    mia, leo = await people.make("mia", MODERATOR), await people.make("leo", MODERATOR)
    lin = await people.make("lin")
    post = await make_post(lin, group=await make_group("es8-club", lin), feedback=True)
    await adopt_feedback(await people.context(mia), post.id)
    rex = await people.make("rex")
    await report_content(
        await people.context(rex), ModerationTarget.POST, post.id, ReportReason.SPAM, "", True
    )
    item = await ModerationItem.get(target_id=post.id)
    await resolve_item(await people.context(leo), item.id, Decision([A.HIDE], "off topic"))
    assert await balances(lin) == [(100, 20)]
    await removed(people, leo, ModerationTarget.POST, post.id, "zoe")
    assert await balances(lin) == [(0, 0)]
    assert {e.rule for e in await LedgerEntry.filter(kind=LedgerEntryKind.REVERSED)} == {
        "FEEDBACK_ADOPTED"
    }


async def test_removing_a_comment_takes_back_its_interaction_and_an_appeal_gives_it_back(
    people,
):
    mia, leo = await people.make("mia", MODERATOR), await people.make("leo", MODERATOR)
    ann, lin = await people.make("ann"), await people.make("lin")
    post = await make_post(ann)
    comment = await add_comment(await people.context(lin), WorkRef(post_id=post.id), "hey", None)
    assert await balances(lin) == [(0, 1)]
    decision = await removed(people, leo, ModerationTarget.COMMENT, comment.id)
    assert await balances(lin) == [(0, 0)]
    assert await rewards(lin) == [f"-1 contribution: {REMOVED_TEXT} comment."]
    await overturned(people, lin, mia, decision)
    assert await balances(lin) == [(0, 1)]
    assert await chain(lin, C) == [
        (LedgerEntryKind.EARNED, 1),
        (LedgerEntryKind.REVERSED, -1),
        (LedgerEntryKind.RESTORED, 1),
    ]


async def test_removing_a_featured_episode_reverses_what_it_earned(people):
    mia, leo = await people.make("mia", MODERATOR), await people.make("leo", MODERATOR)
    ann = await people.make("ann")
    episode = await make_episode(ann)
    await feature_work(await people.context(mia), WorkRef(episode_id=episode.id))
    await removed(people, leo, ModerationTarget.EPISODE, episode.id)
    assert await balances(ann) == [(0, 0)]
    note = await Notification.filter(recipient_id=ann.id, kind=NotificationKind.REWARD).last()
    assert note is not None
    assert (note.text, note.episode_id) == (
        f"-100 points and -30 contribution: {REMOVED_TEXT} episode.",
        episode.id,
    )


async def test_a_removed_credit_takes_back_what_accepting_it_earned(people):
    leo = await people.make("leo", MODERATOR)
    ann, lin = await people.make("ann"), await people.make("lin")
    post = await make_post(ann)
    given = await credit(lin, post_id=post.id, state=CreditState.PENDING)
    await respond_to_credit(await people.context(lin), given.id, True)
    assert await balances(lin) == [(0, 5)]
    await removed(people, leo, ModerationTarget.CREDIT, given.id)
    assert not await Credit.filter(id=given.id).exists()
    assert await balances(lin) == [(0, 0)]
    assert await rewards(lin) == [f"-5 contribution: {REMOVED_TEXT} credit."]


@pytest.mark.parametrize("action", [A.RESTORE, A.APPROVE])
async def test_an_undo_that_did_not_take_effect_gives_nothing_back(people, action):
    mia, leo = await people.make("mia", MODERATOR), await people.make("leo", MODERATOR)
    ann = await people.make("ann")
    post = await make_post(ann)
    await feature_work(await people.context(mia), WorkRef(post_id=post.id))
    await removed(people, leo, ModerationTarget.POST, post.id)
    async with writing(people.resources.hub) as log:  # the post is still removed
        target = Target(ModerationTarget.POST, post.id, ann.id, None)
        await earnings.moderated(log, people.resources.settings, leo.id, action, target)
    assert await balances(ann) == [(0, 0)]


async def test_a_moderator_deleting_a_post_outside_the_queue_takes_back_what_it_earned(db, people):
    mia = await people.make("mia", MODERATOR)
    chief = await people.make("chief", PlatformRole.ADMIN)
    lin = await people.make("lin")
    post = await make_post(lin)
    await feature_work(await people.context(chief), WorkRef(post_id=post.id))
    assert await balances(lin) == [(100, 30)]
    await delete_post(await people.context(mia), post.id)
    assert await balances(lin) == [(0, 0)]
    assert (await chain(lin, P))[-1] == (LedgerEntryKind.REVERSED, -100)
    assert (await rewards(lin))[
        -1
    ] == "-100 points and -30 contribution: a moderator deleted your post."
    # Its author deleting it keeps what it earned.
    ann = await people.make("ann")
    own = await make_post(ann)
    await feature_work(await people.context(chief), WorkRef(post_id=own.id))
    await delete_post(await people.context(ann), own.id)
    assert await balances(ann) == [(100, 30)]
