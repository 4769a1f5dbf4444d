"""What earns, as use cases: each cause earns the right amounts in the right ledgers once,
shares add up, caps stop and reset the next community day, nobody earns from their own work,
sanctioned accounts earn nothing, and the causes still to come (events, ratings) earn when
called. What moderation takes back and gives back is tests/resolvers/test_earnings_reversal.py.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from resolvers import earnings, ledger, ledger_rules
from resolvers.changes import writing
from resolvers.comments import add_comment
from resolvers.credits import respond_to_credit
from resolvers.featured import feature_work, unfeature_work
from resolvers.feedback import adopt_feedback
from resolvers.koc import end_due_koc_roles, revoke_role
from resolvers.koc_programs import ensure_programs
from resolvers.moderation_decisions import Decision, resolve_item
from resolvers.reactions import add_reaction, remove_reaction
from resolvers.users import ProfileChanges, update_profile
from resolvers.works import WorkRef
from server.errors import Conflict
from server.models import (
    AccountState,
    Comment,
    CreditState,
    KocRole,
    KocRoleKind,
    Ledger,
    LedgerEntry,
    LedgerEntryKind,
    ModerationAction,
    ModerationItem,
    Notification,
    NotificationKind,
    PlatformRole,
    ReactionKind,
)
from tests.helpers import make_group, make_post
from tests.resolvers.work_helpers import credit, make_episode

P, C = Ledger.POINTS, Ledger.CONTRIBUTION
MODERATOR, ADMIN = PlatformRole.MODERATOR, PlatformRole.ADMIN
LIKE, WOW = ReactionKind.LIKE, ReactionKind.WOW


async def balances(*users) -> list[tuple[int, int]]:
    """Each user's (points, contribution)."""
    return [(await ledger.balance(P, u.id), await ledger.balance(C, u.id)) for u in users]


async def entries(user, ledger_name=None, **filters) -> list[LedgerEntry]:
    query = LedgerEntry.filter(user_id=user.id, **filters)
    if ledger_name is not None:
        query = query.filter(ledger=ledger_name)
    return await query.order_by("id")


async def rewards(user) -> list[str]:
    rows = await Notification.filter(recipient_id=user.id, kind=NotificationKind.REWARD)
    return [row.text for row in sorted(rows, key=lambda row: row.id)]


async def set_rule(people, ledger_name, key, **changes):
    admin = await people.make("chief", ADMIN)
    ctx = await people.context(admin)
    await ledger_rules.update_rule(ctx, ledger_name, key, ledger_rules.RuleChanges(**changes))


# --- featured works ------------------------------------------------------------------------


async def test_a_featured_post_pays_each_maker_once_however_often_it_is_featured(people):
    mia = await people.make("mia", MODERATOR)
    ann, lin, kai = [await people.make(h) for h in ("ann", "lin", "kai")]
    ben = await people.make("ben")
    post = await make_post(ann)
    await credit(lin, post_id=post.id)
    await credit(kai, post_id=post.id, role="WRITER")
    await credit(ben, post_id=post.id, state=CreditState.PENDING)  # not a maker yet
    ctx = await people.context(mia)

    await feature_work(ctx, WorkRef(post_id=post.id))
    await unfeature_work(await people.context(mia), WorkRef(post_id=post.id))
    await feature_work(await people.context(mia), WorkRef(post_id=post.id))

    assert await balances(ann, lin, kai) == [(100, 10)] * 3
    assert await balances(ben, mia) == [(0, 0)] * 2
    for maker in (ann, lin, kai):
        [points, contribution] = await entries(maker)
        assert (points.rule, points.reference_type, points.reference_id) == (
            "WORK_FEATURED",
            "POST",
            str(post.id),
        )
        assert (contribution.kind, contribution.actor_id) == (LedgerEntryKind.EARNED, mia.id)
        assert await rewards(maker) == ["+100 points and +10 contribution: your work was featured."]
    # The existing notice stays beside the reward.
    assert await Notification.filter(kind=NotificationKind.WORK_FEATURED).count() == 3


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(30, [10, 10, 10]), (31, [11, 10, 10]), (32, [11, 11, 10])],
)
async def test_the_featured_contribution_is_shared_and_adds_up(people, amount, expected):
    await set_rule(people, C, "WORK_FEATURED", amount=amount)
    mia = await people.make("mia", MODERATOR)
    ann, lin, kai = [await people.make(h) for h in ("ann", "lin", "kai")]
    post = await make_post(ann)
    await credit(lin, post_id=post.id)
    await credit(kai, post_id=post.id)
    await feature_work(await people.context(mia), WorkRef(post_id=post.id))
    shares = [contribution for _, contribution in await balances(ann, lin, kai)]
    assert shares == expected and sum(shares) == amount  # the author takes what is left over


