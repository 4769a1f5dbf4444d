"""Satisfaction ratings as use cases: rating once per subject and period (an event once, after
attending it), the points of a period's first rating, screening, who is refused how, the
summary's figures and what group staff read, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from resolvers import ratings
from resolvers.ratings import RatingFilter, list_own_ratings, rate_experience
from resolvers.rules import RuleInput, create_rule
from server.errors import (
    AccountSuspended,
    ContentRejected,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotEligible,
    NotEligibleReason,
    NotFound,
)
from server.models import (
    AccountState,
    Event,
    EventKind,
    EventSignup,
    ExperienceSubject,
    GroupVisibility,
    Ledger,
    LedgerEntry,
    MatchKind,
    PlatformRole,
    RuleAction,
    SatisfactionRating,
    SignupState,
    User,
)
from tests.helpers import make_group

S = ExperienceSubject


async def make_event(organizer: User, *, city: str = "上海", group_id: int | None = None) -> Event:
    now = datetime.now(UTC)
    return await Event.create(
        title="Owners' night",
        kind=EventKind.OFFLINE,
        city=city,
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(hours=3),
        capacity=20,
        signup_opens_at=now - timedelta(days=20),
        signup_closes_at=now - timedelta(days=3),
        organizer_id=organizer.id,
        group_id=group_id,
    )


async def attend(event: Event, *users: User, state: SignupState = SignupState.ATTENDED) -> None:
    for n, user in enumerate(users):
        await EventSignup.create(
            event_id=event.id, user_id=user.id, state=state, check_in_code=f"C{user.id}-{n}"
        )


async def rating_points(user: User) -> list[LedgerEntry]:
    return await LedgerEntry.filter(
        user_id=user.id, ledger=Ledger.POINTS, rule="RATING_SUBMITTED"
    ).order_by("id")


async def backdate(rating: SatisfactionRating, days: int) -> None:
    await SatisfactionRating.filter(id=rating.id).update(
        created_at=datetime.now(UTC) - timedelta(days=days)
    )


# --- rating ---------------------------------------------------------------------------------------


async def test_a_rating_is_stored_and_its_points_are_paid_once(people):
    mia = await people.make("mia")

    rating = await rate_experience(
        await people.context(mia), S.CHARGING, 4, " Fast chargers. ", " 杭州 "
    )

    assert (rating.user_id, rating.subject, rating.score) == (mia.id, S.CHARGING, 4)
    assert (rating.comment, rating.city, rating.event_id, rating.group_id) == (
        "Fast chargers.",
        "杭州",
        None,
        None,
    )
    [entry] = await rating_points(mia)
    assert entry.amount > 0
    assert (entry.reference_type, entry.reference_id) == ("RATING", str(rating.id))


async def test_a_subject_is_rated_once_per_period_and_the_refusal_says_when_again(people):
    mia = await people.make("mia")
    ctx = await people.context(mia)
    first = await rate_experience(ctx, S.DELIVERY, 5)
    await backdate(first, 10)

    with pytest.raises(NotEligible) as refused:
        await rate_experience(ctx, S.DELIVERY, 2, "Changed my mind.")

    assert refused.value.reason == NotEligibleReason.ALREADY_RATED
    again = (datetime.now(UTC) + timedelta(days=20)).astimezone(ctx.settings.timezone)
    assert f"{again:%Y-%m-%d}" in str(refused.value)
    assert await SatisfactionRating.filter(user_id=mia.id).count() == 1
    # Another subject is a rating of its own.
    await rate_experience(ctx, S.APP, 3)
    assert len(await rating_points(mia)) == 2


async def test_a_new_period_takes_a_new_rating_and_pays_again(people):
    mia = await people.make("mia")
    ctx = await people.context(mia)
    await backdate(await rate_experience(ctx, S.SERVICE, 5), 31)

    await rate_experience(ctx, S.SERVICE, 4)

    assert await SatisfactionRating.filter(user_id=mia.id, subject=S.SERVICE).count() == 2
    assert len(await rating_points(mia)) == 2


async def test_ratings_sent_at_once_keep_one_and_pay_once(people):
    mia = await people.make("mia")
    contexts = [await people.context(mia) for _ in range(6)]

    results = await asyncio.gather(
        *(rate_experience(ctx, S.PURCHASE, 5) for ctx in contexts), return_exceptions=True
    )

    assert sum(isinstance(r, SatisfactionRating) for r in results) == 1
    refusals = [r for r in results if not isinstance(r, SatisfactionRating)]
    assert all(
        isinstance(r, NotEligible) and r.reason == NotEligibleReason.ALREADY_RATED for r in refusals
    )
    assert await SatisfactionRating.filter(user_id=mia.id).count() == 1
    assert len(await rating_points(mia)) == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"score": 0}, "score"),
        ({"score": 6}, "score"),
        ({"comment": "x" * 2_001}, "comment"),
        ({"city": "城" * 51}, "city"),
        ({"event_id": 1}, "eventId"),
    ],
)
async def test_bad_input_is_refused_naming_the_field(people, values, field):
    mia = await people.make("mia")

    with pytest.raises(InvalidInput) as refused:
        await rate_experience(
            await people.context(mia), **({"subject": S.APP, "score": 3} | values)
        )

    assert refused.value.field == field
    assert not await SatisfactionRating.exists()


async def test_anonymous_and_sanctioned_people_cannot_rate(people):
    ivy = await people.make("ivy", state=AccountState.SUSPENDED, until_days=3)
    leo = await people.make("leo", state=AccountState.BANNED)

    with pytest.raises(NotAuthenticated):
        await rate_experience(await people.context(None), S.APP, 5)
    for user in (ivy, leo):
        with pytest.raises(AccountSuspended):
            await rate_experience(await people.context(user), S.APP, 5)
    assert not await SatisfactionRating.exists()


async def test_a_blocking_rule_refuses_the_comment_and_stores_nothing(people):
    mia = await people.make("mia", PlatformRole.MODERATOR)
    await create_rule(
        await people.context(mia), RuleInput("scam", MatchKind.WORD, RuleAction.BLOCK, "fraud")
    )
    lin = await people.make("lin")

    with pytest.raises(ContentRejected) as refused:
        await rate_experience(await people.context(lin), S.SERVICE, 1, "What a scam")

    assert refused.value.field == "comment" and refused.value.reasons == ["fraud"]
    assert not await SatisfactionRating.exists()
    assert not await rating_points(lin)


# --- events ---------------------------------------------------------------------------------------


async def test_an_attendee_rates_the_event_once_in_its_city_and_group(people):
    kai, lin = await people.make("kai"), await people.make("lin")
    group = await make_group("night-drivers", kai, lin)
    event = await make_event(kai, city="成都", group_id=group.id)
    await attend(event, lin)
    ctx = await people.context(lin)

    rating = await rate_experience(ctx, S.EVENT, 5, "Great night.", event_id=event.id)

    assert (rating.event_id, rating.group_id, rating.city) == (event.id, group.id, "成都")
    with pytest.raises(NotEligible) as refused:
        await rate_experience(ctx, S.EVENT, 4, event_id=event.id)
    assert refused.value.reason == NotEligibleReason.ALREADY_RATED
    assert len(await rating_points(lin)) == 1


async def test_a_second_event_in_the_period_is_rated_without_more_points(people):
    kai, lin = await people.make("kai"), await people.make("lin")
    first, second = await make_event(kai), await make_event(kai, city="北京")
    await attend(first, lin)
    await attend(second, lin)
    ctx = await people.context(lin)

    await rate_experience(ctx, S.EVENT, 5, event_id=first.id)
    other = await rate_experience(ctx, S.EVENT, 3, city="天津", event_id=second.id)

    assert other.city == "天津"
    assert await SatisfactionRating.filter(user_id=lin.id).count() == 2
    assert len(await rating_points(lin)) == 1


@pytest.mark.parametrize("state", [None, SignupState.CONFIRMED, SignupState.CANCELLED])
async def test_only_attendees_rate_an_event(people, state):
    kai, lin = await people.make("kai"), await people.make("lin")
    event = await make_event(kai)
    if state is not None:
        await attend(event, lin, state=state)

    with pytest.raises(NotEligible) as refused:
        await rate_experience(await people.context(lin), S.EVENT, 5, event_id=event.id)

    assert refused.value.reason == NotEligibleReason.NOT_ATTENDED
    assert not await SatisfactionRating.exists()


async def test_an_event_rating_names_an_event_the_rater_can_see(people):
    kai, lin = await people.make("kai"), await people.make("lin")
    hidden = await make_group("inner-circle", kai, visibility=GroupVisibility.MEMBERS_ONLY)
    event = await make_event(kai, group_id=hidden.id)
    await attend(event, lin)  # attended, but has left the members-only group since
    ctx = await people.context(lin)

    with pytest.raises(NotFound):
        await rate_experience(ctx, S.EVENT, 5, event_id=event.id)
    with pytest.raises(NotFound):
        await rate_experience(ctx, S.EVENT, 5, event_id=event.id + 1000)
    with pytest.raises(InvalidInput) as refused:
        await rate_experience(ctx, S.EVENT, 5)
    assert refused.value.field == "eventId"


# --- reading --------------------------------------------------------------------------------------


async def test_people_list_their_own_ratings_newest_first_and_nobody_elses(people):
    mia, lin = await people.make("mia"), await people.make("lin")
    ctx = await people.context(mia)
    for subject in (S.APP, S.SERVICE, S.DELIVERY):
        await rate_experience(ctx, subject, 4)

    page = await list_own_ratings(ctx, mia.id, 2, None)
    assert page is not None
    assert [r.subject for _, r in page.edges] == [S.DELIVERY, S.SERVICE]
    rest = await list_own_ratings(ctx, mia.id, 2, page.end_cursor)
    assert rest is not None and [r.subject for _, r in rest.edges] == [S.APP]
    assert await list_own_ratings(await people.context(lin), mia.id, 2, None) is None
    assert await list_own_ratings(await people.context(None), mia.id, 2, None) is None


async def seed(
    user: User, subject: ExperienceSubject, score: int, *, city: str = "", days: int = 1, **more
) -> SatisfactionRating:
    rating = await SatisfactionRating.create(
        user_id=user.id, subject=subject, score=score, city=city, **more
    )
    await backdate(rating, days)
    return rating


async def test_the_summary_counts_scores_shares_and_the_net_score(people):
    max_ = await people.make("max", PlatformRole.ADMIN)
    raters = [await people.make(h) for h in ("mia", "lin", "ann", "kai", "rui", "zoe")]
    for user, score in zip(raters, (5, 5, 4, 3, 1), strict=False):
        await seed(user, S.CHARGING, score, city="上海", days=3)
    await seed(raters[5], S.CHARGING, 2, city="北京", days=40)
    await seed(raters[5], S.APP, 5, city="上海")
    ctx = await people.context(max_)

    since = datetime.now(UTC) - timedelta(days=10)
    summary = await ratings.satisfaction_summary(ctx, RatingFilter(S.CHARGING, since=since))

    assert summary.count == 5
    assert summary.average == pytest.approx(3.6)
    assert summary.distribution == [(1, 1), (2, 0), (3, 1), (4, 1), (5, 2)]
    assert summary.promoter_share == pytest.approx(0.4)
    assert summary.detractor_share == pytest.approx(0.4)
    assert summary.net_score == pytest.approx(0)
    everything = await ratings.satisfaction_summary(ctx, RatingFilter())
    assert everything.count == 7
    assert everything.net_score == pytest.approx((3 - 3) / 7 * 100)
    beijing = await ratings.satisfaction_summary(ctx, RatingFilter(city="北京"))
    assert (beijing.count, beijing.average, beijing.net_score) == (1, 2.0, -100.0)
    until = datetime.now(UTC) - timedelta(days=20)
    old = await ratings.satisfaction_summary(ctx, RatingFilter(until=until))
    assert old.count == 1
    empty = await ratings.satisfaction_summary(ctx, RatingFilter(S.PURCHASE))
    assert (empty.count, empty.average, empty.net_score) == (0, None, 0.0)
    assert empty.distribution == [(s, 0) for s in range(1, 6)]


async def test_platform_staff_read_every_rating_newest_first_filtered(people):
    mia = await people.make("mia", PlatformRole.MODERATOR)
    lin, ann = await people.make("lin"), await people.make("ann")
    old = await seed(lin, S.APP, 2, city="上海", days=5)
    new = await seed(ann, S.APP, 5, city="上海", days=1)
    await seed(ann, S.DELIVERY, 4, city="上海", days=2)
    ctx = await people.context(mia)

    page = await ratings.list_ratings(ctx, RatingFilter(S.APP, city=" 上海 "), 1, None)
    assert [r.id for _, r in page.edges] == [new.id] and page.has_next_page
    rest = await ratings.list_ratings(ctx, RatingFilter(S.APP, city="上海"), 5, page.end_cursor)
    assert [r.id for _, r in rest.edges] == [old.id]
    assert ratings.may_see_rater(ctx)
    assert await ratings.visible_rating(ctx, old.id) is not None


async def test_group_staff_read_only_their_groups_event_ratings(people):
    kai, rui, eva = await people.make("kai"), await people.make("rui"), await people.make("eva")
    lin, ann = await people.make("lin"), await people.make("ann")
    ours = await make_group("night-drivers", kai, lin, moderators=(rui,))
    theirs = await make_group("day-drivers", eva, ann)
    our_event = await make_event(kai, group_id=ours.id)
    their_event = await make_event(eva, group_id=theirs.id)
    platform = await make_event(eva)
    mine = await seed(lin, S.EVENT, 5, event_id=our_event.id, group_id=ours.id)
    await seed(ann, S.EVENT, 1, event_id=their_event.id, group_id=theirs.id)
    await seed(ann, S.EVENT, 2, event_id=platform.id)
    app = await seed(lin, S.APP, 1)

    for user in (kai, rui):
        ctx = await people.context(user)
        page = await ratings.list_ratings(ctx, RatingFilter(), 10, None)
        assert [r.id for _, r in page.edges] == [mine.id]
        summary = await ratings.satisfaction_summary(ctx, RatingFilter())
        assert (summary.count, summary.average) == (1, 5.0)
        assert not ratings.may_see_rater(ctx)
        assert await ratings.visible_rating(ctx, mine.id) is not None
        assert await ratings.visible_rating(ctx, app.id) is None
    assert await ratings.visible_rating(await people.context(lin), app.id) is not None
    assert await ratings.visible_rating(await people.context(ann), app.id) is None


async def test_members_anonymous_and_sanctioned_staff_cannot_read_ratings(people):
    kai, lin = await people.make("kai"), await people.make("lin")
    zoe = await people.make("zoe", PlatformRole.MODERATOR, AccountState.SILENCED, until_days=3)
    await make_group("night-drivers", kai, lin)
    await User.filter(id=kai.id).update(
        state=AccountState.SUSPENDED, suspended_until=datetime.now(UTC) + timedelta(days=2)
    )

    for user, refusal in ((lin, Forbidden), (None, NotAuthenticated), (kai, Forbidden)):
        ctx = await people.context(user)
        with pytest.raises(refusal):
            await ratings.satisfaction_summary(ctx, RatingFilter())
        with pytest.raises(refusal):
            await ratings.list_ratings(ctx, RatingFilter(), 10, None)
    with pytest.raises(Forbidden):
        await ratings.list_ratings(await people.context(zoe), RatingFilter(), 10, None)
