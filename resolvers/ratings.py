"""Satisfaction ratings: how people found buying, delivery, service, charging, an event and the
app, on a scale of 1 to 5.

A person rates a subject once per `settings.rating_period_days`, and an event once, only after
attending it (their signup was checked in). Two ratings of one subject sent at once queue on the
person's subject lock, so the second finds the first; an event's rating is decided by the
unique (person, event) row as well. The comment is screened like any text others read. The first
rating of a subject in a period earns RATING_SUBMITTED points.

Staff read the ratings and their summary: platform staff all of them; the owners, admins and
moderators of groups only the ratings of their groups' events. The summary is counted by the
database (one GROUP BY score), never by loading rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Count

from moderation import policies
from resolvers import earnings, validation
from resolvers.audit import admin_group_ids
from resolvers.changes import writing
from resolvers.context import Context
from resolvers.event_access import visible_event
from resolvers.pagination import Listing, Page, id_key, keyset_page, time_key
from resolvers.screening import screen
from server.errors import Forbidden, InvalidInput, NotEligible, NotEligibleReason, NotFound
from server.models import (
    Event,
    EventSignup,
    ExperienceSubject,
    SatisfactionRating,
    SignupState,
    User,
)

MAX_COMMENT = 2_000
MAX_CITY = 50
SCORES = range(1, 6)
# Net score: 5s promote, 1 to 3 detract, 4s are passive.
PROMOTER = 5
DETRACTOR_MAX = 3
OWN_RATINGS = Listing("ownRatings", id_key())
RATINGS = Listing("satisfactionRatings", time_key("created_at"), id_key())


# --- rating ---------------------------------------------------------------------------------------


def _score(score: int) -> int:
    if score not in SCORES:
        raise InvalidInput("A score is a whole number from 1 to 5.", field="score")
    return score


def _already_rated(message: str) -> NotEligible:
    return NotEligible(message, NotEligibleReason.ALREADY_RATED)


async def _attended_event(ctx: Context, viewer: User, event_id: int | None) -> Event:
    """The event an EVENT rating is about: one the rater sees, attended and has not rated."""
    if event_id is None:
        raise InvalidInput("Say which event you are rating.", field="eventId")
    event = await visible_event(ctx, event_id)
    if event is None:
        raise NotFound("No such event.")
    if not await EventSignup.filter(
        event_id=event.id, user_id=viewer.id, state=SignupState.ATTENDED
    ).exists():
        raise NotEligible(
            "You can rate an event once you have attended it.", NotEligibleReason.NOT_ATTENDED
        )
    if await SatisfactionRating.filter(user_id=viewer.id, event_id=event.id).exists():
        raise _already_rated("You have rated this event already.")
    return event


async def rate_experience(
    ctx: Context,
    subject: ExperienceSubject,
    score: int,
    comment: str = "",
    city: str = "",
    event_id: int | None = None,
) -> SatisfactionRating:
    """Rate an experience. EVENT: an event the rater attended, once (its city unless another is
    given); any other subject: once per rating period, without an event."""
    viewer = policies.require_writer(ctx.viewer)
    points = _score(score)
    text = validation.text(comment, "comment", minimum=0, maximum=MAX_COMMENT, label="A comment")
    place = validation.name(city, "city", minimum=0, maximum=MAX_CITY, label="The city")
    event: Event | None = None
    if subject == ExperienceSubject.EVENT:
        event = await _attended_event(ctx, viewer, event_id)
        place = place or event.city
    elif event_id is not None:
        raise InvalidInput("Only an EVENT rating names an event.", field="eventId")
    verdict = await screen(ctx, viewer, "rating", {"comment": text, "city": place})
    settings = ctx.settings
    period = timedelta(days=settings.rating_period_days)
    try:
        async with writing(ctx.hub) as log:
            await log.order_events()  # earnings lock the account after the subject's lock
            await log.lock(f"rating:{viewer.id}:{subject}")
            now = datetime.now(UTC)
            latest = (
                await SatisfactionRating.filter(user_id=viewer.id, subject=subject)
                .order_by("-created_at", "-id")
                .first()
            )
            in_period = latest is not None and latest.created_at > now - period
            if in_period and event is None:
                assert latest is not None
                again = (latest.created_at + period).astimezone(settings.timezone)
                raise _already_rated(
                    f"You rated this in the last {settings.rating_period_days} days; you may "
                    f"rate it again from {again:%Y-%m-%d}."
                )
            rating = await SatisfactionRating.create(
                user_id=viewer.id,
                subject=subject,
                score=points,
                comment=verdict.fields["comment"],
                city=verdict.fields["city"],
                event_id=event.id if event else None,
                group_id=event.group_id if event else None,
            )
            if not in_period:
                await earnings.rating_submitted(
                    log, settings, user_id=viewer.id, rating_id=rating.id
                )
    except IntegrityError:  # the same event rated by a concurrent request
        raise _already_rated("You have rated this event already.") from None
    return rating


# --- reading --------------------------------------------------------------------------------------


async def list_own_ratings(
    ctx: Context, user_id: int, first: int, after: str | None
) -> Page[SatisfactionRating] | None:
    """The viewer's own ratings, newest first; None when they are someone else's."""
    if ctx.viewer is None or ctx.viewer.id != user_id:
        return None
    query = SatisfactionRating.filter(user_id=user_id)
    return await keyset_page(query, OWN_RATINGS, first=first, after=after)


def may_see_rater(ctx: Context) -> bool:
    """Who rated is for platform staff alone."""
    return policies.is_staff(ctx.viewer)


async def _scope(ctx: Context) -> Q | None:
    """What ratings the viewer may read as staff: None for all (platform staff), the EVENT
    ratings of the groups they staff, or Forbidden."""
    viewer = policies.require_viewer(ctx.viewer)
    if policies.is_staff(viewer):
        return None
    groups = await admin_group_ids(ctx)
    if not groups:
        policies.refuse_if_sanctioned(viewer)
        raise Forbidden("Only staff and the staff of groups can read ratings.")
    return Q(subject=ExperienceSubject.EVENT, group_id__in=sorted(groups))


async def visible_rating(ctx: Context, rating_id: int) -> SatisfactionRating | None:
    """A rating, for its rater and the staff who may read it; None for anyone else."""
    if ctx.viewer is None:
        return None
    rating = await SatisfactionRating.get_or_none(id=rating_id)
    if rating is None or rating.user_id == ctx.viewer.id:
        return rating
    if policies.is_staff(ctx.viewer):
        return rating
    if rating.subject == ExperienceSubject.EVENT and rating.group_id is not None:
        if rating.group_id in await admin_group_ids(ctx):
            return rating
    return None


@dataclass(frozen=True)
class RatingFilter:
    """Which ratings a staff read covers: a subject, a city, created in [since, until)."""

    subject: ExperienceSubject | None = None
    city: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def _filtered(ctx: Context, which: RatingFilter) -> Q:
    scope = await _scope(ctx)
    condition = scope if scope is not None else Q()
    if which.subject is not None:
        condition &= Q(subject=which.subject)
    place = validation.optional_name(which.city, "city", maximum=MAX_CITY, label="The city")
    if place:
        condition &= Q(city=place)
    if which.since is not None:
        condition &= Q(created_at__gte=which.since)
    if which.until is not None:
        condition &= Q(created_at__lt=which.until)
    if which.since and which.until and which.since > which.until:
        raise InvalidInput("`from` comes before `to`.", field="to")
    return condition


async def list_ratings(
    ctx: Context, which: RatingFilter, first: int, after: str | None
) -> Page[SatisfactionRating]:
    """The ratings the viewer may read as staff, with their comments, newest first."""
    condition = await _filtered(ctx, which)
    return await keyset_page(
        SatisfactionRating.filter(condition), RATINGS, first=first, after=after
    )


@dataclass(frozen=True)
class Summary:
    """How satisfied people were: counts per score and the net score (−100 to 100)."""

    count: int
    average: float | None
    distribution: list[tuple[int, int]]
    promoter_share: float
    detractor_share: float
    net_score: float


def summarise(counts: dict[int, int]) -> Summary:
    """The summary of ratings counted per score."""
    total = sum(counts.values())
    promoters = counts.get(PROMOTER, 0)
    detractors = sum(n for score, n in counts.items() if score <= DETRACTOR_MAX)
    if not total:
        return Summary(0, None, [(s, 0) for s in SCORES], 0.0, 0.0, 0.0)
    return Summary(
        count=total,
        average=sum(score * n for score, n in counts.items()) / total,
        distribution=[(s, counts.get(s, 0)) for s in SCORES],
        promoter_share=promoters / total,
        detractor_share=detractors / total,
        net_score=(promoters - detractors) / total * 100,
    )


async def satisfaction_summary(ctx: Context, which: RatingFilter) -> Summary:
    """The summary of the ratings the viewer may read as staff."""
    condition = await _filtered(ctx, which)
    rows = (
        await SatisfactionRating.filter(condition)
        .annotate(n=Count("id"))
        .group_by("score")
        .values_list("score", "n")
    )
    return summarise({int(score): int(n) for score, n in rows})