async def test_a_co_creator_with_two_credits_takes_two_shares_of_an_episode(people):
    mia = await people.make("mia", MODERATOR)
    ann, lin = await people.make("ann"), await people.make("lin")
    episode = await make_episode(ann)
    await credit(lin, episode_id=episode.id, role="HOST")
    await credit(lin, episode_id=episode.id, role="WRITER")
    await feature_work(await people.context(mia), WorkRef(episode_id=episode.id))
    assert await balances(ann, lin) == [(100, 10), (100, 20)]
    [entry] = await entries(lin, C)
    assert (entry.reference_type, entry.reference_id) == ("EPISODE", str(episode.id))


async def test_a_suspended_or_banned_maker_earns_nothing_and_a_silenced_one_does(people):
    mia = await people.make("mia", MODERATOR)
    ann = await people.make("ann")
    kai = await people.make("kai", state=AccountState.SUSPENDED, until_days=3)
    zoe = await people.make("zoe", state=AccountState.BANNED)
    rui = await people.make("rui", state=AccountState.SILENCED, until_days=3)
    post = await make_post(ann)
    for user in (kai, zoe, rui):
        await credit(user, post_id=post.id)
    await feature_work(await people.context(mia), WorkRef(post_id=post.id))
    assert await balances(kai, zoe) == [(0, 0), (0, 0)]
    assert await balances(ann, rui) == [(100, 8), (100, 7)]  # shares of 30 among four
    assert await rewards(kai) == await rewards(zoe) == []


async def test_an_inactive_rule_earns_nothing(people):
    await set_rule(people, P, "WORK_FEATURED", active=False)
    mia, ann = await people.make("mia", MODERATOR), await people.make("ann")
    post = await make_post(ann)
    await feature_work(await people.context(mia), WorkRef(post_id=post.id))
    assert await balances(ann) == [(0, 30)]
    assert await rewards(ann) == ["+30 contribution: your work was featured."]


# --- adopted feedback, credits, profiles, KOC terms -------------------------------------------


async def test_adopted_feedback_earns_its_author_both_ledgers_once(people):
    lin, mia = await people.make("lin"), await people.make("mia", MODERATOR)
    post = await make_post(lin, group=await make_group("es8-club", lin), feedback=True)
    await adopt_feedback(await people.context(mia), post.id)
    with pytest.raises(Conflict):
        await adopt_feedback(await people.context(mia), post.id)
    assert await balances(lin) == [(100, 20)]
    assert {(e.rule, e.reference_type, e.reference_id) for e in await entries(lin)} == {
        ("FEEDBACK_ADOPTED", "POST", str(post.id))
    }
    assert await rewards(lin) == [
        "+100 points and +20 contribution: your product feedback was adopted."
    ]


async def test_accepting_a_credit_earns_once_per_work_and_declining_earns_nothing(people):
    ann, lin, kai = [await people.make(h) for h in ("ann", "lin", "kai")]
    post = await make_post(ann)
    photographer = await credit(lin, post_id=post.id, state=CreditState.PENDING)
    writer = await credit(lin, post_id=post.id, role="WRITER", state=CreditState.PENDING)
    declined = await credit(kai, post_id=post.id, state=CreditState.PENDING)

    await respond_to_credit(await people.context(lin), photographer.id, True)
    await respond_to_credit(await people.context(lin), writer.id, True)  # the same work
    await respond_to_credit(await people.context(kai), declined.id, False)

    assert await balances(lin, kai) == [(0, 5), (0, 0)]
    [entry] = await entries(lin)
    assert (entry.rule, entry.reference_type, entry.reference_id) == (
        "CO_CREATION_CREDIT",
        "CREDIT",
        str(photographer.id),
    )
    assert await rewards(lin) == []  # their own doing


async def test_completing_the_profile_earns_once_ever(people):
    lin = await people.make("lin")

    async def change(**fields):
        await update_profile(await people.context(lin), ProfileChanges(**fields))

    await change(avatar_url="https://img.example.com/lin.png", bio="Road trips")
    assert await balances(lin) == [(0, 0)]  # no region yet
    await change(region="Shanghai")
    assert await balances(lin) == [(50, 0)]
    await change(bio="")
    await change(bio="Road trips, again")
    await change(region="Hangzhou")
    assert await balances(lin) == [(50, 0)]
    [entry] = await entries(lin)
    assert (entry.rule, entry.idempotency_key) == ("PROFILE_COMPLETED", "PROFILE_COMPLETED")
    assert await rewards(lin) == []


async def koc_role(user, ended: bool) -> KocRole:
    await ensure_programs()
    now = datetime.now(UTC)
    return await KocRole.create(
        user_id=user.id,
        kind=KocRoleKind.STORY_SCOUT,
        active_key=f"{user.id}:{KocRoleKind.STORY_SCOUT}",
        starts_at=now - timedelta(days=200),
        ends_at=now - timedelta(minutes=1) if ended else now + timedelta(days=100),
    )


async def test_a_koc_term_that_runs_its_course_earns_and_a_revoked_one_does_not(people):
    lin, kai = await people.make("lin"), await people.make("kai")
    mia = await people.make("mia", MODERATOR)
    served = await koc_role(lin, ended=True)
    cut_short = await koc_role(kai, ended=False)
    await revoke_role(await people.context(mia), cut_short.id, "Broke the programme's rules")
    settings = people.resources.settings
    for _ in range(2):
        await end_due_koc_roles(people.resources.hub, settings=settings)
    assert await balances(lin, kai) == [(0, 50), (0, 0)]
    [entry] = await entries(lin)
    assert (entry.reference_type, entry.reference_id, entry.actor_id) == (
        "KOC_ROLE",
        str(served.id),
        None,
    )
    [text] = await rewards(lin)
    assert text.startswith("+50 contribution: you served a full term in the ")


# --- daily interaction -----------------------------------------------------------------------


async def test_comments_and_reactions_on_others_work_earn_and_on_ones_own_do_not(people):
    ann, lin, kai = [await people.make(h) for h in ("ann", "lin", "kai")]
    post = await make_post(ann)
    await credit(kai, post_id=post.id)  # a co-creator: the post is kai's work too
    on = WorkRef(post_id=post.id)

    comment = await add_comment(await people.context(lin), on, "Lovely road", None)
    await add_comment(await people.context(lin), on, "And the view", comment.id)  # own thread
    await add_comment(await people.context(ann), on, "Thanks!", comment.id)  # on own work
    await add_comment(await people.context(kai), on, "We had fun", None)  # own work
    for kind in (LIKE, WOW):
        await add_reaction(await people.context(lin), "Post", post.id, kind)
    await remove_reaction(await people.context(lin), "Post", post.id, LIKE)
    await add_reaction(await people.context(lin), "Post", post.id, LIKE)
    await add_reaction(await people.context(ann), "Post", post.id, LIKE)  # own work
    await add_reaction(await people.context(kai), "Post", post.id, LIKE)  # own work
    await add_reaction(await people.context(lin), "Comment", comment.id, LIKE)  # own comment
    await add_reaction(await people.context(ann), "Comment", comment.id, LIKE)

    assert await balances(lin, ann, kai) == [(0, 2), (0, 1), (0, 0)]
    keys = {e.idempotency_key for e in await entries(lin)}
    assert keys == {
        f"DAILY_INTERACTION:COMMENT:{comment.id}",
        f"DAILY_INTERACTION:reaction:POST:{post.id}",
    }
    assert await rewards(lin) == await rewards(ann) == []


async def test_a_held_comment_earns_when_a_moderator_lets_it_out(people):
    ann, mia = await people.make("ann"), await people.make("mia", MODERATOR)
    rui = await people.make("rui", state=AccountState.SILENCED, until_days=3)
    post = await make_post(ann)
    comment = await add_comment(await people.context(rui), WorkRef(post_id=post.id), "hi", None)
    assert await balances(rui) == [(0, 0)]  # held: nobody sees it yet
    item = await ModerationItem.get(target_id=comment.id)
    await resolve_item(await people.context(mia), item.id, Decision([ModerationAction.APPROVE]))
    assert (await Comment.get(id=comment.id)).state == "PUBLISHED"
    assert await balances(rui) == [(0, 1)]  # a silenced account still earns
    assert await rewards(rui) == []


async def test_interaction_stops_at_the_daily_cap_and_starts_again_the_next_day(people):
    ann, lin = await people.make("ann"), await people.make("lin")
    posts = [await make_post(ann, f"post {n}") for n in range(13)]
    for post in posts[:12]:
        await add_reaction(await people.context(lin), "Post", post.id, LIKE)
    assert await balances(lin) == [(0, 10)]
    yesterday = ledger.calendar(people.resources.settings)[0] - timedelta(days=1)
    await LedgerEntry.filter(user_id=lin.id).update(day=yesterday)
    await add_reaction(await people.context(lin), "Post", posts[12].id, LIKE)
    assert await balances(lin) == [(0, 11)]
    await set_rule(people, C, "DAILY_INTERACTION", daily_cap=1)
    await add_comment(await people.context(lin), WorkRef(post_id=posts[0].id), "nice", None)
    assert await balances(lin) == [(0, 11)]  # today's one unit is earned already


async def test_concurrent_reactions_by_one_person_stop_exactly_at_the_cap(people):
    ann, lin = await people.make("ann"), await people.make("lin")
    posts = [await make_post(ann, f"post {n}") for n in range(15)]
    contexts = [await people.context(lin) for _ in posts]
    await asyncio.gather(
        *(add_reaction(ctx, "Post", p.id, LIKE) for ctx, p in zip(contexts, posts, strict=True))
    )
    assert await balances(lin) == [(0, 10)]
    assert len(await entries(lin)) == 10


# --- causes still to come ----------------------------------------------------------------------


async def test_events_and_ratings_earn_within_their_caps_when_their_features_call(people):
    lin, ann = await people.make("lin"), await people.make("ann")
    settings = people.resources.settings
    async with writing(people.resources.hub) as log:
        for event_id in (1, 2, 3, 4, 4):
            await earnings.event_attended(
                log, settings, user_id=lin.id, event_id=event_id, actor_id=ann.id
            )
        await earnings.event_organized(log, settings, organizer_id=ann.id, event_id=1)
        for rating_id in (1, 2, 3, 4):
            await earnings.rating_submitted(log, settings, user_id=lin.id, rating_id=rating_id)
    assert await balances(lin, ann) == [(60 + 30, 15), (0, 20)]
    assert {(e.rule, e.reference_type) for e in await entries(lin)} == {
        ("EVENT_ATTENDED", "EVENT"),
        ("RATING_SUBMITTED", "RATING"),
    }
    # Told of each attendance that earned (the fourth earned nothing); ratings are their own.
    assert await rewards(lin) == ["+20 points and +5 contribution: you attended an event."] * 3
    assert await rewards(ann) == ["+20 contribution: an event you organised took place."]
